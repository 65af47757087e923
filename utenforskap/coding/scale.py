"""Coding beyond one process: a Dask DataFrame coded partition by partition.

The rule coder and the semantic coder are pure functions of a partition of
statements, so :func:`code_partitions` maps :func:`utenforskap.code` over
the partitions of a ``dask.dataframe`` (``map_partitions``).  Each worker
process builds its coder once (the spaCy pipeline, the codebook's word forms,
the sentence encoder and the model) and reuses it for every partition it
gets; the embedding cache is shared through the user cache folder.  The
computed frame equals the one a single process gives (without ``attrs``:
give ``codebook=`` to what reads it next).

Dask is an optional extra: ``pip install "utenforskap[dask]"``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UtenforskapError

if TYPE_CHECKING:
    import dask.dataframe
    import pandas as pd

    from .codebook import CodebookLike

__all__ = ["code_partitions"]

_CODERS: dict[tuple, object] = {}


def _coder(codebook, semantic: bool, encoder):
    """This process's coder for these settings, built once."""
    from .coder import RuleCoder

    key = (str(codebook) if isinstance(codebook, str | Path) or codebook is None else id(codebook), semantic, str(encoder))
    if key not in _CODERS:
        _CODERS[key] = RuleCoder(codebook=codebook, semantic=semantic, encoder=encoder)
    return _CODERS[key]


def _code_partition(part: pd.DataFrame, codebook, context: bool, semantic: bool, encoder) -> pd.DataFrame:
    coded = _coder(codebook, semantic, encoder)(part, context=context, processes=1)
    coded.attrs = {}  # a Codebook in attrs would travel back with every partition
    return coded


def code_partitions(
    data: dask.dataframe.DataFrame,
    *,
    context: bool = True,
    codebook: CodebookLike | None = None,
    semantic: bool = True,
    encoder: str | None = None,
) -> dask.dataframe.DataFrame:
    """Code a ``dask.dataframe.DataFrame`` of statements, lazily, partition by partition.

    Parameters
    ----------
    data : dask.dataframe.DataFrame
        Statements with ``segment_id`` and ``text`` (and ``question_text`` /
        ``section`` for coding in context), e.g. ``dd.from_pandas(read_workshop(...))``
        or ``dd.read_csv`` of many exported answers.
    context, codebook, semantic, encoder
        As in :func:`utenforskap.code`.  ``codebook`` is best a file path:
        each worker loads it once.

    Returns
    -------
    dask.dataframe.DataFrame
        The coded statements (the columns of :func:`utenforskap.code`);
        ``.compute()`` gives the pandas frame.

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd, utenforskap as u
    >>> frame = pd.DataFrame({"segment_id": ["a", "b"], "text": ["Lovverket er en hindring.", "Mer samarbeid."]})
    >>> coded = code_partitions(dd.from_pandas(frame, npartitions=2), semantic=False).compute(scheduler="synchronous")
    >>> coded["barriers"].tolist()
    [True, False]
    """
    for needed in ("segment_id", "text"):
        if needed not in data.columns:
            raise UtenforskapError(
                f"a Dask frame to code needs a {needed!r} column (ids are not made per partition: they would repeat); "
                f"columns: {list(data.columns)}"
            )
    meta = _code_partition(data._meta, codebook, context, semantic, encoder)
    return data.map_partitions(_code_partition, codebook, context, semantic, encoder, meta=meta)
