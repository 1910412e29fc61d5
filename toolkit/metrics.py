"""Multi-label scores: per-label precision / recall / F1, micro and macro F1."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def _name(labels: set[str] | frozenset[str]) -> str:
    return "+".join(sorted(labels)) or "none"


def multilabel_report(
    gold: Sequence[set[str]], pred: Sequence[set[str]], labels: Sequence[str], top: int = 8
) -> dict[str, Any]:
    """Scores of predicted label sets against gold ones.

    Macro-F1 is the mean of the per-label F1s; ``confusions`` counts the most
    frequent (gold → predicted) label-set mistakes, "none" for the empty set.

    >>> multilabel_report([{"admission"}, set()], [{"admission"}, {"personnel"}],
    ...                   ["admission", "personnel"])["macro"]["f1"]
    0.5
    """
    per_label: dict[str, dict[str, Any]] = {}
    totals = Counter()
    for lab in labels:
        tp = sum(lab in g and lab in p for g, p in zip(gold, pred))
        fp = sum(lab not in g and lab in p for g, p in zip(gold, pred))
        fn = sum(lab in g and lab not in p for g, p in zip(gold, pred))
        per_label[lab] = {**_prf(tp, fp, fn), "support": tp + fn}
        totals.update(tp=tp, fp=fp, fn=fn)
    macro = {
        k: round(sum(per_label[lab][k] for lab in labels) / len(labels), 4)
        for k in ("precision", "recall", "f1")
    }
    mistakes = Counter(
        (_name(g), _name(p)) for g, p in zip(gold, pred) if set(g) & set(labels) != set(p)
    )
    return {
        "items": len(gold),
        "per_label": per_label,
        "micro": _prf(totals["tp"], totals["fp"], totals["fn"]),
        "macro": macro,
        "exact_match": round(
            sum(set(g) & set(labels) == set(p) for g, p in zip(gold, pred)) / max(1, len(gold)), 4
        ),
        "confusions": [
            {"gold": g, "predicted": p, "count": c} for (g, p), c in mistakes.most_common(top)
        ],
    }
