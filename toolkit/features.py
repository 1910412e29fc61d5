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
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy as np

from toolkit.text import TOKEN_PATTERN, old_style_spellings, tokens



def grams(text: str, ngram_max: int) -> list[str]:
    """Syllable n-grams (1..ngram_max) of a text, as feature strings.

    >>> grams("Kết nạp đảng viên", 2)
    ['kết', 'nạp', 'đảng', 'viên', 'kết nạp', 'nạp đảng', 'đảng viên']
    """
    return token_grams(tokens(text), ngram_max)


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


_SEP = "\x00"  # separates texts in a batch; never a token of real text
_BATCH_TOKEN_RE = re.compile(TOKEN_PATTERN + r"|\x00")


_DROP = -4  # a piece with no syllable ("2.822", "–"): dropped, so "nạp 306 đảng" gives "nạp đảng"
_MULTI = -3  # a piece with several syllables ("tp.hcm"): expanded from _PieceIds.multi


_MISS = -5  # not in the piece cache yet


class _PieceIds:
    """A whitespace-separated piece of lower-cased text → the id of its syllable (cached).

    "đảng," → id of "đảng"; unknown syllables → -1; "2.822" → _DROP; "tp.hcm" →
    _MULTI, with its ids in ``multi``. The hot path is one C-level ``dict.get`` per
    piece; the tokenizing regex runs only for pieces not seen before.
    """

    _MAX = 300_000  # bounds memory on huge inputs; later pieces are computed, not kept

    def __init__(self, unigrams: dict[str, int]) -> None:
        self._get = unigrams.get
        self.cache: dict[str, int] = {}
        self.multi: dict[str, tuple[int, ...]] = {}

    def _compute(self, piece: str) -> int:
        ids = tuple(self._get(t, -1) for t in _BATCH_TOKEN_RE.findall(piece))
        if len(ids) == 1:
            value = ids[0]
        elif not ids:
            value = _DROP
        else:
            value = _MULTI
            self.multi[piece] = ids
        if len(self.cache) < self._MAX:
            self.cache[piece] = value
        return value

    def ids(self, pieces: list[str]) -> np.ndarray:
        """Syllable ids of a sequence of pieces, in order."""
        ids = np.fromiter(map(self.cache.get, pieces, repeat(_MISS)), dtype=np.int64, count=len(pieces))
        for i in np.flatnonzero(ids == _MISS).tolist():
            ids[i] = self._compute(pieces[i])
        multi = np.flatnonzero(ids == _MULTI)
        if len(multi):
            parts, prev = [], 0
            for i in multi.tolist():
                parts += [ids[prev:i], np.asarray(self.multi[pieces[i]], dtype=np.int64)]
                prev = i + 1
            parts.append(ids[prev:])
            ids = np.concatenate(parts)
        return ids[ids != _DROP]


class Vectorizer:
    """Vocabulary and idf of syllable n-grams, fitted on training texts.

    At transform time n-grams are never built as strings: each syllable is
    looked up once, and an n-gram is the integer ``((id₁·V + id₂)·V + id₃)``
    found with ``numpy.searchsorted`` among the vocabulary's n-gram keys. Every
    syllable of a vocabulary n-gram is in the vocabulary itself (its document
    frequency is at least the n-gram's), so nothing is lost.
    """

    def __init__(self, ngram_max: int = 2, min_df: int = 2) -> None:
        self.ngram_max = ngram_max
        self.min_df = min_df
        self._terms: list[str] | None = []
        self._packed_terms = ""
        self._n_terms = 0
        self.vocabulary_: dict[str, int] = {}
        self.idf_: np.ndarray = np.zeros(0)
        self._unigrams: dict[str, int] = {}
        self._keys: list[tuple[np.ndarray, np.ndarray]] = []  # per n ≥ 2: sorted keys, feature ids
        self._starts = np.zeros(1, dtype=bool)
        self._ends = np.zeros(1, dtype=bool)
        self._unigrams: dict[str, int] = {}
        self._pieces = _PieceIds({})

    def fit(self, texts: Sequence[str]) -> Vectorizer:
        """Learn the vocabulary (terms in at least ``min_df`` texts) and idf."""
        df: Counter[str] = Counter()
        for text in texts:
            df.update(set(grams(text, self.ngram_max)))
        terms = sorted(t for t, c in df.items() if c >= self.min_df)
        counts = np.array([df[t] for t in terms], dtype=np.float64)
        idf = np.log((1.0 + len(texts)) / (1.0 + counts)) + 1.0
        return self._set_state(terms, idf)

    def state(self) -> dict[str, object]:
        """Plain values (str, bytes, int) that :meth:`from_state` rebuilds this from.

        The n-gram keys are stored ready-made so loading a model costs no loop
        over the vocabulary.
        """
        uni = [(t, i) for t, i in self._unigrams.items() if i >= 0 and " " not in t and t in self.vocabulary_]
        return {
            "ngram_max": self.ngram_max,
            "n_terms": len(self.terms_),
            "terms": "\n".join(self.terms_),
            "idf": self.idf_.astype(np.float64).tobytes(),
            "unigram_terms": "\n".join(t for t, _ in uni),
            "unigram_ids": np.array([i for _, i in uni], dtype=np.int64).tobytes(),
            "ngram_keys": [k.tobytes() for k, _ in self._keys],
            "ngram_ids": [i.tobytes() for _, i in self._keys],
        }

    @classmethod
    def from_state(cls, state: dict[str, object]) -> Vectorizer:
        """Rebuild a fitted vectorizer from :meth:`state`."""
        vec = cls(ngram_max=int(state["ngram_max"]))  # type: ignore[arg-type]
        vec._packed_terms = str(state["terms"])
        vec._terms = None
        vec._n_terms = int(state["n_terms"])  # type: ignore[arg-type]
        vec.idf_ = np.frombuffer(state["idf"], dtype=np.float64)  # type: ignore[arg-type]
        ids = np.frombuffer(state["unigram_ids"], dtype=np.int64).tolist()  # type: ignore[arg-type]
        terms = str(state["unigram_terms"]).split("\n") if ids else []
        vec._set_unigrams(dict(zip(terms, ids)))
        vec._keys = [
            (np.frombuffer(k, dtype=np.int64), np.frombuffer(i, dtype=np.int64))  # type: ignore[arg-type]
            for k, i in zip(state["ngram_keys"], state["ngram_ids"])  # type: ignore[call-overload]
        ]
        vec._set_starts()
        return vec

    def _set_starts(self) -> None:
        """Which feature ids begin, and which end, some n-gram of the vocabulary."""
        v = max(1, self._n_terms)
        self._starts = np.zeros(v, dtype=bool)
        self._ends = np.zeros(v, dtype=bool)
        for n, (keys, _) in enumerate(self._keys, start=2):
            self._starts[keys // v ** (n - 1)] = True
            self._ends[keys % v] = True

    @property
    def terms_(self) -> list[str]:
        """Every feature string, by feature index (unpacked on first use)."""
        if self._terms is None:
            self._terms = self._packed_terms.split("\n") if self._n_terms else []
        return self._terms

    @terms_.setter
    def terms_(self, value: list[str]) -> None:
        self._terms = value
        self._n_terms = len(value)

    def _set_unigrams(self, unigrams: dict[str, int]) -> None:
        self._unigrams = dict(unigrams)
        for t, i in unigrams.items():
            for alias in old_style_spellings(t):
                self._unigrams.setdefault(alias, i)
        self._unigrams[_SEP] = -2
        self._pieces = _PieceIds(self._unigrams)

    def _set_state(self, terms: list[str], idf: np.ndarray) -> Vectorizer:
        self.terms_ = terms
        self.vocabulary_ = {t: i for i, t in enumerate(terms)}
        self.idf_ = idf
        self._set_unigrams({t: i for i, t in enumerate(terms) if " " not in t})
        v = max(1, len(terms))
        by_n: dict[int, tuple[list[int], list[int]]] = {}
        for i, t in enumerate(terms):
            parts = t.split(" ")
            if len(parts) < 2:
                continue
            key = 0
            for part in parts:
                key = key * v + self.vocabulary_[part]
            keys, ids = by_n.setdefault(len(parts), ([], []))
            keys.append(key)
            ids.append(i)
        self._keys = []
        for n in range(2, self.ngram_max + 1):
            keys, ids = by_n.get(n, ([], []))
            order = np.argsort(np.asarray(keys, dtype=np.int64), kind="stable")
            self._keys.append((np.asarray(keys, dtype=np.int64)[order], np.asarray(ids, dtype=np.int64)[order]))
        self._set_starts()
        return self

    def transform(self, texts: Iterable[str]) -> Triplets:
        """L2-normalized TF-IDF of each text, as sparse triplets."""
        texts = [t.replace(_SEP, " ") for t in texts]
        joined = f" {_SEP} ".join(texts).lower()
        if not unicodedata.is_normalized("NFC", joined):
            joined = unicodedata.normalize("NFC", joined)
        # Whitespace pieces ("đảng,", "(tccsđ)") map to syllable ids through a cache,
        # so the tokenizing regex runs once per distinct piece, not over all the text.
        # No tone-mark pass either: old-style spellings are aliases in the lookup.
        return self._transform_ids(self._pieces.ids(joined.split()), len(texts))

    def transform_tokens(self, token_lists: Iterable[list[str]]) -> Triplets:
        """:meth:`transform` for texts already split by :func:`toolkit.text.tokens`."""
        flat: list[str] = []
        n_docs = 0
        for toks in token_lists:
            if n_docs:
                flat.append(_SEP)
            flat += toks
            n_docs += 1
        get = self._unigrams.get
        return self._transform_ids(np.fromiter(map(get, flat, repeat(-1)), dtype=np.int64, count=len(flat)), n_docs)

    def _transform_ids(self, uni: np.ndarray, n_docs: int) -> Triplets:
        v = max(1, self._n_terms)
        doc = np.cumsum(uni == -2)
        valid = uni >= 0
        cols_parts = [uni[valid]]
        rows_parts = [doc[valid]]
        key = uni
        # Only syllables that start (end) some vocabulary n-gram can start (end) one here:
        # filtering on that halves the searching.
        safe = np.maximum(uni, 0)
        valid = valid & self._starts[safe]
        ends = (uni >= 0) & self._ends[safe]
        for n, (keys, ids) in enumerate(self._keys, start=2):
            if len(uni) < n or not len(keys):
                break
            key = key[:-1] * v + uni[n - 1 :]
            valid = valid[:-1] & ends[n - 1 :]
            cand = np.flatnonzero(valid)
            pos = np.searchsorted(keys, key[cand])
            pos[pos == len(keys)] = 0
            hit = keys[pos] == key[cand]
            cols_parts.append(ids[pos[hit]])
            rows_parts.append(doc[cand[hit]])
        cols = np.concatenate(cols_parts)
        rows = np.concatenate(rows_parts)
        if not len(cols):
            empty = np.zeros(0, dtype=np.int64)
            return Triplets(empty, empty, np.zeros(0), n_docs)
        keys_rc, counts = np.unique(rows * v + cols, return_counts=True)
        rows, cols = np.divmod(keys_rc, v)
        values = (1.0 + np.log(counts)) * self.idf_[cols]
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=n_docs))
        values /= norms[rows]
        return Triplets(rows, cols, values, n_docs)

    def transform_matrix(self, texts: Iterable[str]):  # -> scipy.sparse.csr_matrix
        """The same TF-IDF as a scipy CSR matrix, for training with scikit-learn."""
        from scipy.sparse import csr_matrix

        t = self.transform(texts)
        return csr_matrix((t.values, (t.rows, t.cols)), shape=(t.n_docs, self._n_terms))


def linear_scores(t: Triplets, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    """Decision values ``X @ coef + intercept`` for triplets ``X``; shape (docs, labels)."""
    out = np.empty((t.n_docs, coef.shape[1]))
    for k in range(coef.shape[1]):
        out[:, k] = np.bincount(t.rows, weights=t.values * coef[t.cols, k], minlength=t.n_docs)
    return out + intercept
