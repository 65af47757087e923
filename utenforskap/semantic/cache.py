"""An on-disk cache of sentence embeddings: each text is embedded once.

Vectors are kept as float16 under ``<user cache>/utenforskap/embeddings/<encoder id>/``
(``UTENFORSKAP_CACHE`` overrides the folder), keyed by a SHA-1 of the text
as it was encoded, in shards of two ``.npy`` files: ``<name>.vectors.npy``
and ``<name>.keys.npy`` (written last: a shard without its keys is
unfinished and ignored).  A process reads every shard's keys (20 bytes a
text) and maps the vectors from disk, so a large cache costs little memory
and start-up time; only the rows looked up are read.  A damaged shard is
removed with a warning and its texts are embedded again; a folder that
cannot be written leaves the cache in memory only.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import uuid
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = ["EmbeddingCache", "cache_folder", "text_key"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

_MAX_SHARDS = 64  # more shards than this are merged into one when the next is written
_KEYS, _VECTORS = ".keys.npy", ".vectors.npy"


def text_key(text: str) -> bytes:
    """The 20-byte key of a text (SHA-1 of its UTF-8 bytes)."""
    return hashlib.sha1(text.encode("utf-8")).digest()


def cache_folder() -> Path | None:
    """The cache's root folder: ``$UTENFORSKAP_CACHE`` or the user cache; None if neither can be written."""
    env = os.environ.get("UTENFORSKAP_CACHE")
    if env:
        root = Path(env)
    else:
        try:
            from platformdirs import user_cache_dir
        except ImportError:
            return None
        root = Path(user_cache_dir("utenforskap"))
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return root if os.access(root, os.W_OK) else None


def _save(path: Path, array: np.ndarray) -> None:
    """Write an array atomically (a file that is there is whole)."""
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as f:
        np.save(f, array, allow_pickle=False)
    os.replace(temporary, path)


class EmbeddingCache:
    """Embeddings of one encoder, on disk (mapped) and in memory (new ones).

    Parameters
    ----------
    encoder_id : str
        The encoder's id; each encoder has a folder of its own.
    folder : Path, optional
        The root folder (default :func:`cache_folder`); ``False`` keeps the
        cache in memory only.

    Examples
    --------
    >>> import tempfile
    >>> cache = EmbeddingCache("demo", folder=Path(tempfile.mkdtemp()))
    >>> cache.add(["a"], np.ones((1, 4), dtype=np.float32))
    >>> cache.get(["a", "b"])[1]
    [1]
    >>> EmbeddingCache("demo", folder=cache.root).get(["a"])[0].shape  # read back from disk
    (1, 4)
    """

    def __init__(self, encoder_id: str, *, folder: Path | None | bool = None):
        root = cache_folder() if folder is None else (None if folder is False else Path(folder))
        self.root = root
        self.folder = None if root is None else root / "embeddings" / re.sub(r"[^A-Za-z0-9._-]+", "_", encoder_id)
        self._index: dict[bytes, tuple[int, int]] = {}
        self._blocks: list[np.ndarray] = []
        self.hits = self.misses = 0
        self._loaded = False

    def _shards(self) -> list[Path]:
        return sorted(self.folder.glob("*" + _KEYS)) if self.folder is not None and self.folder.is_dir() else []

    def _open(self, keys_path: Path) -> tuple[np.ndarray, np.ndarray]:
        """A shard's keys (in memory) and vectors (mapped)."""
        vectors_path = keys_path.with_name(keys_path.name[: -len(_KEYS)] + _VECTORS)
        keys = np.load(keys_path, allow_pickle=False)
        vectors = np.load(vectors_path, mmap_mode="r", allow_pickle=False)
        if keys.ndim != 1 or vectors.ndim != 2 or len(keys) != len(vectors):
            raise ValueError("keys and vectors differ in shape")
        return keys, vectors

    def _load(self) -> None:
        self._loaded = True
        for keys_path in self._shards():
            try:
                keys, vectors = self._open(keys_path)
            except (OSError, ValueError, EOFError) as exc:
                warnings.warn(
                    f"embedding cache: {keys_path} is damaged ({exc}); removed, its texts are embedded again", stacklevel=3
                )
                keys_path.unlink(missing_ok=True)
                keys_path.with_name(keys_path.name[: -len(_KEYS)] + _VECTORS).unlink(missing_ok=True)
                continue
            self._remember(keys, vectors)

    def _remember(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        block = len(self._blocks)
        self._blocks.append(vectors)
        for row, key in enumerate(keys.tolist()):
            self._index[key] = (block, row)

    def get(self, texts: Sequence[str]) -> tuple[np.ndarray | None, list[int]]:
        """The cached vectors (float32, rows of the texts found; None when
        none is) and the positions of the texts not cached."""
        if not self._loaded:
            self._load()
        found, missing, rows = [], [], []
        for i, text in enumerate(texts):
            where = self._index.get(text_key(text))
            if where is None:
                missing.append(i)
            else:
                found.append(i)
                rows.append(where)
        self.hits += len(found)
        self.misses += len(missing)
        if not found:
            return None, missing
        out = np.zeros((len(texts), self._blocks[rows[0][0]].shape[1]), dtype=np.float32)
        try:
            for i, (block, row) in zip(found, rows):
                out[i] = self._blocks[block][row]
        except OSError as exc:  # a mapped file that went away or was cut short under us
            warnings.warn(f"embedding cache: {self.folder} could not be read ({exc}); embedding again", stacklevel=3)
            self._index.clear()
            self._blocks.clear()
            return None, list(range(len(texts)))
        return out, missing

    def add(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Keep new vectors: as a new shard on disk (then mapped), or in memory."""
        if not self._loaded:
            self._load()
        keys = np.array([text_key(t) for t in texts], dtype="S20")
        vectors = np.asarray(vectors, dtype=np.float16)
        if self.folder is not None:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                if len(self._shards()) >= _MAX_SHARDS:
                    self._remember(keys, vectors)
                    self._compact()
                    return
                keys_path = self._write(keys, vectors)
                self._remember(*self._open(keys_path))  # the mapped copy: the vectors leave this process's memory
                return
            except (OSError, ValueError) as exc:
                log.info("embedding cache not written (%s): kept in memory", exc)
        self._remember(keys, vectors)

    def _write(self, keys: np.ndarray, vectors: np.ndarray) -> Path:
        name = uuid.uuid4().hex
        _save(self.folder / (name + _VECTORS), vectors)
        keys_path = self.folder / (name + _KEYS)
        _save(keys_path, keys)  # last: the shard is complete
        return keys_path

    def _compact(self) -> None:
        """Merge every shard into one (this process knows everything on disk and more)."""
        old = self._shards()
        keys = np.array(list(self._index), dtype="S20")
        vectors = np.stack([self._blocks[b][r] for b, r in self._index.values()]).astype(np.float16)
        keys_path = self._write(keys, vectors)
        self._index.clear()
        self._blocks.clear()
        self._remember(*self._open(keys_path))
        for shard in old:
            shard.unlink(missing_ok=True)
            shard.with_name(shard.name[: -len(_KEYS)] + _VECTORS).unlink(missing_ok=True)
