"""ROUGE-1/2/L F1 (syllables, diacritics kept) of the summarizer on VietNews dev.

usage: python benchmarks/summarizer_quality.py [--ranker DIR] [--data PATH] [--limit N]

Measures LEAD-1/2/3, centrality and learned (3 sentences) in the same run and
prints a Markdown table; exits 0 with a note when ../shared is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "data" / "vietnews_dev.jsonl"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", default=str(DEFAULT))
    ap.add_argument("--ranker", default=None)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    args = ap.parse_args()
    if not Path(args.data).exists():
        print(f"skipped: {args.data} not found", file=sys.stderr)
        return 0

    from toolkit.docprep import prepare
    from toolkit.rouge import rouge
    from toolkit.summarizer import Centrality, Lead, Learned, Length, select

    docs = [json.loads(line) for line in open(args.data, encoding="utf-8")]
    if args.limit:
        docs = docs[: args.limit]
    systems = {
        "LEAD-1": (Lead(), Length(1)),
        "LEAD-2": (Lead(), Length(2)),
        "LEAD-3": (Lead(), Length(3)),
        "centrality": (Centrality(), Length(3)),
        "learned": (Learned(args.ranker), Length(3)),
    }
    totals = {name: {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0} for name in systems}
    for doc in docs:
        prep = prepare(doc["article"], doc.get("title"))
        for name, (ranker, length) in systems.items():
            scores = ranker.scores(prep)
            lam = ranker.model.mmr_lambda if name == "learned" else 0.7
            # LEAD is the plain first-N baseline: no redundancy removal.
            chosen = list(range(min(length.sentences, len(prep.sentences)))) if name.startswith("LEAD") else select(prep, scores, length, lam)
            text = " ".join(prep.sentences[i].text for i in chosen)
            for k, v in rouge(text, doc["summary"]).items():
                totals[name][k] += v
    result = {name: {k: round(v / len(docs), 4) for k, v in t.items()} for name, t in totals.items()}
    if args.json:
        print(json.dumps({"documents": len(docs), "results": result}, indent=2))
        return 0
    print(f"VietNews dev, {len(docs)} articles, F1 on syllables (lower-cased, diacritics kept)\n")
    print("| system | ROUGE-1 | ROUGE-2 | ROUGE-L |")
    print("|---|---|---|---|")
    for name, r in result.items():
        print(f"| {name} | {r['rouge1']:.4f} | {r['rouge2']:.4f} | {r['rougeL']:.4f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
