"""Where zoo models live on disk and how they are written and read: safetensors weights + a JSON card.

assets/zoo/<name>/model.safetensors, card.json, train_log.txt and snapshots/<label>.safetensors,
with assets/ at the repository root beside the cellviz package. Nothing is ever downloaded.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

ASSETS = Path(__file__).resolve().parents[2] / "assets"
ZOO = ASSETS / "zoo"
CLAIMS = ASSETS / "claims.json"


def model_dir(name: str, root: Path | None = None) -> Path:
    return Path(root or ZOO) / name


def list_names(root: Path | None = None) -> list[str]:
    root = Path(root or ZOO)
    return sorted(p.name for p in root.iterdir() if (p / "card.json").is_file()) if root.is_dir() else []


def check_name(name: object, root: Path | None = None) -> str:
    """`name` if it is one of the listed models (a directory of the zoo root), else a ValueError naming them.
    Only listed names reach the file system: a path ("/tmp/x/lag-lstm", "../../lag-lstm") is no name."""
    if not isinstance(name, str) or name not in list_names(root):
        shown = repr(name) if len(repr(name)) <= 60 else repr(name)[:59] + "…"
        known = ", ".join(list_names(root)) or "none"
        raise ValueError(f"no zoo model named {shown}; shipped models: {known}")
    return name


def read_card(name: str, root: Path | None = None) -> dict:
    path = model_dir(check_name(name, root), root) / "card.json"
    return json.loads(path.read_text())


def weights_path(name: str, snapshot: str | None = None, root: Path | None = None) -> Path:
    d = model_dir(check_name(name, root), root)
    if snapshot is not None and (not isinstance(snapshot, str) or Path(snapshot).name != snapshot
                                 or snapshot in ("", ".", "..")):
        raise ValueError(f"no snapshot named {snapshot!r:.60}")
    return d / "model.safetensors" if snapshot is None else d / "snapshots" / f"{snapshot}.safetensors"


@lru_cache(maxsize=64)
def _read_weights(path: str, mtime: float) -> dict[str, torch.Tensor]:
    return load_file(path)


def read_weights(path: Path) -> dict[str, torch.Tensor]:
    """The tensors in a safetensors file (cached by path and modification time; callers get copies)."""
    return {k: v.clone() for k, v in _read_weights(str(path), path.stat().st_mtime).items()}


def _contiguous(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {k: v.detach().contiguous().clone() for k, v in state.items()}


def write_model(out: Path, card: dict, state: dict[str, torch.Tensor], log: str,
                snapshots: dict[str, dict[str, torch.Tensor]] | None = None) -> Path:
    """Write one model's directory; returns it."""
    out.mkdir(parents=True, exist_ok=True)
    save_file(_contiguous(state), str(out / "model.safetensors"))
    snap_dir = out / "snapshots"
    for old in snap_dir.glob("*.safetensors") if snap_dir.is_dir() else []:
        old.unlink()
    for label, s in (snapshots or {}).items():
        snap_dir.mkdir(exist_ok=True)
        save_file(_contiguous(s), str(snap_dir / f"{label}.safetensors"))
    (out / "card.json").write_text(json.dumps(card, indent=1) + "\n")
    (out / "train_log.txt").write_text(log)
    return out
