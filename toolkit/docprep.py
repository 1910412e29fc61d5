"""A document made ready for ranking: its sentences, title and sentence vectors.

Sentences come from :func:`toolkit.text.paragraph_spans` and
:func:`toolkit.text.sentence_spans`, so they carry offsets into the original
text and web-page furniture never reaches a digest. Sentence vectors are
TF-IDF over syllables with the document's own idf, stored as sparse triplets;
everything here is linear in the number of sentences.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

import numpy as np

from toolkit.features import Triplets
from toolkit.text import paragraph_spans, sentence_spans, tokens, tokens_of_normalized

_HEADLINE_MAX_WORDS = 30
_TITLE_MIN_WORDS = 5


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its index in the document, offsets, text and paragraph."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int


@dataclass(slots=True)
class Prepared:
    """Sentences, the title (given, or the headline line) and their TF-IDF vectors."""

    sentences: list[Sentence]
    title: str | None
    tokens: list[list[str]]
    vectors: Triplets
    title_vector: dict[int, float]


def _is_headline(text: str) -> bool:
    return not text.endswith((".", "!", "?", "…", ":", ";")) and len(text.split()) <= _HEADLINE_MAX_WORDS


def split_sentences(text: str, title: str | None = None) -> tuple[str | None, list[Sentence]]:
    """The document's sentences, and its title.

    Without a given title, the first of the first three lines that reads as a
    headline (five to thirty words, no closing punctuation) becomes the title.
    Lines that read as headlines (the title, subheadings, section labels) and
    paragraphs printed twice (photo captions) are not candidate sentences unless
    the document has nothing else.
    """
    repeated: set[str] = set()
    paragraphs = paragraph_spans(text, repeated)
    if title is None:
        # Web pages often put a section label ("Thời sự - Chính trị") before the headline.
        for k, para in enumerate(paragraphs[:3]):
            if k + 1 < len(paragraphs) and _is_headline(para.text) and len(para.text.split()) >= _TITLE_MIN_WORDS:
                title = para.text
                paragraphs = paragraphs[k + 1 :]
                break
    # A paragraph a page prints twice is a photo caption (figure caption + alt text).
    body = [p for p in paragraphs if not _is_headline(p.text) and p.text not in repeated]
    if body:
        paragraphs = body  # subheadings, labels and captions are not digest sentences
    out: list[Sentence] = []
    for p_index, para in enumerate(paragraphs):
        for span in sentence_spans(para.text, offset=para.start):
            out.append(Sentence(len(out), span.start, span.end, span.text, p_index))
    return title, out


def _tokens_of(text: str, sentences: list[Sentence]) -> list[list[str]]:
    # Sentences are only compared with each other and with the title, tokenized
    # alike, so the tone-mark pass is not needed here; the classifier's lookup
    # knows both spellings.
    low = text.lower()
    if not unicodedata.is_normalized("NFC", low):  # offsets would move: one by one
        return [tokens(s.text) for s in sentences]
    return [tokens_of_normalized(low[s.start : s.end]) for s in sentences]


def prepare(text: str, title: str | None = None) -> Prepared:
    """Split and vectorize a document for the rankers."""
    title, sentences = split_sentences(text, title)
    toks = _tokens_of(text, sentences)
    vocab: dict[str, int] = {}
    setdefault = vocab.setdefault
    flat = [setdefault(t, len(vocab)) for sent in toks for t in sent]
    n = len(sentences)
    n_terms = max(1, len(vocab))
    if flat:
        token_rows = np.repeat(np.arange(n, dtype=np.int64), [len(t) for t in toks])
        keys, counts = np.unique(token_rows * n_terms + np.asarray(flat, dtype=np.int64), return_counts=True)
        rows, cols = np.divmod(keys, n_terms)
        df = np.bincount(cols, minlength=n_terms).astype(np.float64)
        idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
        values = (1.0 + np.log(counts)) * idf[cols]
        values /= np.sqrt(np.bincount(rows, weights=values * values, minlength=n))[rows]
    else:
        rows = cols = np.zeros(0, dtype=np.int64)
        values = np.zeros(0)
        idf = np.ones(n_terms)
    title_vec: dict[int, float] = {}
    if title:
        for t in set(tokens_of_normalized(unicodedata.normalize("NFC", title.lower()))):
            j = vocab.get(t)
            if j is not None:
                title_vec[j] = float(idf[j])
        norm = math.sqrt(sum(v * v for v in title_vec.values())) or 1.0
        title_vec = {j: v / norm for j, v in title_vec.items()}
    return Prepared(sentences, title, toks, Triplets(rows, cols, values, n), title_vec)


def matvec(t: Triplets, v: np.ndarray) -> np.ndarray:
    """``X @ v`` for sentence vectors X (sentences × terms)."""
    return np.bincount(t.rows, weights=t.values * v[t.cols], minlength=t.n_docs)


def rmatvec(t: Triplets, p: np.ndarray, n_terms: int) -> np.ndarray:
    """``X.T @ p``."""
    return np.bincount(t.cols, weights=t.values * p[t.rows], minlength=n_terms)


def lexrank(t: Triplets, damping: float = 0.15, iterations: int = 50, tol: float = 1e-4) -> np.ndarray:
    """Continuous LexRank (Erkan & Radev 2004) without building the similarity matrix.

    The sentence-similarity matrix S = X Xᵀ (minus its diagonal) is only ever
    multiplied by vectors, as X (Xᵀ v) − v, so time and memory stay linear in
    the number of sentences: a 10,000-sentence document is fine.
    Returns stationary probabilities (they sum to 1).
    """
    n = t.n_docs
    if n == 0:
        return np.zeros(0)
    n_terms = int(t.cols.max()) + 1 if len(t.cols) else 1
    ones = np.ones(n)
    degree = matvec(t, rmatvec(t, ones, n_terms)) - 1.0  # row sums of S without self-links
    degree = np.where(degree > 1e-12, degree, 0.0)
    dangling = degree == 0
    safe = np.where(dangling, 1.0, degree)
    p = ones / n
    for _ in range(iterations):
        q = np.where(dangling, 0.0, p / safe)
        walk = matvec(t, rmatvec(t, q, n_terms)) - q
        walk += p[dangling].sum() / n  # dangling sentences jump anywhere
        new = damping / n + (1.0 - damping) * walk
        new /= new.sum()
        if np.abs(new - p).sum() < tol:
            return new
        p = new
    return p


def title_similarity(prep: Prepared) -> np.ndarray:
    """Cosine of each sentence with the title (zeros without a title)."""
    n = prep.vectors.n_docs
    if not prep.title_vector or n == 0:
        return np.zeros(n)
    n_terms = max(int(prep.vectors.cols.max()) + 1 if len(prep.vectors.cols) else 1, max(prep.title_vector) + 1)
    v = np.zeros(n_terms)
    for j, w in prep.title_vector.items():
        v[j] = w
    return matvec(prep.vectors, v)


def centroid_similarity(prep: Prepared) -> np.ndarray:
    """Cosine of each sentence with the document's centroid."""
    t = prep.vectors
    if t.n_docs == 0 or not len(t.cols):
        return np.zeros(t.n_docs)
    n_terms = int(t.cols.max()) + 1
    c = rmatvec(t, np.ones(t.n_docs), n_terms)
    norm = np.linalg.norm(c) or 1.0
    return matvec(t, c / norm)
