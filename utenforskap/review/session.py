"""Review that learns: the researcher corrects a few statements, the coder
improves on the rest.

A :class:`ReviewSession` starts from the rule coder's coding and its
confidence.  It asks for the statements whose answer would help the whole set
most (those likeliest to be coded wrong in the theme whose expected agreement
is lowest, spread over different wordings), and after each
batch of reviewed statements it refits a model that combines the rule
evidence with text features (the :class:`~utenforskap.SuggestCoder`
features: lemma words and character n-grams) and re-predicts the statements
not yet reviewed.  A recorded label is never changed.  This is the
semi-automatic approach of Schonlau and others, and the active learning of
screening tools such as ASReview.

:func:`simulate_review` replays a review against a full hand coding to say
how much reading makes the whole set trustworthy.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from .._lazy import lazy_module
from ..coding import Evidence, codebook_of, load_codebook
from ..errors import CodebookError, UtenforskapError
from ..exchange import add_patterns, read_manual_coding, write_csv, write_text
from ..lang.nb import SHEET_TEXT
from ..text import get_pipeline, wordless
from .queue import evidence_in_words, rule_probability, write_review_sheet

if TYPE_CHECKING:
    from collections.abc import Sequence

np = lazy_module("numpy")
pd = lazy_module("pandas")

__all__ = ["ReviewSession", "simulate_review"]

#: Labels after which the model alone predicts (before, it is blended with the rule coder).
_BLEND = 30
#: How many reviews the rule coder's own probability of a kind of evidence is worth.
_PRIOR_LABELS = 4
#: Weight of the rule-evidence features beside the text features.
_EVIDENCE_WEIGHT = 3.0
#: How sharply the next batch goes to the theme with the lowest expected kappa
#: (a theme this much above the weakest counts 1/e as much).
_FOCUS = 0.1
_STATE = "session.json"
_PLACE = ["group", "question", "section"]
_STATEMENTS = "statements.csv"
_LABELS = "reviewed.csv"


def _evidence_features(evidence: list[Evidence], theme: str, book) -> list[float]:
    """What the rule coder saw for one theme: its confidence that the theme
    applies, and the kinds of evidence (kept or set aside)."""
    related = [e for e in evidence if e["code"] == theme or (e["code"] in book.codes and book.theme_of(e["code"]) == theme)]
    kept = [e for e in related if e["kept"]]
    words = {e["lemma"] or e["matched"].lower() for e in kept if e["method"] == "pattern"}
    p = rule_probability(evidence, theme, codebook=book)
    return [
        float(np.log(p / (1 - p))),
        float(any(e["code"] == theme for e in kept)),
        float(len(words)),
        float(any(e["method"] in ("section", "question") for e in kept)),
        float(any(e["method"] in ("negation", "negated") for e in kept)),
        float(any(not e["kept"] for e in related)),
    ]


class ReviewSession:
    """A review of coded statements that learns from each batch.

    Parameters
    ----------
    coded : pandas.DataFrame
        Output of :func:`utenforskap.code` (its codebook comes with it).
    prior : ReviewSession, optional
        An earlier review (another workshop, same themes): its reviewed
        statements are a starting point for the model.
    random_state : int
        Seed for the model and the order of ties.

    Examples
    --------
    >>> import utenforskap as u
    >>> coded = u.code(u.read_workshop("data/raw"), context=False)
    >>> session = ReviewSession(coded)
    >>> ids = session.next_batch(5)
    >>> labels = coded.set_index("segment_id").loc[ids, session.themes].reset_index()
    >>> session.record(labels)
    >>> session.coding().shape, session.reviewed
    ((86, 4), 5)
    """

    def __init__(self, coded: pd.DataFrame, *, prior: ReviewSession | None = None, random_state: int = 0):
        book = codebook_of(coded, None)
        for needed in ("segment_id", "text", "evidence"):
            if needed not in coded.columns:
                raise UtenforskapError(f"a review needs the output of code(): the frame has no {needed!r} column")
        if coded["segment_id"].duplicated().any():
            raise UtenforskapError("the segment ids of the coded frame are not unique")
        self.themes = [t for t in book.themes if t in coded.columns]
        self.book = book
        self.random_state = random_state
        self.ids = coded["segment_id"].astype(str).tolist()
        self.index = {sid: i for i, sid in enumerate(self.ids)}
        self.texts = coded["text"].astype(str).tolist()
        # where each statement stands, for the review sheets
        self.places = coded.reindex(columns=_PLACE).astype(object).fillna("").astype(str).reset_index(drop=True)
        self.rule_codes = [list(c) for c in coded["codes"]] if "codes" in coded.columns else [[] for _ in self.ids]
        self.lemmas = coded["lemmas"].astype(str).tolist() if "lemmas" in coded.columns else None
        self.evidence = {
            t: np.array([_evidence_features(ev, t, book) for ev in coded["evidence"]], dtype=float) for t in self.themes
        }
        # the evidence for and against each theme in words, for the review sheets
        self.evidence_for, self.evidence_against = evidence_in_words(coded["evidence"], self.themes, book)
        self.labels: dict[str, dict[str, bool]] = {}  # segment_id -> theme -> recorded label
        self.subcodes: dict[str, list[str]] = {}  # segment_id -> the sub-codes the reviewer kept or added
        self.notes: dict[str, str] = {}  # segment_id -> the reviewer's note
        self.history: list[list[str]] = []  # the batches, as asked
        self.prior = prior
        self._text_features = None
        self.meaning = _review_model(coded, book, self.themes)
        self._refit()

    # ------------------------------------------------------------------
    @property
    def reviewed(self) -> int:
        """How many statements have been reviewed."""
        return len(self.labels)

    def _features(self):
        """Text features of every statement (TF-IDF of lemma words and
        character n-grams, as the SuggestCoder uses), made once."""
        if self._text_features is None:
            from .suggest import SuggestCoder

            steps = SuggestCoder(random_state=self.random_state)._pipeline()
            frame = pd.DataFrame({"text": self.texts, **({"lemmas": self.lemmas} if self.lemmas is not None else {})})
            lemmas = steps.named_steps["lemmas"].transform(frame)
            self._lemma_strings = lemmas
            self._vectoriser = steps.named_steps["features"].fit(lemmas)
            self._text_features = self._vectoriser.transform(lemmas)
        return self._text_features

    def _design(self, theme: str, rows=None):
        from scipy.sparse import csr_matrix, hstack

        text = self._features()
        evidence = self.evidence[theme] * _EVIDENCE_WEIGHT  # the rule evidence counts for more than one word feature
        if rows is not None:
            text, evidence = text[rows], evidence[rows]
        return hstack([text, csr_matrix(evidence)]).tocsr()

    def _refit(self) -> None:
        """Refit one model per theme on the reviewed statements (and the prior
        review's); predict the rest.  A theme whose reviewed labels are all
        the same keeps the rule coder's prediction, moved towards it."""
        from sklearn.linear_model import LogisticRegression

        self.proba = {}
        rows = [self.index[s] for s in self.labels]
        meaning = self.meaning
        for t in self.themes:
            if meaning is not None and t in meaning.themes:
                labels = [self.labels[s][t] for s in self.labels]
                self.proba[t] = meaning.probabilities(t, rows, labels, extra=self._prior_embeddings(t))
                continue
            rule_p = self._calibrated(t, rows)
            y = [self.labels[s][t] for s in self.labels]
            X_extra, y_extra = None, []
            if self.prior is not None and t in self.prior.themes and self.prior.labels:
                X_extra, y_extra = self.prior._training(t, self)
            if len(set(y) | set(y_extra)) < 2:
                self.proba[t] = rule_p
                continue
            from scipy.sparse import vstack

            X = self._design(t, rows) if rows else None
            if X_extra is not None:
                X = X_extra if X is None else vstack([X, X_extra])
            model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000, random_state=self.random_state)
            model.fit(X, np.array(y + y_extra, dtype=int))
            learned = model.predict_proba(self._design(t))[:, 1]
            # with few labels, lean on the rule coder; the model takes over as labels come in
            weight = min(1.0, (len(y) + len(y_extra)) / _BLEND)
            self.proba[t] = weight * learned + (1 - weight) * rule_p
        for sid, labels in self.labels.items():
            for t in self.themes:
                self.proba[t][self.index[sid]] = float(labels[t])

    def _prior_embeddings(self, theme: str):
        """The earlier review's reviewed statements as (embeddings, labels) for ``theme``, or None."""
        prior = self.prior
        if prior is None or prior.meaning is None or theme not in prior.themes or not prior.labels:
            return None
        rows = [prior.index[s] for s in prior.labels]
        return prior.meaning.X[rows], [prior.labels[s][theme] for s in prior.labels]

    def _calibrated(self, theme: str, rows: list[int]) -> np.ndarray:
        """The rule coder's probability of ``theme`` for every statement,
        corrected by what the review found for evidence of the same kind:
        each kind (one weak word, one word, several words, a sub-heading,
        nothing ...) starts at the rule coder's probability, worth
        ``_PRIOR_LABELS`` reviews, and moves towards the share of reviewed
        statements of that kind that have the theme."""
        rule_p = 1 / (1 + np.exp(-self.evidence[theme][:, 0]))
        if not rows:
            return rule_p
        kinds = np.round(rule_p, 6)
        reviewed_kinds = kinds[rows]
        reviewed = np.array([self.labels[self.ids[i]][theme] for i in rows], dtype=float)
        out = rule_p.copy()
        for kind in np.unique(reviewed_kinds):
            seen = reviewed_kinds == kind
            out[kinds == kind] = (_PRIOR_LABELS * kind + reviewed[seen].sum()) / (_PRIOR_LABELS + seen.sum())
        return out

    def _training(self, theme: str, target: ReviewSession):
        """This session's reviewed statements as training rows for ``target``
        (in ``target``'s text features)."""
        from scipy.sparse import csr_matrix, hstack

        self._features()
        target._features()
        rows = [self.index[s] for s in self.labels]
        text = target._vectoriser.transform([self._lemma_strings[i] for i in rows])
        X = hstack([text, csr_matrix(self.evidence[theme][rows] * _EVIDENCE_WEIGHT)]).tocsr()
        return X, [self.labels[s][theme] for s in self.labels]

    # ------------------------------------------------------------------
    def certainty(self) -> pd.DataFrame:
        """Per statement: the current probability of each theme and how sure
        the least certain theme is (0 = a coin toss, 1 = sure)."""
        frame = pd.DataFrame({f"p_{t}": self.proba[t] for t in self.themes})
        frame.insert(0, "segment_id", self.ids)
        frame["certainty"] = np.min([np.abs(2 * self.proba[t] - 1) for t in self.themes], axis=0)
        frame["reviewed"] = self._reviewed()
        return frame

    def _reviewed(self) -> np.ndarray:
        """Per statement, whether it has been reviewed."""
        return np.array([s in self.labels for s in self.ids], dtype=bool)

    def estimated_agreement(self) -> pd.DataFrame:
        """How well the current coding would agree with a full hand coding,
        per theme, if the probabilities are right: the expected errors among
        the statements not reviewed and the expected Cohen's kappa.

        Returns
        -------
        pandas.DataFrame
            One row per theme: ``theme``, ``expected_errors`` (among the
            statements not yet reviewed) and ``kappa`` (expected).
        """
        rows = [(t, float(errors.sum()), kappa) for t, errors, kappa, _ in self._agreement()]
        return pd.DataFrame(rows, columns=["theme", "expected_errors", "kappa"])

    def _agreement(self) -> list[tuple]:
        """Per theme: the expected error of each statement (0 where
        reviewed), the expected kappa, and the chance disagreement 1 - pe
        (an error costs kappa 1 / (n * (1 - pe)))."""
        reviewed = self._reviewed()
        out = []
        for t in self.themes:
            p = self.proba[t]
            errors = np.where(reviewed, 0.0, np.minimum(p, 1 - p))
            coded, present = (p >= 0.5).mean(), p.mean()
            chance = coded * present + (1 - coded) * (1 - present)
            kappa = 1.0 if chance >= 1 else (1 - errors.mean() - chance) / (1 - chance)
            out.append((t, errors, float(kappa), 1 - chance))
        return out

    def next_batch(self, n: int = 5) -> list[str]:
        """The ``n`` statements to review next: those whose answer would
        raise the weakest theme's agreement most, spread over different
        wordings (a batch is never near-copies of one statement).

        Each statement's expected errors (per theme, the smaller of p and
        1 - p) are weighed by what an error costs that theme's kappa, and
        themes by how far their expected kappa lies below the weakest one:
        the set is as trustworthy as its weakest theme, so reading goes
        there first (measured: see docs/guide.md, "Review that learns").

        Returns
        -------
        list of str
            Segment ids, most useful first.
        """
        if n < 1:
            raise UtenforskapError(f"n must be 1 or more, got {n!r}")
        open_rows = np.flatnonzero(~self._reviewed())
        if not len(open_rows):
            return []
        agreement = self._agreement()
        weakest = min(kappa for _, _, kappa, _ in agreement)
        gain = np.zeros(len(self.ids))
        for _, errors, kappa, disagreement in agreement:
            gain += np.exp(-(kappa - weakest) / _FOCUS) / max(disagreement, 1e-6) * errors
        gain /= gain[open_rows].max() or 1.0
        order = open_rows[np.lexsort((open_rows, -gain[open_rows]))]
        pool = order[: max(5 * n, n)]
        similar = self._similarity(pool)
        closest = np.zeros(len(pool))  # each candidate's likeness to the nearest one picked (0 or more)
        picked: list[int] = []  # positions in pool
        while len(picked) < min(n, len(pool)):
            best, best_score = None, None
            for k, i in enumerate(pool):
                if k in picked:
                    continue
                score = gain[i] - 0.5 * closest[k]
                if best_score is None or score > best_score + 1e-12:
                    best, best_score = k, score
            picked.append(best)
            closest = np.maximum(closest, similar[:, best])
        batch = [self.ids[pool[k]] for k in picked]
        self.history.append(batch)
        return batch

    def _similarity(self, rows: np.ndarray) -> np.ndarray:
        """How alike the given statements are, pairwise (0 = unrelated), for
        spreading a batch: centred embeddings with the model of meaning, else
        the text features."""
        if self.meaning is not None:
            centred = self.meaning.centred()[rows]
            return np.maximum(centred @ centred.T, 0.0)
        text = self._features()[rows]
        return (text @ text.T).toarray().astype(float)

    def record(self, labels: pd.DataFrame) -> None:
        """Record reviewed statements and refit: ``segment_id``, one boolean
        column per theme, and optionally sub-codes (a boolean column per
        sub-code id, or a ``codes`` column of ids) and a ``note``.  The themes
        teach the model; sub-codes and notes are kept for the outputs
        (:func:`utenforskap.apply_review`).  A sub-code counts only with its
        theme.

        Raises
        ------
        UtenforskapError
            For an unknown segment id, a missing theme column or a value that
            is not true/false.
        """
        if "segment_id" not in labels.columns:
            raise UtenforskapError("the labels need a 'segment_id' column")
        missing = [t for t in self.themes if t not in labels.columns]
        if missing:
            raise UtenforskapError(f"the labels need a column per theme; missing: {', '.join(missing)}")
        known = set(self.ids)
        for row in labels.itertuples(index=False):
            sid = str(row.segment_id)
            if sid not in known:
                raise UtenforskapError(f"segment_id {sid!r} is not one of the statements of this review")
            values = {}
            for t in self.themes:
                value = getattr(row, t)
                if value is None or (isinstance(value, float) and np.isnan(value)):
                    raise UtenforskapError(f"segment_id {sid!r}: no value for theme {t!r}")
                values[t] = _true(value)
            self.labels[sid] = values
            self.subcodes[sid] = self._recorded_subcodes(row, labels.columns, values)
            note = getattr(row, "note", "") if "note" in labels.columns else ""
            self.notes[sid] = "" if note is None or (isinstance(note, float) and np.isnan(note)) else str(note).strip()
        self._refit()

    def _recorded_subcodes(self, row, columns, themes: dict[str, bool]) -> list[str]:
        """The sub-codes of a recorded row whose theme it has, in codebook order."""
        if "codes" in columns:
            marked = set(row.codes or [])
        else:
            marked = {c for c in columns if c in self.book.codes and c not in self.themes and _true(getattr(row, c))}
        return [c for c in self.book.codes if c in marked and c not in self.themes and themes.get(self.book.theme_of(c), False)]

    def coding(self) -> pd.DataFrame:
        """One row per statement: ``segment_id`` and a boolean per theme;
        reviewed statements exactly as recorded, the others as now predicted."""
        out = pd.DataFrame({"segment_id": self.ids})
        for t in self.themes:
            out[t] = self.proba[t] >= 0.5  # a recorded label is its own probability (see _refit)
        return out

    # ------------------------------------------------------------------
    def _sheet_frame(self, ids: list[str]) -> pd.DataFrame:
        """The statements ``ids`` as a frame for a coding sheet, pre-filled
        with the current coding (themes as predicted, the rule coder's
        sub-codes under a theme that stays)."""
        rows = []
        for sid in ids:
            i = self.index[sid]
            themes = [t for t in self.themes if self.proba[t][i] >= 0.5]
            subs = [c for c in self.rule_codes[i] if c in self.book.codes and self.book.codes[c].parent in themes]
            rows.append({"segment_id": sid, **self.places.iloc[i].to_dict(), "text": self.texts[i], "codes": themes + subs})
        return pd.DataFrame(rows)

    def write_batch_sheet(self, path: str | Path, n: int = 20) -> Path:
        """Write the next ``n`` statements to review as a coding sheet (the
        format of :func:`utenforskap.write_coding_sheet`, pre-filled with the
        current coding); read it back with :meth:`record_sheet`.

        Raises
        ------
        UtenforskapError
            When every statement has been reviewed (nothing left to write).
        """
        ids = self.next_batch(n)
        if not ids:
            raise UtenforskapError(f"every statement of the review has been reviewed ({self.reviewed}): nothing to write", path)
        frame = self._sheet_frame(ids)
        certainty = self.certainty().set_index("segment_id").loc[ids]
        queue = frame.assign(
            confidence=certainty["certainty"].to_numpy(),
            uncertain=[min(self.themes, key=lambda t: abs(2 * certainty.loc[sid, f"p_{t}"] - 1)) for sid in ids],
            evidence_for=[self.evidence_for[self.index[sid]] for sid in ids],
            evidence_against=[self.evidence_against[self.index[sid]] for sid in ids],
        )
        queue.attrs["codebook"] = self.book
        return write_review_sheet(queue, path, codebook=self.book)

    def record_sheet(self, path: str | Path) -> int:
        """Record a review sheet written by :meth:`write_batch_sheet` (or
        :func:`utenforskap.analyse`'s ``gjennomgang.xlsx``) and edited, read
        and checked as :func:`utenforskap.read_manual_coding` does; returns
        how many statements were recorded.

        Only the rows a person reviewed count: marked read in ``Lest``, or
        with a mark changed.  A sheet as the machine wrote it records nothing.

        Raises
        ------
        UtenforskapError
            When no row is marked read and no mark was changed.
        """
        statements = pd.DataFrame({"segment_id": self.ids, "text": self.texts})
        statements.attrs["codebook"] = self.book
        with warnings.catch_warnings():  # a batch sheet holds a few statements, not all of them
            warnings.filterwarnings("ignore", message=".*are not in the sheet")
            sheet = read_manual_coding(path, statements, codebook=self.book)
        if "read" not in sheet.columns:  # a coding sheet (kodeark.xlsx): machine-filled, nothing says what a person read
            raise UtenforskapError(
                f"this sheet has no column {SHEET_TEXT['read']!r}, so nothing says which rows a person reviewed (a coding "
                "sheet, or a review sheet from an older version); review with the sheets of 'review FOLDER --next N' "
                "or analyse's gjennomgang.xlsx",
                path,
            )
        sheet = sheet[sheet["read"] | sheet["changed"]]
        if sheet.empty:
            raise UtenforskapError(
                f"nothing to record: no row is marked read in the column {SHEET_TEXT['read']!r} and no mark was changed; "
                f"mark each row you have reviewed with x in {SHEET_TEXT['read']!r}",
                path,
            )
        self.record(sheet[["segment_id", *self.themes, "codes", "note"]])
        return len(sheet)

    def suggest_patterns(self, min_count: int = 2) -> pd.DataFrame:
        """Words that mark a theme among the reviewed statements and that the
        codebook does not yet catch: lemmas found in at least ``min_count``
        statements reviewed as having the theme, more often than in those
        reviewed without it, and not matched by the theme's patterns there.

        Returns
        -------
        pandas.DataFrame
            ``theme``, ``pattern`` (the lemma), ``for`` and ``against``
            (reviewed statements with and without the theme that hold it),
            strongest first.
        """
        self._features()
        stop = _stop_words()
        rows = []
        for t in self.themes:
            has, lacks = {}, {}
            for sid, labels in self.labels.items():
                words = {w for w in self._lemma_strings[self.index[sid]].split() if len(w) > 2 and w.isalpha() and w not in stop}
                target = has if labels[t] else lacks
                for w in words:
                    target[w] = target.get(w, 0) + 1
            for word, count in has.items():
                against = lacks.get(word, 0)
                if count >= min_count and count > 2 * against and not self.book.catches(t, word):
                    rows.append({"theme": t, "pattern": word, "for": count, "against": against})
        out = pd.DataFrame(rows, columns=["theme", "pattern", "for", "against"])
        return out.sort_values(["for", "against", "pattern"], ascending=[False, True, True], kind="stable").reset_index(drop=True)

    def accept_patterns(self, accepted: pd.DataFrame, path: str | Path) -> Path:
        """Write a copy of the session's codebook to ``path`` with the accepted
        patterns (rows of :meth:`suggest_patterns`) added to their themes.
        The bundled codebook file is never changed."""
        return add_patterns(self.book, {t: list(part["pattern"]) for t, part in accepted.groupby("theme", sort=False)}, path)

    # ------------------------------------------------------------------
    def save(self, folder: str | Path) -> Path:
        """Save the review (statements, rule evidence, recorded labels, the
        batches asked) to ``folder``; :meth:`load` takes it up again."""
        folder = Path(folder)
        statements = pd.DataFrame({"segment_id": self.ids, "text": self.texts})
        if self.lemmas is not None:
            statements["lemmas"] = self.lemmas
        for column in _PLACE:
            statements[column] = self.places[column]
        statements["rule_codes"] = [";".join(c) for c in self.rule_codes]
        statements["evidence_for"], statements["evidence_against"] = self.evidence_for, self.evidence_against
        for t in self.themes:
            statements[f"evidence_{t}"] = [json.dumps(list(map(float, row))) for row in self.evidence[t]]
        meaning = self.meaning
        if meaning is not None:  # what the model of meaning needs to take the review up again
            statements["embedded"] = meaning.embedded
            for k, t in enumerate(meaning.themes):
                statements[f"rules_{t}"] = meaning.rules[:, k]
        write_csv(statements, folder / _STATEMENTS)
        reviewed = pd.DataFrame(
            [
                {"segment_id": s, **v, "subcodes": ";".join(self.subcodes.get(s, [])), "note": self.notes.get(s, "")}
                for s, v in self.labels.items()
            ],
            columns=["segment_id", *self.themes, "subcodes", "note"],
        )
        write_csv(reviewed, folder / _LABELS)
        state = {
            "themes": self.themes,
            "codebook": self.book.title,
            "codebook_source": self.book.source,
            "random_state": self.random_state,
            "history": self.history,
            "encoder": None if meaning is None else meaning.semantic.id,
            "semantic_themes": [] if meaning is None else meaning.themes,
        }
        write_text(json.dumps(state, ensure_ascii=False, indent=2) + "\n", folder / _STATE)
        return folder

    @staticmethod
    def saved_in(folder: str | Path) -> bool:
        """Whether ``folder`` holds a review saved with :meth:`save`."""
        return (Path(folder) / _STATE).exists()

    @classmethod
    def load(cls, folder: str | Path) -> ReviewSession:
        """A review saved with :meth:`save`."""
        folder = Path(folder)
        try:
            state = json.loads((folder / _STATE).read_text(encoding="utf-8"))
            statements = pd.read_csv(folder / _STATEMENTS, encoding="utf-8-sig", dtype={"segment_id": str}, keep_default_na=False)
            reviewed = pd.read_csv(folder / _LABELS, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        except FileNotFoundError as exc:
            raise UtenforskapError(f"not a saved review ({exc.filename} is missing)", folder) from None
        session = cls.__new__(cls)
        source = state.get("codebook_source") or None
        try:
            session.book = load_codebook(source)
        except CodebookError:  # the codebook file moved: the bundled one names the themes
            session.book = load_codebook()
        session.themes = state["themes"]
        session.random_state = state["random_state"]
        session.ids = statements["segment_id"].tolist()
        session.index = {sid: i for i, sid in enumerate(session.ids)}
        session.texts = statements["text"].astype(str).tolist()
        session.lemmas = statements["lemmas"].astype(str).tolist() if "lemmas" in statements.columns else None
        session.places = statements.reindex(columns=_PLACE).fillna("").astype(str)
        session.rule_codes = [[c for c in str(v).split(";") if c] for v in statements.get("rule_codes", [""] * len(statements))]
        session.evidence = {
            t: np.array([json.loads(v) for v in statements[f"evidence_{t}"]], dtype=float) for t in session.themes
        }
        session.labels = {
            str(r["segment_id"]): {t: str(r[t]).lower() in ("true", "1") for t in session.themes} for _, r in reviewed.iterrows()
        }
        session.subcodes = {
            str(r["segment_id"]): [c for c in str(r.get("subcodes", "")).split(";") if c] for _, r in reviewed.iterrows()
        }
        session.notes = {str(r["segment_id"]): str(r.get("note", "")) for _, r in reviewed.iterrows()}
        session.evidence_for = statements.get("evidence_for", pd.Series([""] * len(statements))).astype(str).tolist()
        session.evidence_against = statements.get("evidence_against", pd.Series([""] * len(statements))).astype(str).tolist()
        session.history = state.get("history", [])
        session.prior = None
        session._text_features = None
        session.meaning = None
        if state.get("encoder") and "embedded" in statements.columns:
            session.meaning = _meaning(
                session.book,
                state["encoder"],
                statements["embedded"].astype(str).tolist(),
                lambda wanted: np.column_stack([statements[f"rules_{t}"].astype(str).str.lower() == "true" for t in wanted]),
                expected=state.get("semantic_themes"),
                texts=session.texts,
            )
        session._refit()
        return session


def _review_model(coded: pd.DataFrame, book, themes: list[str]):
    """The model of meaning under a review of ``coded``, or None where the
    frame was coded by the rules alone."""
    encoder = coded.attrs.get("encoder")
    if not encoder:
        return None
    from ..coding import rule_flags
    from ..semantic import statement_texts

    embedded = statement_texts(coded, coded.attrs.get("context", True))
    return _meaning(
        book,
        encoder,
        embedded,
        lambda wanted: [rule_flags(ev, wanted, book) for ev in coded["evidence"]],
        texts=coded["text"].astype(str).tolist(),
    )


def _meaning(book, encoder: str, embedded: list[str], rules_of, expected: list[str] | None = None, texts=None):
    """A ReviewModel for ``book``'s themes (None when the encoder cannot be
    loaded or the themes differ from ``expected``); ``rules_of(themes)``
    gives the rule flags; ``texts``, the statements themselves (those
    without a letter are left to the rules, as the coder leaves them)."""
    from ..semantic import ReviewModel, semantic_themes

    semantic = semantic_themes(book.themes, encoder)
    if semantic is None:
        return None
    definitions = semantic.definition_vectors(book)
    wanted = list(semantic.themes) + [t for t in semantic.zero_shot if t in definitions]
    if not wanted or (expected is not None and wanted != expected):
        return None
    empties = None if texts is None else [wordless(t) for t in texts]
    return ReviewModel(semantic, embedded, np.array(rules_of(wanted), dtype=bool), definitions, wordless=empties)


def _true(value) -> bool:
    """A recorded mark: True, 1, "x", "ja" ... (not None, NaN or empty)."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "x", "ja", "yes")
    return value is not None and not (isinstance(value, float) and np.isnan(value)) and bool(value)


def _stop_words() -> frozenset:

    return frozenset(get_pipeline().Defaults.stop_words)


def _kappas(coding: pd.DataFrame, gold: pd.DataFrame, themes) -> list[float]:
    from sklearn.metrics import cohen_kappa_score

    merged = coding.merge(gold[["segment_id", *themes]], on="segment_id", suffixes=("", "_gold"))
    out = []
    for t in themes:
        a, b = merged[t].astype(int), merged[f"{t}_gold"].astype(int)
        out.append(1.0 if (a == b).all() else float(cohen_kappa_score(a, b)))
    return out


def simulate_review(
    coded: pd.DataFrame, gold: pd.DataFrame, *, batch: int = 5, targets: Sequence[float] = (0.7, 0.8, 0.9), random_state: int = 0
) -> pd.DataFrame:
    """Replay a learning review (:class:`ReviewSession`) against a full hand
    coding; the static queue's cut-offs are :func:`utenforskap.review_simulation`.

    Three orders are replayed: the session's (:meth:`ReviewSession.next_batch`, learning
    after each batch), a random order with the same learning, and a random
    order without learning (reviewed statements fixed, the rest as the rule
    coder has them).

    Parameters
    ----------
    coded : pandas.DataFrame
        Output of :func:`utenforskap.code`.
    gold : pandas.DataFrame
        ``segment_id`` and a 0/1 or boolean column per theme.
    batch : int
        Statements per batch.

    Returns
    -------
    pandas.DataFrame
        One row per order and target kappa: ``order``, ``target``,
        ``reviewed_share`` (the share of statements reviewed before every
        theme reached the target; 1.0 when only the whole set does),
        ``reviewed``, and ``estimated_kappa``: the weakest theme's kappa as
        the session itself estimated it at that point
        (:meth:`ReviewSession.estimated_agreement`; empty without learning).
    """
    themes = [t for t in codebook_of(coded).themes if t in coded.columns and t in gold.columns]
    gold = gold.assign(segment_id=gold["segment_id"].astype(str))
    truth = gold.set_index("segment_id")
    n = len(coded)
    rows = []
    rng = np.random.default_rng(random_state)
    random_order = list(coded["segment_id"].astype(str).to_numpy()[rng.permutation(n)])
    for order in ("learning, session order", "learning, random order", "no learning, random order"):
        session = ReviewSession(coded, random_state=random_state)
        learning = order != "no learning, random order"
        reached: dict[float, int] = {}
        estimated: dict[float, float] = {}
        done = 0
        while True:
            kappas = _kappas(session.coding() if learning else _fixed(session, coded, themes), gold, themes)
            for target in targets:
                if target not in reached and min(kappas) >= target:
                    reached[target] = done
                    if learning:  # what the session itself believed at that point
                        estimated[target] = round(float(session.estimated_agreement()["kappa"].min()), 3)
            if len(reached) == len(targets) or done >= n:
                break
            if order == "learning, session order":
                ids = session.next_batch(batch)
            else:
                ids = random_order[done : done + batch]
            labels = truth.loc[ids, themes].astype(bool).reset_index()
            if not learning:
                session.labels.update(
                    {r.segment_id: {t: bool(getattr(r, t)) for t in themes} for r in labels.itertuples(index=False)}
                )
            else:
                session.record(labels)
            done += len(ids)
        for target in targets:
            count = reached.get(target, n)
            rows.append(
                {
                    "order": order,
                    "target": target,
                    "reviewed_share": round(count / n, 3),
                    "reviewed": count,
                    "estimated_kappa": estimated.get(target, np.nan),
                }
            )
    return pd.DataFrame(rows)


def _fixed(session: ReviewSession, coded: pd.DataFrame, themes) -> pd.DataFrame:
    """The rule coding with the reviewed statements as recorded."""
    out = coded[["segment_id", *themes]].copy()
    out["segment_id"] = out["segment_id"].astype(str)
    for i, sid in enumerate(out["segment_id"]):
        if sid in session.labels:
            for t in themes:
                out.at[out.index[i], t] = session.labels[sid][t]
    return out
