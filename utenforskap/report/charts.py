"""Charts for reports (matplotlib).

Each function returns a :class:`matplotlib.figure.Figure` built without
pyplot, so it needs no display and leaves no global state; in a notebook
(after ``%matplotlib inline``) the figure shows itself, and :func:`utenforskap.exchange.files.save_figure` writes it as
PNG and SVG.  Labels are Norwegian, from the codebook; colours are the
Okabe-Ito palette (safe for colour-blind readers) and the sequential
``cividis`` map.
"""

from __future__ import annotations

import functools
import textwrap
from typing import TYPE_CHECKING

from .._lazy import lazy_module
from ..coding import PALETTE, CodebookLike, code_matrix, codebook_of, load_codebook
from ..explore import code_counts, cooccurrence, select_codes
from ..lang.nb import CHART_TEXT

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

np = lazy_module("numpy")
pd = lazy_module("pandas")

__all__ = [
    "warm_up",
    "group_heatmap",
    "question_bars",
    "workshop_bars",
    "cooccurrence_heatmap",
    "subcode_bars",
    "topic_words",
    "keyness_bars",
    "PALETTE",
]

#: Okabe & Ito (2008), colour-blind safe, black left out.
_STYLE = {
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "none",
}


def _styled(function):
    """Build the figure inside the house style (fonts, spines, SVG text)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        import matplotlib

        with matplotlib.rc_context(_STYLE):
            return function(*args, **kwargs)

    return wrapper


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def warm_up() -> None:
    """Import matplotlib and render a tiny figure in the house style, with
    text, to PNG and SVG: that loads the backends, PIL and the fonts, which
    the first real figure would otherwise pay for (used by a process that
    renders figures while another does other work)."""
    import io

    fig, ax = _styled(_figure)(1, 1)
    ax.set_title("Å")
    for fmt in ("png", "svg"):
        fig.savefig(io.BytesIO(), format=fmt, dpi=20)


def _wrap(text: str, width: int = 16) -> str:
    return "\n".join(textwrap.wrap(str(text), width, break_long_words=False)) or str(text)


def _labels(codes, codebook) -> list[str]:
    book = load_codebook(codebook)
    return [book.label(c) if c in book.codes else c for c in codes]


def _row_label(key, prefix: str) -> str:
    if isinstance(key, tuple):
        return f"{key[0]}: {prefix}{key[-1]}"
    return f"{prefix}{key}"


#: Most groups or questions one chart draws; the rest are in the tables.
MAX_CATEGORIES = 40


def _capped(counts: pd.DataFrame, noun: str) -> tuple[pd.DataFrame, str]:
    """At most :data:`MAX_CATEGORIES` rows (those with most statements, in
    their order) and a Norwegian note saying what was left out."""
    if len(counts) <= MAX_CATEGORIES:
        return counts, ""
    import warnings

    keep = counts["n"].rank(method="first", ascending=False) <= MAX_CATEGORIES
    warnings.warn(
        f"the chart shows {MAX_CATEGORIES} of {len(counts)} {noun} (those with most statements); the tables hold all of them",
        stacklevel=4,
    )
    note = CHART_TEXT["capped"].format(shown=MAX_CATEGORIES, total=len(counts), noun=CHART_TEXT[noun])
    return counts[keep], note


def _annotated_heatmap(
    fig, ax, values: np.ndarray, text: list[list[str]], vmax: float, cbar_label: str, zero_white: bool = False
) -> None:
    """Heatmap with its label in each cell (none where the label is empty);
    NaN cells are light grey; with ``zero_white`` cells of 0 are white, so
    that nothing is never mistaken for a little."""
    import matplotlib

    cmap = matplotlib.colormaps["cividis"].with_extremes(bad="#e6e6e6", under="white")
    vmin = min(1e-9, vmax) if zero_white else 0
    # cells as vector quads (sharp in SVG and PDF, no image resampling), centred on
    # integer positions with row 0 at the top, as imshow would place them
    rows, cols = values.shape
    image = ax.pcolormesh(
        np.arange(cols + 1) - 0.5, np.arange(rows + 1) - 0.5, np.ma.masked_invalid(values), cmap=cmap, vmin=vmin, vmax=vmax
    )
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    for i in range(rows):
        for j in range(cols):
            if not text[i][j]:
                continue  # an empty Text artist costs as much to lay out and draw as a full one
            v = values[i, j]
            light = not np.isnan(v) and v < 0.55 * vmax and not (zero_white and v == 0)
            ax.text(j, i, text[i][j], ha="center", va="center", fontsize=10, color="white" if light else "black")
    bar = fig.colorbar(image, ax=ax, shrink=0.85, extend="min" if zero_white else "neither", extendfrac=0.04)
    bar.set_label(cbar_label)
    ax.spines[:].set_visible(False)
    ax.tick_params(length=0)


@_styled
def group_heatmap(
    coded: pd.DataFrame,
    codes: str | Sequence[str] | None = None,
    title: str | None = None,
    *,
    codebook: CodebookLike | None = None,
):
    """Heatmap of groups x codes: share of each group's statements, with the
    count in each cell.

    Examples
    --------
    >>> import utenforskap as u
    >>> fig = group_heatmap(u.code(u.read_workshop("data/raw")))
    >>> fig.axes[0].get_ylabel()
    'Gruppe'
    """
    codebook = codebook_of(coded, codebook)
    codes = select_codes(coded, codes, codebook=codebook)
    counts, note = _capped(code_counts(coded, "group", codes, totals=False, codebook=codebook), "groups")
    shares = counts[codes].div(counts["n"], axis=0).to_numpy(dtype=float)
    text = [[f"{int(counts.iloc[i][c])}\n({shares[i, j]:.0%})" for j, c in enumerate(codes)] for i in range(len(counts))]
    fig, ax = _figure(1.6 + 1.5 * len(codes), 1.2 + 0.55 * len(counts))
    _annotated_heatmap(fig, ax, shares, text, 1.0, CHART_TEXT["share_of_group"])
    ax.set_xticks(range(len(codes)), [_wrap(x) for x in _labels(codes, codebook)])
    ax.set_yticks(range(len(counts)), [_row_label(k, "") for k in counts.index])
    if counts.index.nlevels > 1:  # a line between the workshops of a series
        workshops = counts.index.get_level_values(0)
        for i in range(1, len(workshops)):
            if workshops[i] != workshops[i - 1]:
                ax.axhline(i - 0.5, color="white", linewidth=3)
    ax.set_ylabel("Gruppe")
    ax.set_title(title or CHART_TEXT["theme_per_group"])
    if note:
        fig.supxlabel(note, fontsize=9, x=0.01, ha="left")
    return fig


def _share_bars(counts: pd.DataFrame, codes: list[str], codebook, names: list[str], ylabel: str, title: str, note: str):
    """Grouped bars: per row of ``counts``, the share of its statements that
    carry each code, with the row's n under its name."""
    from matplotlib.ticker import PercentFormatter

    shares = counts[codes].div(counts["n"].where(counts["n"] > 0), axis=0)
    width = 0.8 / max(1, len(codes))
    fig, ax = _figure(max(6.5, 2.4 + (0.6 + 0.55 * len(codes)) * len(counts)), 4.4)
    x = np.arange(len(counts))
    for j, (c, label) in enumerate(zip(codes, _labels(codes, codebook))):
        bars = ax.bar(
            x + (j - (len(codes) - 1) / 2) * width,
            shares[c].to_numpy(dtype=float),
            width,
            label=label,
            color=PALETTE[j % len(PALETTE)],
        )
        ax.bar_label(bars, labels=[f"{v:.0%}" for v in shares[c]], padding=2, fontsize=8)
    ax.set_xticks(x, [f"{name}\n(n={n})" for name, n in zip(names, counts["n"])])
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    top = float(np.nanmax(shares.to_numpy(dtype=float), initial=0.0))
    ax.set_ylim(0, max(0.1, top) + 0.12)  # room for the labels above the highest bar
    ax.set_yticks([t for t in np.arange(0, 1.01, 0.2) if t <= max(0.1, top) + 0.05])
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if note:
        fig.supxlabel(note, fontsize=9, x=0.01, ha="left")
    return fig


@_styled
def question_bars(
    coded: pd.DataFrame,
    codes: str | Sequence[str] | None = None,
    title: str | None = None,
    *,
    codebook: CodebookLike | None = None,
):
    r"""Grouped bars: for each question, the share of its statements that
    carry each theme, with the number of statements (n) under the question.
    A statement with two themes counts in both, so the bars of a question
    need not add up to 100%.

    Examples
    --------
    >>> import utenforskap as u
    >>> fig = question_bars(u.code(u.read_workshop("data/raw")))
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['Spm. 1\n(n=27)', 'Spm. 2\n(n=41)', 'Spm. 3\n(n=18)']
    """
    codebook = codebook_of(coded, codebook)
    codes = select_codes(coded, codes, codebook=codebook)
    counts, note = _capped(code_counts(coded, "question", codes, totals=False, codebook=codebook), "questions")
    return _share_bars(
        counts,
        codes,
        codebook,
        [_row_label(k, "Spm. ") for k in counts.index],
        CHART_TEXT["share_of_question"],
        title or CHART_TEXT["theme_per_question"],
        note,
    )


@_styled
def workshop_bars(
    coded: pd.DataFrame,
    codes: str | Sequence[str] | None = None,
    title: str | None = None,
    *,
    codebook: CodebookLike | None = None,
):
    r"""Grouped bars: for each workshop, the share of its statements that carry
    each theme, with the number of statements under the workshop's name.

    Examples
    --------
    >>> import utenforskap as u
    >>> coded = u.code(u.read_workshop("data/raw"))
    >>> copy = coded.assign(workshop="kopi", segment_id="kopi-" + coded["segment_id"])
    >>> two = pd.concat([coded, copy], ignore_index=True)
    >>> [t.get_text() for t in workshop_bars(two).axes[0].get_xticklabels()]
    ['workshop_ungt_utenforskap_2023\n(n=86)', 'kopi\n(n=86)']
    """
    codebook = codebook_of(coded, codebook)
    codes = select_codes(coded, codes, codebook=codebook)
    counts, note = _capped(code_counts(coded, "workshop", codes, totals=False, codebook=codebook), "workshops")
    return _share_bars(
        counts,
        codes,
        codebook,
        [_wrap(w, 22) for w in counts.index],
        CHART_TEXT["share_of_workshop"],
        title or CHART_TEXT["theme_per_workshop"],
        note,
    )


@_styled
def cooccurrence_heatmap(
    coded: pd.DataFrame,
    codes: str | Sequence[str] | None = None,
    measure: str = "count",
    title: str | None = None,
    *,
    codebook: CodebookLike | None = None,
):
    """Heatmap of code co-occurrence (counts, or Jaccard with ``measure``).

    Examples
    --------
    >>> import utenforskap as u
    >>> fig = cooccurrence_heatmap(u.code(u.read_workshop("data/raw")), codes="subcodes")
    >>> len(fig.axes[0].get_xticklabels())
    14
    """
    codebook = codebook_of(coded, codebook)
    codes = select_codes(coded, codes, codebook=codebook)
    matrix = cooccurrence(coded, codes, measure, per_workshop=False, codebook=codebook).to_numpy(dtype=float, copy=True)
    diagonal = np.diag(cooccurrence(coded, codes, "count", per_workshop=False, codebook=codebook).to_numpy()).astype(int)
    # the diagonal (statements with the code) would drown the pairs: grey, with its n
    np.fill_diagonal(matrix, np.nan)
    if measure == "count":
        # zeros stay blank so the pairs that do occur stand out
        text = [["" if np.isnan(v) or v == 0 else f"{int(v)}" for v in row] for row in matrix]
        vmax, label = max(1.0, np.nanmax(matrix) if np.isfinite(matrix).any() else 1.0), CHART_TEXT["both_codes"]
    else:
        text = [["" if np.isnan(v) or v == 0 else f"{v:.2f}" for v in row] for row in matrix]
        vmax, label = 1.0, "Jaccard (begge / minst én)"
    for i, n in enumerate(diagonal):
        text[i][i] = f"n={n}"
    size = 3.0 + 0.5 * len(codes)
    fig, ax = _figure(size + 1.5, size + 1.0)
    _annotated_heatmap(fig, ax, matrix, text, vmax, label, zero_white=True)
    labels = _labels(codes, codebook)
    ax.set_xticks(range(len(codes)), labels, rotation=90)
    ax.set_yticks(range(len(codes)), labels)
    # sub-codes stay grouped by theme, a line between the themes
    themes = [codebook.theme_of(c) if c in codebook.codes else c for c in codes]
    for i in range(1, len(codes)):
        if themes[i] != themes[i - 1]:
            ax.axhline(i - 0.5, color="#444444", linewidth=1.5)
            ax.axvline(i - 0.5, color="#444444", linewidth=1.5)
    subcodes = all(c in codebook.codes and codebook.codes[c].parent is not None for c in codes)
    if subcodes:
        names = ", ".join(codebook.label(t) for t in dict.fromkeys(themes))
        ax.set_xlabel(CHART_TEXT["subcodes_by_theme"].format(names=names))
    ax.set_title(title or CHART_TEXT["subcode_cooccurrence" if subcodes else "code_cooccurrence"])
    return fig


@_styled
def subcode_bars(coded: pd.DataFrame, theme: str, title: str | None = None, *, codebook: CodebookLike | None = None):
    """Horizontal bars: statements per sub-code within one theme.

    Examples
    --------
    >>> import utenforskap as u
    >>> fig = subcode_bars(u.code(u.read_workshop("data/raw")), "barriers")
    >>> fig.axes[0].get_title()
    'Hindringer: underkoder'
    """
    from matplotlib.ticker import MaxNLocator

    book = codebook_of(coded, codebook)
    codes = select_codes(coded, theme, codebook=book)
    counts = code_matrix(coded, codes).sum().astype(int).sort_values()
    fig, ax = _figure(7.0, 1.2 + 0.45 * len(codes))
    colour = PALETTE[book.themes.index(theme) % len(PALETTE)] if theme in book.themes else PALETTE[0]
    bars = ax.barh(range(len(counts)), counts.to_numpy(), color=colour)
    ax.bar_label(bars, padding=3, fontsize=10)
    ax.set_yticks(range(len(counts)), [_wrap(book.label(c), 30) for c in counts.index])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(CHART_TEXT["statements"])
    ax.set_title(title or CHART_TEXT["subcodes_of"].format(theme=book.label(theme)))
    ax.margins(x=0.12)
    return fig


@_styled
def topic_words(words: pd.DataFrame, title: str | None = None):
    """One small bar chart per topic: its top words and their weights (from
    :func:`utenforskap.explore.topics`)."""
    from matplotlib.figure import Figure

    topics_ = sorted(words["topic"].unique())
    columns = min(3, len(topics_))
    rows = int(np.ceil(len(topics_) / columns))
    per_topic = int(words.groupby("topic").size().max())
    fig = Figure(figsize=(3.6 * columns, 0.9 + (0.32 * per_topic + 0.6) * rows), layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False)
    for k, ax in zip(topics_, axes.flat):
        part = words[words["topic"] == k].sort_values("weight")
        ax.barh(part["word"], part["weight"], color=PALETTE[(k - 1) % len(PALETTE)])
        ax.set_title(f"Tema {k}", fontsize=11)
        ax.tick_params(axis="x", labelsize=8)
    for ax in list(axes.flat)[len(topics_) :]:
        ax.set_visible(False)
    fig.suptitle(title or CHART_TEXT["topics"], fontweight="bold")
    return fig


@_styled
def keyness_bars(keyness: pd.DataFrame, target: Any, title: str | None = None, label: str = "Gruppe"):
    """Horizontal bars of G² for the words most characteristic of one target
    (from :func:`utenforskap.explore.topics.keyness`)."""
    part = keyness[keyness["target"] == target].sort_values("g2")
    fig, ax = _figure(6.5, 1.2 + 0.38 * max(1, len(part)))
    bars = ax.barh(part["word"], part["g2"], color=PALETTE[0])
    ax.bar_label(bars, labels=[f"{a}/{b}" for a, b in zip(part["n_target"], part["n_rest"])], padding=3, fontsize=9)
    ax.set_xlabel(CHART_TEXT["keyness_axis"])
    ax.set_title(title or CHART_TEXT["distinctive"].format(label=label.lower(), target=target))
    ax.margins(x=0.15)
    return fig
