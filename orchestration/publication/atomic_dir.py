"""Write a directory whole or not at all: build it beside the target, then rename it into place."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def _leftovers(target: Path) -> list[Path]:
    return sorted(target.parent.glob(f".{target.name}.tmp-*")) + sorted(target.parent.glob(f".{target.name}.old-*"))


def replace_directory(target: Path, build: Callable[[Path], None]) -> None:
    """Call ``build(tmp)`` on a fresh temp directory next to ``target``, then swap it in for ``target``.

    Readers never see a half-written directory: the old one stays complete until the rename, and on any error the
    temp directory is removed and the old one is left as it was. The swap of an existing directory is two renames
    (old → aside, new → target), so for an instant the path may be missing, never partial. Leftovers of an
    interrupted earlier run (``.<name>.tmp-*`` / ``.<name>.old-*``) are removed first; one writer per target.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in _leftovers(target):
        shutil.rmtree(leftover, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        build(tmp)
        tmp.chmod(0o755)  # mkdtemp makes it private; a pack is meant to be read
        if target.exists():
            aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            aside.rmdir()
            os.rename(target, aside)
            os.rename(tmp, target)
            shutil.rmtree(aside, ignore_errors=True)
        else:
            os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
