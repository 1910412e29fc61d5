"""Extractive digests: rank a document's own sentences and keep the best few.

Rankers share one interface, ``scores(prep) -> array`` (higher is better), and
are chosen by name from :data:`METHODS`: ``lead``, ``centrality`` (continuous
LexRank) and ``learned`` (the default; see :mod:`toolkit.ranker`). Selection
uses maximal marginal relevance so a digest does not say the same thing twice,
then restores document order. Sentences are identified by index and offsets,
never by their text, so two identical sentences stay two.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from toolkit.docprep import Prepared, lexrank, prepare
from toolkit.errors import ToolkitError
from toolkit.features import Triplets

THEME_NAMES = {
    "inspection": "Kiểm tra, giám sát, kỷ luật Đảng",
    "admission": "Kết nạp, phát triển đảng viên",
    "mobilization": "Công tác dân vận",
    "personnel": "Công tác cán bộ, tổ chức bộ máy",
}


class Ranker(Protocol):
    """Anything that scores the sentences of a prepared document."""

    def scores(self, prep: Prepared) -> np.ndarray: ...


class Lead:
    """First sentences first: the classic news baseline."""

    def scores(self, prep: Prepared) -> np.ndarray:
        return -np.arange(len(prep.sentences), dtype=np.float64)


class Centrality:
    """Continuous LexRank over TF-IDF cosine similarities (linear memory)."""

    def scores(self, prep: Prepared) -> np.ndarray:
        return lexrank(prep.vectors)


class Learned:
    """The shipped (or given) linear ranker over sentence features."""

    def __init__(self, ranker_dir: str | Path | None = None, classifier_dir: str | Path | None = None) -> None:
        from toolkit import classifier, ranker

        self.model = ranker.load(ranker_dir)
        self.classifier = classifier.load(classifier_dir) if self.model.uses_themes else None

    def scores(self, prep: Prepared) -> np.ndarray:
        from toolkit.ranker import sentence_features

        probs = None
        if self.classifier is not None and prep.sentences:
            probs = self.classifier.token_probabilities(prep.tokens)
        return self.model.scores(sentence_features(prep, probs))


METHODS: dict[str, type] = {"lead": Lead, "centrality": Centrality, "learned": Learned}


def make_ranker(method: str, ranker_dir: str | Path | None = None, classifier_dir: str | Path | None = None) -> Ranker:
    """The ranker called ``method``."""
    if method not in METHODS:
        raise ToolkitError(f"unknown method {method!r} (choose from {', '.join(METHODS)})")
    if method == "learned":
        return Learned(ranker_dir, classifier_dir)
    return METHODS[method]()


# ---------------------------------------------------------------- selection


@dataclass(frozen=True, slots=True)
class Length:
    """How long a digest is: ``sentences``, a ``ratio`` of them, or a ``words`` budget."""

    sentences: int | None = 3
    ratio: float | None = None
    words: int | None = None

    def count(self, n: int) -> int:
        """How many sentences to take from ``n`` (at least one when there is one)."""
        if n == 0:
            return 0
        if self.ratio is not None:
            return max(1, min(n, math.ceil(self.ratio * n)))
        if self.words is not None:
            return n  # the word budget stops selection
        return max(1, min(n, self.sentences or 3))


def _row(t: Triplets, i: int, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = starts[i], starts[i + 1]
    return t.cols[lo:hi], t.values[lo:hi]


def select(
    prep: Prepared, scores: np.ndarray, length: Length, mmr_lambda: float = 0.7,
    candidates: Sequence[int] | None = None,
) -> list[int]:
    """Indices of the chosen sentences, in document order.

    Greedy maximal marginal relevance: each pick maximises
    ``λ·relevance − (1−λ)·max cosine to what is already picked``, relevance
    being the scores rescaled to [0, 1].
    """
    pool = list(range(len(prep.sentences))) if candidates is None else list(candidates)
    k = min(length.count(len(pool)), len(pool))
    if k == 0:
        return []
    if length.words is None and len(pool) > 4 * k + 8:
        # MMR only ever reaches down a few ranks: consider the best few candidates,
        # which keeps selection cheap on long documents.
        pool = [pool[i] for i in np.argsort(-scores[pool], kind="stable")[: 4 * k + 8]]
    s = scores[pool]
    spread = float(s.max() - s.min())
    rel = (s - s.min()) / spread if spread > 0 else np.ones(len(pool))
    t = prep.vectors
    starts = np.searchsorted(t.rows, np.arange(t.n_docs + 1))  # rows are sorted by sentence
    n_terms = int(t.cols.max()) + 1 if len(t.cols) else 1
    max_sim = np.zeros(len(pool))
    chosen: list[int] = []
    words = 0
    pool_arr = np.array(pool)
    available = np.ones(len(pool), dtype=bool)
    while len(chosen) < k and available.any():
        value = np.where(available, mmr_lambda * rel - (1.0 - mmr_lambda) * max_sim, -np.inf)
        pick = int(np.argmax(value))
        available[pick] = False
        sentence = int(pool_arr[pick])
        n_words = len(prep.sentences[sentence].text.split())
        if length.words is not None and chosen and words + n_words > length.words:
            continue  # too long for the budget; a shorter one may still fit
        chosen.append(sentence)
        words += n_words
        cols, vals = _row(t, sentence, starts)
        if len(cols):
            dense = np.zeros(n_terms)
            dense[cols] = vals
            sims = np.bincount(t.rows, weights=t.values * dense[t.cols], minlength=t.n_docs)[pool_arr]
            max_sim = np.maximum(max_sim, sims)
    return sorted(chosen)


# ---------------------------------------------------------------- summaries


def _item(prep: Prepared, i: int, scores: np.ndarray) -> dict[str, Any]:
    s = prep.sentences[i]
    return {"index": s.index, "start": s.start, "end": s.end, "text": s.text, "score": round(float(scores[i]), 4)}


def summarize_text(
    text: str,
    title: str | None = None,
    ranker: Ranker | None = None,
    length: Length = Length(),
    by_theme: bool = False,
    classifier_dir: str | Path | None = None,
) -> dict[str, Any]:
    """Digest of one document: ``summary`` items, their joined ``text``, and the title.

    With ``by_theme``, ``themes`` lists, for each theme the document reports,
    its top sentences and key figures.

    >>> d = summarize_text("Huyện ủy họp.\\nNăm 2021 kết nạp 57 đảng viên.", ranker=Lead())
    >>> [s["text"] for s in d["summary"]]
    ['Huyện ủy họp.', 'Năm 2021 kết nạp 57 đảng viên.']
    """
    ranker = ranker or make_ranker("learned", classifier_dir=classifier_dir)
    prep = prepare(text, title)
    scores = ranker.scores(prep) if prep.sentences else np.zeros(0)
    lam = getattr(getattr(ranker, "model", None), "mmr_lambda", 0.7)
    chosen = select(prep, scores, length, lam)
    summary = [_item(prep, i, scores) for i in chosen]
    out: dict[str, Any] = {
        "title": prep.title,
        "summary": summary,
        "text": " ".join(item["text"] for item in summary),
    }
    if by_theme:
        out["themes"] = theme_digest(prep, scores, length, classifier_dir, lam)
    return out


def theme_digest(
    prep: Prepared, scores: np.ndarray, length: Length, classifier_dir: str | Path | None = None,
    mmr_lambda: float = 0.7,
) -> list[dict[str, Any]]:
    """For each theme a paragraph of the document reports: top sentences and key figures.

    A theme is present when the classifier gives it to a paragraph; its
    candidate sentences are those of such paragraphs, ranked by the ranker's
    score and the sentence's own theme probability together. Key figures are
    the counted numbers of candidate sentences that are about the theme on
    their own.
    """
    from toolkit import classifier
    from toolkit.figures import figures

    if not prep.sentences:
        return []
    clf = classifier.load(classifier_dir)
    n_par = max(s.paragraph for s in prep.sentences) + 1
    par_texts = [""] * n_par
    for s in prep.sentences:
        par_texts[s.paragraph] += (" " if par_texts[s.paragraph] else "") + s.text
    par_labels = [set(p.labels) for p in clf.predict(par_texts)]
    sent_probs = clf.probabilities([s.text for s in prep.sentences])
    spread = float(scores.max() - scores.min()) if len(scores) else 0.0
    rel = (scores - scores.min()) / spread if spread > 0 else np.ones(len(scores))
    themes = []
    for k, label in enumerate(clf.labels):
        pool = [s.index for s in prep.sentences if label in par_labels[s.paragraph]]
        if not pool:
            continue
        # Within a theme, how clearly a sentence is about it counts more than
        # its news-trained rank; a sentence with the theme's figures reports results.
        has_figures = np.array([bool(figures(s.text)) for s in prep.sentences], dtype=float)
        combined = 0.35 * rel + 0.55 * sent_probs[:, k] + 0.1 * has_figures
        chosen = select(prep, combined, length, mmr_lambda, candidates=pool)
        found, seen = [], set()
        for i in pool:
            if sent_probs[i, k] < clf.thresholds[k]:
                continue
            for f in figures(prep.sentences[i].text):
                if (f.text, i) not in seen:
                    seen.add((f.text, i))
                    found.append({"value": f.value, "unit": f.unit, "text": f.text, "sentence": i})
        themes.append(
            {
                "label": label,
                "name": THEME_NAMES.get(label, label),
                "paragraphs": sum(label in labels for labels in par_labels),
                "sentences": [_item(prep, i, combined) for i in chosen],
                "figures": found,
            }
        )
    return themes


def summarize_paths(
    paths: Sequence[str],
    method: str = "learned",
    length: Length = Length(),
    by_theme: bool = False,
    encoding: str | None = None,
    ranker_dir: str | Path | None = None,
    classifier_dir: str | Path | None = None,
) -> Iterator[dict[str, Any]]:
    """Digest every input document: one record per .txt file, stdin or JSONL object.

    Each record: ``source``, ``id``, ``title``, ``summary`` (index, start, end,
    text, score per sentence), ``text`` (the digest joined) and, with
    ``by_theme``, ``themes``.
    """
    from toolkit.inputs import expand, read_documents

    names = expand(paths)
    ranker = make_ranker(method, ranker_dir, classifier_dir)
    for doc in read_documents(names, encoding):
        digest = summarize_text(doc.text, doc.title, ranker, length, by_theme, classifier_dir)
        yield {"source": doc.source, "id": doc.id, **digest}
