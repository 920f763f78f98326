"""Find the bundled stage library and templates, from an install or from a checkout."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def data_dir(name: str) -> Path:
    """The bundled ``stages`` or ``templates`` folder.

    An installed wheel carries them as ``roadmap/_data/<name>``; a checkout has them at the
    top level beside ``roadmap/``.
    """
    installed = Path(str(files("roadmap"))) / "_data" / name
    if installed.is_dir():
        return installed
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"the bundled '{name}' folder is missing from this installation")
