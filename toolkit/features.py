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

import numpy as np

from toolkit.text import OLD_STYLE_ENDINGS, TOKEN_PATTERN, old_style_spellings, tokens


def grams(text: str, ngram_max: int) -> list[str]:
    """Syllable n-grams (1..ngram_max) of a text, as feature strings.

    >>> grams("Kết nạp đảng viên", 2)
    ['kết', 'nạp', 'đảng', 'viên', 'kết nạp', 'nạp đảng', 'đảng viên']
    """
    toks = tokens(text)
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


_SEP = "\x00"  # between texts of a batch: not a syllable character, so no syllable spans two texts

# Syllables are hashed with a polynomial over their code points, mod 2**64 (numpy's
# uint64 arithmetic wraps), so a whole batch is tokenized and looked up in a few
# vectorized passes instead of one Python step per word.
_P = np.uint64(0x100000001B3)  # odd, hence invertible mod 2**64
_P_INV = np.uint64(pow(int(_P), -1, 2**64))
_MIX = np.uint64(0x9E3779B97F4A7C15)


class _Powers:
    """P**i and P**-i mod 2**64 for i < n, grown on demand."""

    def __init__(self) -> None:
        self.up = np.ones(0, dtype=np.uint64)
        self.down = np.ones(0, dtype=np.uint64)

    def upto(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if len(self.up) < n:
            size = max(n, 2 * len(self.up))
            self.up = np.cumprod(np.full(size, _P, dtype=np.uint64)) * _P_INV
            self.down = np.cumprod(np.full(size, _P_INV, dtype=np.uint64)) * _P
        return self.up, self.down


_POWERS = _Powers()

# Per code point: 0 not yet seen, 1 part of a syllable (TOKEN_PATTERN), 2 not. Filled
# lazily with TOKEN_PATTERN itself, so this tokenizer and text.tokens never disagree.
# np.zeros is lazily mapped memory: untouched pages cost nothing.
_CHAR_CLASS = np.zeros(0x110000, dtype=np.uint8)
_ONE_TOKEN_CHAR = re.compile(TOKEN_PATTERN)


_CHUNK = 1 << 20  # code points hashed at once: bounds memory on a huge single paragraph


def _syllables(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Hash of every syllable of lower-cased, NFC ``text``, and which ``_SEP``-separated part holds it.

    The syllables are those of :func:`toolkit.text.tokens_of_normalized`; a
    syllable's hash depends on its letters only, not on where it stands.
    """
    if len(text) <= _CHUNK:
        return _chunk_syllables(text)
    hashes, parts = [], []
    start = seps = 0
    while start < len(text):
        end = min(len(text), start + _CHUNK)
        if end < len(text):
            cut = max(text.rfind(" ", start + 1, end), text.rfind(_SEP, start + 1, end))
            if cut > start:
                end = cut  # a space or separator is never inside a syllable
        piece = text[start:end]
        h, p = _chunk_syllables(piece)
        hashes.append(h)
        parts.append(p + seps)
        seps += piece.count(_SEP)
        start = end
    return np.concatenate(hashes), np.concatenate(parts)


def _chunk_syllables(text: str) -> tuple[np.ndarray, np.ndarray]:
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cls = _CHAR_CLASS[cps]
    unseen = cls == 0
    if unseen.any():
        for cp in np.flatnonzero(np.bincount(cps[unseen])).tolist():  # np.unique would import numpy.ma: 20 ms
            _CHAR_CLASS[cp] = 1 if _ONE_TOKEN_CHAR.fullmatch(chr(cp)) else 2
        cls = _CHAR_CLASS[cps]
    edges = np.diff((cls == 1).view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    up, down = _POWERS.upto(len(cps) + 1)
    prefix = np.zeros(len(cps) + 1, dtype=np.uint64)
    np.cumsum(cps * up[: len(cps)], out=prefix[1:])
    part = np.searchsorted(np.flatnonzero(cps == 0), starts)
    return (prefix[ends] - prefix[starts]) * down[starts], part


class _HashIndex:
    """uint64 key → int64 value, as a linear-probing table probed with numpy.

    The table does not wrap around: it is padded past its last home slot, so
    probing is plain ``slot + 1``.
    """

    def __init__(self, keys: np.ndarray, values: np.ndarray) -> None:
        keys = np.asarray(keys, dtype=np.uint64)
        bits = max(4, int(4 * max(1, len(keys))).bit_length())  # load factor ≤ 1/4
        self._shift = np.uint64(64 - bits)
        home = self._slot(keys).astype(np.int64)
        order = np.argsort(home, kind="stable")
        # Keys in home-slot order take the first free slot at or after home:
        # slot_i = max(home_i, slot_{i-1} + 1), i.e. i + running max of (home_i - i).
        rank = np.arange(len(keys))
        slot = np.maximum.accumulate(home[order] - rank) + rank if len(keys) else rank
        self._probes = int((slot - home[order]).max()) + 1 if len(keys) else 1
        size = (1 << bits) + self._probes
        self._keys = np.zeros(size, dtype=np.uint64)
        self._values = np.full(size, -1, dtype=np.int64)
        self._keys[slot] = keys[order]
        self._values[slot] = np.asarray(values, dtype=np.int64)[order]
        self.order = order  # keys given in this order build the next table with no sorting

    def _slot(self, keys: np.ndarray) -> np.ndarray:
        return (keys * _MIX) >> self._shift

    def get(self, keys: np.ndarray) -> np.ndarray:
        """The value of each key, -1 where absent."""
        slot = self._slot(keys)
        out = self._values[slot]  # most keys sit in their home slot: no indirection for them
        stored = self._keys[slot]
        todo = np.flatnonzero((stored != keys) & (out >= 0))
        out[stored != keys] = -1
        for _ in range(1, self._probes):  # a present key is at most _probes - 1 slots past home
            if not len(todo):
                break
            s = slot[todo] + np.uint64(1)
            slot[todo] = s
            vals = self._values[s]
            hit = (self._keys[s] == keys[todo]) & (vals >= 0)
            out[todo[hit]] = vals[hit]
            todo = todo[~hit & (vals >= 0)]
        return out


class Vectorizer:
    """Vocabulary and idf of syllable n-grams, fitted on training texts.

    At transform time no token or n-gram is built as a string: syllables are
    hashed in vectorized passes (:func:`_syllables`) and looked up in a hash
    table, and an n-gram is the integer ``((id₁·V + id₂)·V + id₃)`` looked up in
    another. Every syllable of a vocabulary n-gram is in the vocabulary itself
    (its document frequency is at least the n-gram's), so nothing is lost.
    """

    def __init__(self, ngram_max: int = 2, min_df: int = 2) -> None:
        self.ngram_max = ngram_max
        self.min_df = min_df
        self._terms: list[str] | None = []
        self._packed_terms = ""
        self._n_terms = 0
        self.idf_: np.ndarray = np.zeros(0)
        self._unigrams: dict[str, int] = {}  # syllable → feature id, normalized spellings only
        self._unigram_index = _HashIndex(np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64))
        self._keys: list[tuple[np.ndarray, np.ndarray]] = []  # per n ≥ 2: n-gram keys, feature ids
        self._ngram_index: list[_HashIndex] = []
        self._starts = np.zeros(1, dtype=bool)
        self._ends = np.zeros(1, dtype=bool)

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
        return {
            "ngram_max": self.ngram_max,
            "n_terms": len(self.terms_),
            "terms": "\n".join(self.terms_),
            "idf": self.idf_.astype(np.float64).tobytes(),
            "unigram_terms": "\n".join(self._unigrams),
            "unigram_ids": np.array(list(self._unigrams.values()), dtype=np.int64).tobytes(),
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
        keys = [
            (np.frombuffer(k, dtype=np.int64), np.frombuffer(i, dtype=np.int64))  # type: ignore[arg-type]
            for k, i in zip(state["ngram_keys"], state["ngram_ids"])  # type: ignore[call-overload]
        ]
        return vec._set_index(dict(zip(terms, ids)), keys)

    @property
    def terms_(self) -> list[str]:
        """Every feature string, by feature index (unpacked on first use)."""
        if self._terms is None:
            self._terms = self._packed_terms.split("\n") if self._n_terms else []
        return self._terms

    def _set_state(self, terms: list[str], idf: np.ndarray) -> Vectorizer:
        self._terms = terms
        self._n_terms = len(terms)
        self.idf_ = idf
        ids = {t: i for i, t in enumerate(terms)}
        v = max(1, len(terms))
        by_n: dict[int, tuple[list[int], list[int]]] = {}
        for i, t in enumerate(terms):
            parts = t.split(" ")
            if len(parts) < 2:
                continue
            key = 0
            for part in parts:
                key = key * v + ids[part]
            keys, feats = by_n.setdefault(len(parts), ([], []))
            keys.append(key)
            feats.append(i)
        keys_by_n = [
            (np.asarray(keys, dtype=np.int64), np.asarray(feats, dtype=np.int64))
            for keys, feats in (by_n.get(n, ([], [])) for n in range(2, self.ngram_max + 1))
        ]
        return self._set_index({t: i for t, i in ids.items() if " " not in t}, keys_by_n)

    def _set_index(self, unigrams: dict[str, int], keys: list[tuple[np.ndarray, np.ndarray]]) -> Vectorizer:
        """Build the lookup tables; old-style tone spellings are aliases of their syllable."""
        self._unigrams = unigrams
        spellings = dict(unigrams)
        for t, i in unigrams.items():
            if t[-2:] in OLD_STYLE_ENDINGS:  # the rest have no other spelling: skip the call
                for alias in old_style_spellings(t):
                    spellings.setdefault(alias, i)
        hashes, _ = _syllables(_SEP.join(spellings))
        if len(hashes) != len(spellings):
            raise ValueError("a unigram of the vocabulary is not one syllable")
        self._unigram_index = _HashIndex(hashes, np.fromiter(spellings.values(), dtype=np.int64))
        self._ngram_index = [_HashIndex(k.view(np.uint64), i) for k, i in keys]
        # Kept (and saved) in table order, which makes loading the model cheaper.
        self._keys = [(k[index.order], i[index.order]) for (k, i), index in zip(keys, self._ngram_index)]
        # Which feature ids begin, and which end, some n-gram of the vocabulary.
        v = max(1, self._n_terms)
        self._starts = np.zeros(v, dtype=bool)
        self._ends = np.zeros(v, dtype=bool)
        for n, (k, _) in enumerate(keys, start=2):
            self._starts[k // v ** (n - 1)] = True
            self._ends[k % v] = True
        return self

    def transform(self, texts: Iterable[str]) -> Triplets:
        """L2-normalized TF-IDF of each text, as sparse triplets."""
        texts = list(texts)
        joined = _SEP.join(texts).lower()
        if joined.count(_SEP) != len(texts) - 1:
            joined = _SEP.join(t.replace(_SEP, " ") for t in texts).lower()
        if not unicodedata.is_normalized("NFC", joined):
            joined = unicodedata.normalize("NFC", joined)
        # No tone-mark pass: old-style spellings are aliases in the lookup.
        hashes, doc = _syllables(joined)
        return self._transform_ids(self._unigram_index.get(hashes), doc, len(texts))

    def transform_tokens(self, token_lists: Iterable[list[str]]) -> Triplets:
        """:meth:`transform` for texts already split by :func:`toolkit.text.tokens`."""
        return self.transform(" ".join(toks) for toks in token_lists)

    def _transform_ids(self, uni: np.ndarray, doc: np.ndarray, n_docs: int) -> Triplets:
        v = max(1, self._n_terms)
        known = uni >= 0
        cols_parts = [uni[known]]
        rows_parts = [doc[known]]
        key = uni
        # Only syllables that start (end) some vocabulary n-gram can start (end) one here:
        # filtering on that halves the lookups.
        safe = np.maximum(uni, 0)
        valid = known & self._starts[safe]
        ends = known & self._ends[safe]
        for n, index in enumerate(self._ngram_index, start=2):
            if len(uni) < n:
                break
            key = key[:-1] * v + uni[n - 1 :]
            valid = valid[:-1] & ends[n - 1 :] & (doc[: 1 - n] == doc[n - 1 :])
            cand = np.flatnonzero(valid)
            feats = index.get(key[cand].view(np.uint64))
            hit = feats >= 0
            cols_parts.append(feats[hit])
            rows_parts.append(doc[cand[hit]])
        cols = np.concatenate(cols_parts)
        rows = np.concatenate(rows_parts)
        if not len(cols):
            empty = np.zeros(0, dtype=np.int64)
            return Triplets(empty, empty, np.zeros(0), n_docs)
        keys_rc = rows * v + cols
        if n_docs * v < 2**32:
            keys_rc = keys_rc.astype(np.uint32)  # sorts faster
        # Count each (row, col): a stable sort (a merge sort, which uses the runs the
        # keys already come in) beats np.unique's quicksort here by a third.
        keys_rc = np.sort(keys_rc, kind="stable")
        first = np.empty(len(keys_rc), dtype=bool)
        first[0] = True
        np.not_equal(keys_rc[1:], keys_rc[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        counts = np.diff(starts, append=len(keys_rc))
        rows, cols = np.divmod(keys_rc[starts].astype(np.int64), v)
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
