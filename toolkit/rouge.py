"""ROUGE-1/2/L F1 on syllables: lower-cased, diacritics kept, punctuation dropped.

rouge-score's default tokenizer keeps only ``[a-z0-9]`` and would delete most
Vietnamese letters, so the toolkit scores with its own Unicode tokenizer. Used
to make oracle labels for the sentence ranker and by the benchmarks.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

_SYLLABLE = re.compile(r"[^\W_]+")


def syllables(text: str) -> list[str]:
    """Lower-cased syllables and numbers, punctuation dropped.

    >>> syllables("Ủy ban Kiểm tra: 2.822 đảng viên!")
    ['ủy', 'ban', 'kiểm', 'tra', '2', '822', 'đảng', 'viên']
    """
    from toolkit.text import normalize

    return _SYLLABLE.findall(normalize(text.lower()))


def _f1(overlap: int, cand: int, ref: int) -> float:
    if not overlap:
        return 0.0
    p, r = overlap / cand, overlap / ref
    return 2 * p * r / (p + r)


def _ngrams(toks: Sequence[str], n: int) -> Counter:
    return Counter(zip(*(toks[i:] for i in range(n))))


def rouge_n(cand: Sequence[str], ref: Sequence[str], n: int) -> float:
    """ROUGE-N F1 of two token lists."""
    c, r = _ngrams(cand, n), _ngrams(ref, n)
    return _f1(sum((c & r).values()), sum(c.values()), sum(r.values()))


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    if len(a) < len(b):
        a, b = b, a
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b, 1):
            cur.append(prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def rouge_l(cand: Sequence[str], ref: Sequence[str]) -> float:
    """ROUGE-L F1 (summary-level LCS over the joined texts)."""
    return _f1(_lcs(cand, ref), len(cand), len(ref))


def rouge(candidate: str, reference: str) -> dict[str, float]:
    """ROUGE-1, ROUGE-2 and ROUGE-L F1 of a candidate text against a reference.

    >>> rouge("kết nạp đảng viên mới", "kết nạp đảng viên")["rouge1"]
    0.8889
    """
    c, r = syllables(candidate), syllables(reference)
    return {
        "rouge1": round(rouge_n(c, r, 1), 4),
        "rouge2": round(rouge_n(c, r, 2), 4),
        "rougeL": round(rouge_l(c, r), 4),
    }
