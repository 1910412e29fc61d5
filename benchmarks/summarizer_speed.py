"""Speed and memory of `toolkit summarize`, beside sumy's LexRank in the same run.

usage: python benchmarks/summarizer_speed.py [--docs N] [--json]

1. documents per second (after start-up) on VietNews dev articles, 3 sentences,
   for toolkit's learned and centrality rankers and for sumy's LexRank given the
   same Vietnamese sentence and word splitter (install sumy in the benchmark
   environment only: `pip install sumy`; it is not a toolkit dependency);
2. one synthetic 10,000-sentence document: seconds, and peak traced memory at
   2,500 / 5,000 / 10,000 sentences (linear growth keeps bytes per sentence flat).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "data" / "vietnews_dev.jsonl"


def sumy_lexrank():
    """sumy's LexRank with toolkit's splitter, or None when sumy is not installed."""
    try:
        from sumy.parsers.plaintext import PlaintextParser
        from sumy.summarizers.lex_rank import LexRankSummarizer
    except ImportError:
        return None
    from toolkit.text import sentence_spans, tokens

    class VietnameseTokenizer:
        language = "vietnamese"

        def to_sentences(self, paragraph: str) -> list[str]:
            return [s.text for s in sentence_spans(paragraph)]

        def to_words(self, sentence: str) -> list[str]:
            return tokens(sentence)

    tokenizer = VietnameseTokenizer()
    summarizer = LexRankSummarizer()

    def run(text: str) -> list[str]:
        parser = PlaintextParser.from_string(text, tokenizer)
        return [str(s) for s in summarizer(parser.document, 3)]

    return run


def synthetic(n: int, seed: int = 0) -> str:
    """A report-like document of n sentences built from a small Vietnamese vocabulary."""
    words = (
        "đảng viên cán bộ kiểm tra giám sát dân vận nhân dân kết nạp chi bộ huyện xã tỉnh "
        "công tác năm kết quả thực hiện nghị quyết đoàn thể mặt trận quy hoạch đào tạo"
    ).split()
    rng = random.Random(seed)
    sentences = []
    for i in range(n):
        body = " ".join(rng.choice(words) for _ in range(rng.randint(8, 25)))
        sentences.append(body.capitalize() + f" với {rng.randint(2, 900)} người.")
        if i % 6 == 5:
            sentences.append("\n")
    return " ".join(sentences)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=500)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from toolkit.summarizer import Length, make_ranker, summarize_text

    results: dict[str, object] = {}
    if DEV.exists():
        docs = [json.loads(line) for line in open(DEV, encoding="utf-8")][: args.docs]
        rates = {}
        for name in ("learned", "centrality"):
            ranker = make_ranker(name)
            summarize_text(docs[0]["article"], docs[0]["title"], ranker)  # load models first
            start = time.perf_counter()
            for d in docs:
                summarize_text(d["article"], d["title"], ranker, Length(3))
            rates[name] = round(len(docs) / (time.perf_counter() - start), 1)
        lexrank = sumy_lexrank()
        if lexrank is not None:
            start = time.perf_counter()
            for d in docs:
                lexrank(d["article"])
            rates["sumy LexRank"] = round(len(docs) / (time.perf_counter() - start), 1)
        results["docs_per_second"] = {"documents": len(docs), **rates}

    learned = make_ranker("learned")
    big = synthetic(10_000)
    start = time.perf_counter()
    out = summarize_text(big, ranker=learned, length=Length(3))
    results["long_document"] = {
        "sentences": 10_000,
        "seconds": round(time.perf_counter() - start, 2),
        "digest_sentences": len(out["summary"]),
    }
    memory = {}
    for n in (2_500, 5_000, 10_000):
        text = synthetic(n)
        tracemalloc.start()
        summarize_text(text, ranker=learned, length=Length(3))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        memory[n] = {"peak_mb": round(peak / 1e6, 1), "bytes_per_sentence": round(peak / n)}
    results["memory"] = memory

    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    if "docs_per_second" in results:
        r = results["docs_per_second"]
        print(f"VietNews dev, {r['documents']} articles, 3-sentence digests, one core, after start-up:\n")
        print("| summarizer | documents/s | ratio to sumy LexRank |")
        print("|---|---|---|")
        base = r.get("sumy LexRank")
        for name in ("learned", "centrality", "sumy LexRank"):
            if name in r:
                ratio = f"{r[name] / base:.1f}×" if base else "–"
                print(f"| {name} | {r[name]} | {ratio} |")
        print()
    ld = results["long_document"]
    print(f"10,000-sentence document: {ld['seconds']} s (target ≤ 2 s)\n")
    print("| sentences | peak traced memory | bytes per sentence |")
    print("|---|---|---|")
    for n, m in memory.items():
        print(f"| {n:,} | {m['peak_mb']} MB | {m['bytes_per_sentence']:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
