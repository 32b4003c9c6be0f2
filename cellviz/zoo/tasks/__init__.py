"""The zoo's tasks, by name. Each is a `Task`: data generators, held-out set, metrics, parsing."""
from .adding import AddingTask
from .base import Batch, Example, ParseOption, Task
from .brackets import BracketsTask
from .charlm import CharLMTask
from .forecast import ForecastTask
from .lag import LagTask
from .numbers import NumbersTask
from .prefix import PrefixTask
from .sentiment import SentimentTask
from .waveform import WaveformTask

TASKS: dict[str, type[Task]] = {t.name: t for t in (LagTask, BracketsTask, SentimentTask, CharLMTask,
                                                    ForecastTask, WaveformTask, NumbersTask, AddingTask,
                                                    PrefixTask)}


def make_task(name: str, **options) -> Task:
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; known: {', '.join(TASKS)}")
    return TASKS[name](**options)


__all__ = ["TASKS", "make_task", "Task", "Example", "Batch", "ParseOption"]
