"""Statement vectors: an in-memory int8 matrix and its sidecar file, a cache of the text.

The library file stays the record. Vectors live beside it in ``<library>.vectors``,
keyed by statement id and stamped with the model version; a sidecar of another
version, or one that does not check out (truncated, edited, wrong sizes), is ignored
and rebuilt from the statements' text, never trusted and never "repaired" in place.

Each vector is stored as int8 with one float32 scale (``v ≈ q * scale``), 388 bytes a
statement instead of 1,536 for float32: 1M statements fit in 0.4 GB.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import struct
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import orjson

from claims_db.errors import ClaimsError

log = logging.getLogger(__name__)

_MAGIC = b"CLAIMVEC1\n"
_HEADER = struct.Struct("<I")


class VectorSaveFailed(ClaimsError):
    """The vector sidecar could not be written (the library itself is untouched)."""


def sidecar_path(library: Path) -> Path:
    """Return where a library's vectors are kept."""
    return library.with_name(library.name + ".vectors")


class VectorStore:
    """Unit vectors of statements by id, quantised to int8 with one scale each."""

    def __init__(self, model: str, dimension: int) -> None:
        self.model = model
        self.dimension = dimension
        self._row: dict[str, int] = {}
        self._ids: list[str | None] = []
        self._codes = np.zeros((0, dimension), dtype=np.int8)
        self._scales = np.zeros(0, dtype=np.float32)
        self._used = 0
        self.changed = False
        self._dense: npt.NDArray[np.float32] | None = None  # float copy for a full scan

    def __len__(self) -> int:
        """Return how many statements have a vector."""
        return len(self._row)

    def __contains__(self, statement_id: object) -> bool:
        return statement_id in self._row

    def ids(self) -> list[str]:
        """Return the statement ids that have a vector."""
        return list(self._row)

    def add(self, statement_ids: Sequence[str], vectors: npt.NDArray[np.float32]) -> None:
        """Store (or replace) the vectors of statements."""
        if len(statement_ids) != len(vectors):
            raise ValueError("one vector per statement id")
        if not len(statement_ids):
            return
        peak = np.abs(vectors).max(axis=1)
        scales = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
        codes = np.rint(vectors / scales[:, None]).astype(np.int8)
        self._grow(self._used + len(statement_ids))
        for sid, code, scale in zip(statement_ids, codes, scales, strict=True):
            row = self._row.get(sid)
            if row is None:
                row = self._row[sid] = self._used
                self._ids.append(sid)
                self._used += 1
            self._codes[row] = code
            self._scales[row] = scale
        self.changed = True
        self._dense = None

    def _grow(self, needed: int) -> None:
        size = len(self._codes)
        if needed <= size:
            return
        new = max(needed, size * 3 // 2 + 1024)
        codes = np.zeros((new, self.dimension), dtype=np.int8)
        codes[:size] = self._codes
        scales = np.zeros(new, dtype=np.float32)
        scales[:size] = self._scales
        self._codes, self._scales = codes, scales

    def remove(self, statement_ids: Iterable[str]) -> None:
        """Forget the vectors of statements (their rows are reused on the next compaction)."""
        for sid in statement_ids:
            row = self._row.pop(sid, None)
            if row is not None:
                self._ids[row] = None
                self.changed = True
                self._dense = None
        if self._used > 1024 and len(self._row) < self._used // 2:
            self._compact()

    def keep_only(self, statement_ids: Iterable[str]) -> None:
        """Drop every vector whose statement is not among ``statement_ids``."""
        alive = set(statement_ids)
        self.remove([sid for sid in self._row if sid not in alive])

    def _compact(self) -> None:
        rows = [row for row, sid in enumerate(self._ids[: self._used]) if sid is not None]
        self._codes = self._codes[rows].copy()
        self._scales = self._scales[rows].copy()
        self._ids = [self._ids[row] for row in rows]
        self._row = {sid: i for i, sid in enumerate(self._ids) if sid is not None}
        self._used = len(rows)

    def cosines(
        self, query: npt.NDArray[np.float32], statement_ids: Sequence[str]
    ) -> list[float | None]:
        """Return each statement's cosine with ``query`` (None: no vector yet)."""
        rows = [self._row.get(sid, -1) for sid in statement_ids]
        found = [r for r in rows if r >= 0]
        if not found:
            return [None] * len(rows)
        index = np.fromiter(found, dtype=np.int64, count=len(found))
        sims = (self._codes[index].astype(np.float32) @ query) * self._scales[index]
        values = iter(sims.tolist())
        return [next(values) if r >= 0 else None for r in rows]

    def nearest(self, query: npt.NDArray[np.float32], k: int) -> list[str]:
        """Return the ``k`` statements closest to ``query`` by a full scan (small stores)."""
        if not self._row or k <= 0:
            return []
        if self._dense is None:
            used = self._used
            dense = self._codes[:used].astype(np.float32) * self._scales[:used, None]
            dead = [row for row, sid in enumerate(self._ids[:used]) if sid is None]
            dense[dead] = 0.0
            self._dense = dense
        sims = self._dense @ query
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top])]
        return [sid for sid in (self._ids[row] for row in top.tolist()) if sid is not None]

    # ----------------------------------------------------------------------- the sidecar

    def save(self, path: Path) -> None:
        """Write the sidecar crash-safely: temp file, fsync, atomic replace."""
        rows = [row for row, sid in enumerate(self._ids[: self._used]) if sid is not None]
        ids = [self._ids[row] or "" for row in rows]
        codes = np.ascontiguousarray(self._codes[rows]).tobytes()
        scales = np.ascontiguousarray(self._scales[rows], dtype="<f4").tobytes()
        id_bytes = "\n".join(ids).encode()
        body_hash = hashlib.sha256()
        for part in (id_bytes, scales, codes):
            body_hash.update(part)
        header = orjson.dumps(
            {
                "model": self.model,
                "dimension": self.dimension,
                "count": len(ids),
                "ids_bytes": len(id_bytes),
                "sha256": body_hash.hexdigest(),
            }
        )
        folder = path.parent
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_MAGIC + _HEADER.pack(len(header)) + header)
                for part in (id_bytes, scales, codes):
                    fh.write(part)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
            with contextlib.suppress(OSError):
                dir_fd = os.open(folder, os.O_RDONLY)
                try:
                    os.fsync(dir_fd)
                finally:
                    os.close(dir_fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise VectorSaveFailed(
                f"Could not save the search vectors {path} ({exc.strerror or exc}); "
                "they will be rebuilt, and the library is intact."
            ) from exc
        self.changed = False

    @classmethod
    def load(cls, path: Path, *, model: str, dimension: int) -> VectorStore:
        """Read a sidecar; an absent, stale or damaged one gives an empty store."""
        store = cls(model, dimension)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return store
        except OSError as exc:
            log.warning("cannot read vectors %s (%s); rebuilding them", path, exc)
            return store
        loaded = _parse(data, model, dimension)
        if isinstance(loaded, str):
            log.warning("ignoring vectors %s: %s; rebuilding them", path, loaded)
            store.changed = True  # the file on disk must be replaced
            return store
        ids, scales, codes = loaded
        store._ids = list(ids)
        store._row = {sid: i for i, sid in enumerate(ids)}
        store._codes, store._scales, store._used = codes, scales, len(ids)
        if len(store._row) != len(ids):
            log.warning("vectors %s repeat statement ids; rebuilding them", path)
            return cls(model, dimension)
        return store


def _parse(
    data: bytes, model: str, dimension: int
) -> tuple[list[str], npt.NDArray[np.float32], npt.NDArray[np.int8]] | str:
    """Return a sidecar's ids, scales and codes, or why it cannot be used."""
    if not data.startswith(_MAGIC) or len(data) < len(_MAGIC) + _HEADER.size:
        return "not a vector file"
    pos = len(_MAGIC)
    (header_len,) = _HEADER.unpack_from(data, pos)
    pos += _HEADER.size
    try:
        header = orjson.loads(data[pos : pos + header_len])
        if not isinstance(header, dict):
            return "bad header"
        if header.get("model") != model or header.get("dimension") != dimension:
            return f"made by model {header.get('model')!r}, not {model!r}"
        count = int(header["count"])
        ids_bytes = int(header["ids_bytes"])
        expected = str(header["sha256"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return "bad header"
    pos += header_len
    body = data[pos:]
    if count < 0 or ids_bytes < 0 or len(body) != ids_bytes + count * (4 + dimension):
        return "wrong size (truncated?)"
    if hashlib.sha256(body).hexdigest() != expected:
        return "checksum mismatch"
    try:
        text = body[:ids_bytes].decode()
    except UnicodeDecodeError:
        return "bad ids"
    ids = text.split("\n") if count else []
    if len(ids) != count:
        return "id count mismatch"
    scales = np.frombuffer(body, dtype="<f4", count=count, offset=ids_bytes).astype(np.float32)
    codes = (
        np.frombuffer(body, dtype=np.int8, count=count * dimension, offset=ids_bytes + 4 * count)
        .reshape(count, dimension)
        .copy()
    )
    return ids, scales, codes
