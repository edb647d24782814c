"""Where uploaded files live: content-addressed, behind a small interface.

The local implementation keeps files under the data directory; an object store (S3, MinIO)
can implement the same three methods later without touching the callers.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol


class BlobStore(Protocol):
    def put(self, data: bytes) -> str: ...

    def get(self, key: str) -> bytes | None: ...

    def delete(self, key: str) -> None: ...


def content_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def files_of(data_dir: Path) -> LocalBlobStore:
    """The uploaded files of the installation whose data directory is ``data_dir``."""
    return LocalBlobStore(data_dir / "files")


class LocalBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError("not a content key")
        return self.root / key[:2] / key[2:4] / key

    def put(self, data: bytes) -> str:
        key = content_key(data)
        path = self._path(key)
        if path.exists():
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed, so a reader never sees half a file after a crash.
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
        return key

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, ValueError):
            return None

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink()
        except (FileNotFoundError, ValueError):
            pass
