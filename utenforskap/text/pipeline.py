"""The spaCy pipeline: ``nb_core_news_sm`` when installed, else an embedded default.

The embedded default is ``spacy.blank("nb")`` (spaCy's Norwegian Bokmål
tokenizer, with its abbreviation exceptions and stop words) plus a lemmatizer
component backed by simplemma, which ships its Bokmål and Nynorsk lemma data
inside the wheel: it works offline.  Any pipeline that leaves lemmas empty
(a blank or custom model) gets the same component, so lemma matching always
works.  The pipeline is loaded once per name and cached; the lemmas come
from :mod:`utenforskap.text.lemmas`.
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UtenforskapError
from .lemmas import lemmatize_word

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["get_pipeline", "describe_pipeline", "DEFAULT_MODEL", "EMBEDDED"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

#: The trained spaCy pipeline used when it is installed.
DEFAULT_MODEL = "nb_core_news_sm"
#: The name that asks for the embedded default explicitly.
EMBEDDED = "embedded"
_COMPONENT = "utenforskap_lemmatizer"


def _register_component():
    from spacy.language import Language

    if Language.has_factory(_COMPONENT):
        return

    @Language.component(_COMPONENT)
    def _lemmatize(doc):
        """Fill empty lemmas (lowercase) from simplemma; keep a model's own."""
        for token in doc:
            if not token.lemma_ and not (token.is_punct or token.is_space):
                token.lemma_ = lemmatize_word(token.text)
            elif token.lemma_:
                token.lemma_ = token.lemma_.lower()
        return doc


def _embedded():
    import spacy

    nlp = spacy.blank("nb")
    nlp.add_pipe(_COMPONENT)
    nlp.meta["name"] = EMBEDDED
    return nlp


def get_pipeline(model: str | None = None):
    """Return the spaCy pipeline used for normalisation and coding (cached).

    Parameters
    ----------
    model : str, optional
        ``None`` (default): the environment variable ``UTENFORSKAP_MODEL`` if
        set, else ``nb_core_news_sm`` if installed, else the embedded default.
        ``"embedded"``: the embedded default.  Any other value is a package
        name or a path given to ``spacy.load``.

    Returns
    -------
    spacy.language.Language
        With a lemmatizer that fills lowercase lemmas wherever the model
        leaves them empty.

    Raises
    ------
    UtenforskapError
        When a named model cannot be loaded.

    Examples
    --------
    >>> nlp = get_pipeline("embedded")
    >>> [t.lemma_ for t in nlp("Hindringene i tjenestene")]
    ['hindring', 'i', 'tjeneste']
    """
    import spacy

    if model is None:
        model = os.environ.get("UTENFORSKAP_MODEL") or None
    if model is None:
        model = DEFAULT_MODEL if spacy.util.is_package(DEFAULT_MODEL) else EMBEDDED
    return _load(str(model))


@functools.lru_cache(maxsize=4)
def _load(model: str):
    """Load (once per name) the pipeline :func:`get_pipeline` resolved."""
    import spacy

    _register_component()
    if model == EMBEDDED:
        log.info("using the embedded pipeline (spacy.blank('nb') + simplemma)")
        return _embedded()
    try:
        nlp = spacy.load(model)
    except (OSError, ValueError) as exc:
        raise UtenforskapError(
            f"cannot load the spaCy pipeline {model!r} ({exc.__class__.__name__}); install "
            f"{DEFAULT_MODEL} (see docs/guide.md) or use the embedded default (model='{EMBEDDED}')",
            path=model if Path(str(model)).exists() else None,
        ) from None
    if _COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(_COMPONENT, last=True)
    log.info("using the spaCy pipeline %s", describe_pipeline(nlp))
    return nlp


def describe_pipeline(nlp: Language | None) -> str:
    """A one-line description of a pipeline, recorded in output metadata.

    Examples
    --------
    >>> describe_pipeline(get_pipeline("embedded")).startswith("embedded: spacy.blank('nb')")
    True
    """
    import importlib.metadata

    import spacy

    if nlp.meta.get("name") == EMBEDDED:
        return (
            f"embedded: spacy.blank('nb') (spaCy {spacy.__version__}) + "
            f"simplemma {importlib.metadata.version('simplemma')} lemmas"
        )
    name = f"{nlp.meta.get('lang', '?')}_{nlp.meta.get('name', '?')}"
    return f"{name} {nlp.meta.get('version', '')} ({', '.join(nlp.pipe_names)})".replace("  ", " ")
