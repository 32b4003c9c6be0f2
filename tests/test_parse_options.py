"""Task parse options carry real number types (read from the evaluated annotations, not their text)."""
import pytest

from cellviz.zoo.tasks import TASKS, ParseOption, Task
from cellviz.zoo.tasks.base import Example


def test_shipped_task_options():
    assert TASKS["lag"]().parse_options() == {"lag": ParseOption("lag", int, None)}
    assert TASKS["waveform"]().parse_options() == {"period": ParseOption("period", float, 16.0),
                                                  "amplitude": ParseOption("amplitude", float, 1.0),
                                                  "length": ParseOption("length", int, None)}
    assert all(TASKS[n]().parse_options() == {} for n in ("brackets", "charlm", "sentiment"))


class _Typed(Task):
    def parse(self, user_input: str, n: int = 3, x: "float | int | None" = None, *, k: int, **rest) -> Example:
        raise NotImplementedError


class _Untyped(Task):
    def parse(self, user_input: str, name: str = "a") -> Example:
        raise NotImplementedError


def test_types_come_from_the_annotations():
    opts = _Typed().parse_options()
    assert [(o.name, o.type, o.default) for o in opts.values()] == [("n", int, 3), ("x", float, None), ("k", int, None)]
    with pytest.raises(TypeError, match="name"):
        _Untyped().parse_options()
