"""An on-disk cache of sentence embeddings: each text is embedded once.

Vectors are kept as float16 in ``.npz`` shards under
``<user cache>/utenforskap/embeddings/<encoder id>/`` (``UTENFORSKAP_CACHE``
overrides the folder), keyed by a SHA-1 of the text as it was encoded.  A
damaged shard is removed with a warning and its texts are embedded again;
a folder that cannot be written leaves the cache in memory only.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import uuid
import warnings
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = ["EmbeddingCache", "cache_folder", "text_key"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

_MAX_SHARDS = 64  # more shards than this are merged into one when the next is written


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


class EmbeddingCache:
    """Embeddings of one encoder, on disk and in memory.

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

    def _load(self) -> None:
        self._loaded = True
        if self.folder is None or not self.folder.is_dir():
            return
        for shard in sorted(self.folder.glob("*.npz")):
            try:
                with np.load(shard, allow_pickle=False) as z:
                    keys, vectors = z["keys"], z["vectors"]
                if len(keys) != len(vectors) or vectors.ndim != 2:
                    raise ValueError("keys and vectors differ in length")
            except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
                warnings.warn(f"embedding cache: {shard} is damaged ({exc}); removed, its texts are embedded again", stacklevel=3)
                shard.unlink(missing_ok=True)
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
                rows.append(self._blocks[where[0]][where[1]])
        self.hits += len(found)
        self.misses += len(missing)
        if not found:
            return None, missing
        out = np.zeros((len(texts), len(rows[0])), dtype=np.float32)
        out[found] = np.asarray(rows, dtype=np.float32)
        return out, missing

    def add(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Keep new vectors, in memory and as a new shard on disk."""
        if not self._loaded:
            self._load()
        keys = np.array([text_key(t) for t in texts], dtype="S20")
        vectors = np.asarray(vectors, dtype=np.float16)
        self._remember(keys, vectors)
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if len(list(self.folder.glob("*.npz"))) >= _MAX_SHARDS:
                self._compact()
            else:
                self._write(keys, vectors)
        except OSError as exc:
            log.info("embedding cache not written (%s): kept in memory", exc)

    def _write(self, keys: np.ndarray, vectors: np.ndarray) -> Path:
        final = self.folder / f"{uuid.uuid4().hex}.npz"
        temporary = final.with_suffix(".tmp")
        with open(temporary, "wb") as f:
            np.savez(f, keys=keys, vectors=vectors)
        os.replace(temporary, final)
        return final

    def _compact(self) -> None:
        """Merge every shard into one (what this process holds is everything on disk and more)."""
        old = list(self.folder.glob("*.npz"))
        keys = np.array(list(self._index), dtype="S20")
        vectors = np.stack([self._blocks[b][r] for b, r in self._index.values()]).astype(np.float16)
        self._write(keys, vectors)
        for shard in old:
            shard.unlink(missing_ok=True)
