"""Finding submission files: ``<landing>/*`` and ``<landing>/<AGNCY>/*``.

Every regular file is a candidate (a wrongly named one is logged as rejected, so the provider hears of it),
except names starting with ``.`` or ``_`` (hidden files, editor droppings, the generator's ``_generator/``
manifest), which are not submissions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class LandingFile:
    path: Path
    relative_name: str  # relative to the landing directory, '/' separators
    size: int
    received_at: datetime  # modification time, UTC, naive

    @property
    def base_name(self) -> str:
        """The file's name without its folder."""
        return self.path.name


def _ignored(path: Path) -> bool:
    return path.name.startswith((".", "_"))


def discover(landing: Path) -> list[LandingFile]:
    """Files in the landing directory (flat or one folder deep), in the order they were received."""
    if not landing.is_dir():
        return []
    candidates: list[Path] = []
    for entry in landing.iterdir():
        if _ignored(entry):
            continue
        if entry.is_file():
            candidates.append(entry)
        elif entry.is_dir():
            candidates.extend(p for p in entry.iterdir() if p.is_file() and not _ignored(p))
    files = []
    for path in candidates:
        stat = path.stat()
        files.append(
            LandingFile(
                path=path,
                relative_name=path.relative_to(landing).as_posix(),
                size=stat.st_size,
                received_at=datetime.fromtimestamp(stat.st_mtime, tz=UTC).replace(tzinfo=None),
            )
        )
    # "Received last" = later modification time; equal times: later relative path in byte order.
    files.sort(key=lambda f: (f.received_at, f.relative_name.encode()))
    return files
