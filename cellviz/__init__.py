"""cellviz: see inside recurrent cells — every gate, state and gradient of torch RNN / LSTM / GRU modules."""
from .cells import Intervention
from .checkpoint import (CheckpointError, CheckpointParts, load_checkpoint, load_checkpoint_parts, module_from_cells,
                         recurrent_candidates)
from .trace import LayerRecord, Trace, trace

__all__ = ["trace", "Trace", "LayerRecord", "Intervention", "load_checkpoint", "CheckpointError", "zoo",
           "load_checkpoint_parts", "CheckpointParts", "recurrent_candidates", "module_from_cells", "show"]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name == "zoo":  # imported on first use: the engine works without the zoo's tasks loaded
        import importlib
        return importlib.import_module(".zoo", __name__)
    if name == "show":  # the notebook player (cellviz.notebook, needs the notebook extra: anywidget)
        from .notebook import show
        return show
    raise AttributeError(f"module 'cellviz' has no attribute {name!r}")
