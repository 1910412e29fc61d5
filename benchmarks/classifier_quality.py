"""Macro-F1 of a classifier on real paragraphs, beside the guide's keyword rules.

usage: python benchmarks/classifier_quality.py [--model DIR] [--data PATH | --news] [--json]

By default the data are the 201 labeled dev paragraphs of ../shared/data. With
201 paragraphs one error moves a label's F1 by 2–4 points, so the macro-F1 is
shown with a 95% bootstrap interval (1,000 resamples of the paragraphs).

``--news`` scores 800 paragraphs of general politics-and-society news instead
(VNTC, ../shared/data/vntc_xh.jsonl.gz), whose labels this project made by the
guide and keeps in benchmarks/news_labels.jsonl as (article id, paragraph index,
labels): no text is copied. 640 were drawn among paragraphs holding a typical
phrase of some theme and 160 among the rest, so the set tests whether theme words
in news about other things are mistaken for theme work. It has no admission
paragraph: its macro-F1 is over the three other labels, and the share of "none"
paragraphs given some label is shown too. One annotator pass, not adjudicated;
holding state officials to account for violations ("làm rõ trách nhiệm", "cách chức")
is labeled `inspection` throughout, by the guide's "holding collectives and
individuals to account", and routine state checks and National Assembly supervision none.

The keyword baseline labels a paragraph with a theme when any phrase of that
theme's "typical phrases" column in ANNOTATION.md occurs in it (case-folded,
tone marks normalized). Exits 0 with a note when ../shared is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "data" / "dev_paragraphs.jsonl"
VNTC = ROOT.parent / "shared" / "data" / "vntc_xh.jsonl.gz"
NEWS_LABELS = ROOT / "benchmarks" / "news_labels.jsonl"

# The "typical phrases" column of ../shared/ANNOTATION.md, verbatim.
KEYWORDS = {
    "inspection": [
        "kiểm tra", "giám sát", "ủy ban kiểm tra", "dấu hiệu vi phạm", "thi hành kỷ luật", "khiển trách",
        "cảnh cáo", "cách chức", "khai trừ", "khiếu nại", "tố cáo", "kiểm soát quyền lực",
        "kê khai tài sản", "làm rõ trách nhiệm",
    ],
    "admission": [
        "kết nạp", "phát triển đảng viên", "đảng viên mới", "quần chúng ưu tú", "đối tượng kết nạp",
        "cảm tình đảng", "công nhận đảng viên chính thức", "thẻ đảng viên", "tỷ lệ phát triển đảng viên",
    ],
    "mobilization": [
        "dân vận", "mặt trận tổ quốc", "đoàn thể", "quy chế dân chủ ở cơ sở", "đối thoại với nhân dân",
        "tiếp xúc cử tri", "dân vận khéo", "ban thanh tra nhân dân", "giám sát đầu tư của cộng đồng",
        "hương ước", "quy ước", "đồng thuận xã hội",
    ],
    "personnel": [
        "công tác cán bộ", "quy hoạch", "đào tạo", "bồi dưỡng", "luân chuyển", "điều động", "bổ nhiệm",
        "đề bạt", "giới thiệu ứng cử", "nhân sự đại hội", "đánh giá cán bộ", "tinh giản biên chế",
        "vị trí việc làm", "sắp xếp tổ chức bộ máy", "lý luận chính trị",
    ],
}


def keyword_labels(text: str) -> set[str]:
    """Themes whose typical phrases occur in ``text``."""
    from toolkit.text import normalize

    low = " ".join(normalize(text.lower()).split())
    return {label for label, phrases in KEYWORDS.items() if any(normalize(p) in low for p in phrases)}


def bootstrap_interval(gold: list[set[str]], pred: list[set[str]], labels, n: int = 1000) -> tuple[float, float]:
    """2.5th and 97.5th percentiles of macro-F1 over resamples of the paragraphs."""
    import numpy as np

    from toolkit.metrics import multilabel_report

    rng = np.random.default_rng(0)
    scores = []
    for _ in range(n):
        idx = rng.integers(0, len(gold), len(gold))
        scores.append(multilabel_report([gold[i] for i in idx], [pred[i] for i in idx], labels)["macro"]["f1"])
    lo, hi = np.percentile(scores, [2.5, 97.5])
    return float(lo), float(hi)


def news_examples() -> list[tuple[str, list[str]]]:
    """The labeled news paragraphs: texts from VNTC, labels from NEWS_LABELS."""
    import gzip

    wanted: dict[str, dict[int, list[str]]] = {}
    for line in NEWS_LABELS.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        wanted.setdefault(item["vntc"], {})[item["paragraph"]] = item["labels"]
    found: dict[tuple[str, int], tuple[str, list[str]]] = {}
    with gzip.open(VNTC, "rt", encoding="utf-8") as fh:
        for line in fh:
            article = json.loads(line)
            for i, labels in wanted.get(article["id"], {}).items():
                found[article["id"], i] = (article["paragraphs"][i].strip(), labels)
    return [found[doc, i] for doc, paras in wanted.items() for i in paras]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", default=str(DEFAULT))
    ap.add_argument("--news", action="store_true", help="score the labeled VNTC news paragraphs instead")
    ap.add_argument("--model", default=None)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    source = VNTC if args.news else Path(args.data)
    if not source.exists():
        print(f"skipped: {source} not found", file=sys.stderr)
        return 0

    from toolkit.classifier import load
    from toolkit.corpus import LABELS, read_labeled
    from toolkit.metrics import multilabel_report

    if args.news:
        pairs = news_examples()
        title = f"{len(pairs)} labeled news paragraphs (VNTC, {NEWS_LABELS.name})"
    else:
        pairs = [(e.text, list(e.labels)) for e in read_labeled([args.data])]
        title = f"{len(pairs)} real dev paragraphs ({Path(args.data).name})"
    texts = [text for text, _ in pairs]
    gold = [set(labels) for _, labels in pairs]
    labels = [lab for lab in LABELS if any(lab in g for g in gold)]
    predicted = [set(p.labels) for p in load(args.model).predict(texts)]
    model = multilabel_report(gold, predicted, labels)
    model["macro_f1_95ci"] = bootstrap_interval(gold, predicted, labels)
    guessed = [keyword_labels(text) for text in texts]
    keywords = multilabel_report(gold, guessed, labels)
    nones = [i for i, g in enumerate(gold) if not g]
    for report, pred in ((model, predicted), (keywords, guessed)):
        report["none_given_a_label"] = round(sum(bool(pred[i]) for i in nones) / max(1, len(nones)), 4)
    if args.json:
        print(json.dumps({"model": model, "keywords": keywords}, ensure_ascii=False, indent=2))
        return 0
    print(title + "\n")
    print("| label | model P | model R | model F1 | keywords P | keywords R | keywords F1 | support |")
    print("|---|---|---|---|---|---|---|---|")
    for lab in labels:
        m, k = model["per_label"][lab], keywords["per_label"][lab]
        print(f"| {lab} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {k['precision']:.3f} | "
              f"{k['recall']:.3f} | {k['f1']:.3f} | {m['support']} |")
    for name in ("macro", "micro"):
        m, k = model[name], keywords[name]
        print(f"| **{name}** | {m['precision']:.3f} | {m['recall']:.3f} | **{m['f1']:.3f}** | {k['precision']:.3f} | "
              f"{k['recall']:.3f} | **{k['f1']:.3f}** | |")
    print(f"| exact match | | | {model['exact_match']:.3f} | | | {keywords['exact_match']:.3f} | |")
    print(f"| none given a label ({len(nones)}) | | | {model['none_given_a_label']:.3f} | | | "
          f"{keywords['none_given_a_label']:.3f} | |")
    lo, hi = model["macro_f1_95ci"]
    print(f"\nmodel macro-F1 95% bootstrap interval: {lo:.3f}–{hi:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
