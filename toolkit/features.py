"""TF-IDF over syllable n-grams, computed with numpy alone.

Training and prediction share this code: training turns the sparse triplets
into a scipy matrix for scikit-learn, prediction sums them against the linear
model's coefficients with ``numpy.bincount``, so ``toolkit classify`` never
imports scikit-learn (about 1 s of start-up here).

The weighting is scikit-learn's ``TfidfVectorizer(sublinear_tf=True,
smooth_idf=True, norm="l2")``: tf = 1 + log(count), idf = log((1 + n) / (1 + df)) + 1.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from toolkit.text import normalize

_TOKEN_RE = re.compile(r"[^\W\d_]+")


def grams(text: str, ngram_max: int) -> list[str]:
    """Syllable n-grams (1..ngram_max) of a text, as feature strings.

    >>> grams("Kết nạp đảng viên", 2)
    ['kết', 'nạp', 'đảng', 'viên', 'kết nạp', 'nạp đảng', 'đảng viên']
    """
    return token_grams(_TOKEN_RE.findall(normalize(text.lower())), ngram_max)


def token_grams(toks: list[str], ngram_max: int) -> list[str]:
    """N-grams of syllables already produced by :func:`toolkit.text.tokens`."""
    out = list(toks)
    for n in range(2, ngram_max + 1):
        out += [" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1)]
    return out


@dataclass(slots=True)
class Triplets:
    """Sparse TF-IDF rows: ``values[i]`` is feature ``cols[i]`` of document ``rows[i]``."""

    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray
    n_docs: int


class Vectorizer:
    """Vocabulary and idf of syllable n-grams, fitted on training texts."""

    def __init__(self, ngram_max: int = 2, min_df: int = 2) -> None:
        self.ngram_max = ngram_max
        self.min_df = min_df
        self.terms_: list[str] = []
        self.vocabulary_: dict[str, int] = {}
        self.idf_: np.ndarray = np.zeros(0)

    def fit(self, texts: Sequence[str]) -> Vectorizer:
        """Learn the vocabulary (terms in at least ``min_df`` texts) and idf."""
        df: Counter[str] = Counter()
        for text in texts:
            df.update(set(grams(text, self.ngram_max)))
        self.terms_ = sorted(t for t, c in df.items() if c >= self.min_df)
        self.vocabulary_ = {t: i for i, t in enumerate(self.terms_)}
        counts = np.array([df[t] for t in self.terms_], dtype=np.float64)
        self.idf_ = np.log((1.0 + len(texts)) / (1.0 + counts)) + 1.0
        return self

    @classmethod
    def from_state(cls, terms: list[str], idf: np.ndarray, ngram_max: int) -> Vectorizer:
        """Rebuild a fitted vectorizer from a saved model."""
        vec = cls(ngram_max=ngram_max)
        vec.terms_ = terms
        vec.vocabulary_ = {t: i for i, t in enumerate(terms)}
        vec.idf_ = idf
        return vec

    def transform(self, texts: Iterable[str]) -> Triplets:
        """L2-normalized TF-IDF of each text, as sparse triplets."""
        return self.transform_tokens(_TOKEN_RE.findall(normalize(t.lower())) for t in texts)

    def transform_tokens(self, token_lists: Iterable[list[str]]) -> Triplets:
        """:meth:`transform` for texts already split by :func:`toolkit.text.tokens`."""
        get = self.vocabulary_.get
        ids: list[int] = []
        lengths: list[int] = []
        for toks in token_lists:
            found = [j for j in map(get, token_grams(toks, self.ngram_max)) if j is not None]
            ids += found
            lengths.append(len(found))
        n_docs = len(lengths)
        if not ids:
            empty = np.zeros(0)
            return Triplets(empty.astype(np.int64), empty.astype(np.int64), empty, n_docs)
        cols = np.asarray(ids, dtype=np.int64)
        rows = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
        keys, counts = np.unique(rows * len(self.terms_) + cols, return_counts=True)
        rows, cols = np.divmod(keys, len(self.terms_))
        values = (1.0 + np.log(counts)) * self.idf_[cols]
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=n_docs))
        values /= norms[rows]
        return Triplets(rows, cols, values, n_docs)

    def transform_matrix(self, texts: Iterable[str]):  # -> scipy.sparse.csr_matrix
        """The same TF-IDF as a scipy CSR matrix, for training with scikit-learn."""
        from scipy.sparse import csr_matrix

        t = self.transform(texts)
        return csr_matrix((t.values, (t.rows, t.cols)), shape=(t.n_docs, len(self.terms_)))


def linear_scores(t: Triplets, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    """Decision values ``X @ coef + intercept`` for triplets ``X``; shape (docs, labels)."""
    out = np.empty((t.n_docs, coef.shape[1]))
    for k in range(coef.shape[1]):
        out[:, k] = np.bincount(t.rows, weights=t.values * coef[t.cols, k], minlength=t.n_docs)
    return out + intercept
