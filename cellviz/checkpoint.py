"""Placeholder: replaced by the checkpoint loader."""


class CheckpointError(ValueError):
    """A checkpoint file that cellviz cannot read, with a message saying why."""


def load_checkpoint(path_or_file, *, prefix=None, batch_first=False, nonlinearity="tanh"):
    raise NotImplementedError
