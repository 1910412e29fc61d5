"""Digests: ordered subsets of the document's sentences, traceable by offsets."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import SHARED, needs_shared, read_jsonl
from toolkit.cli import app
from toolkit.docprep import lexrank, prepare
from toolkit.figures import figures, parse_number
from toolkit.rouge import rouge
from toolkit.summarizer import Length, make_ranker, select, summarize_text

runner = CliRunner()

DOC = (
    "Huyện ủy Tân Phước tổng kết công tác xây dựng Đảng năm 2023\n"
    "Cập nhật: 15/01/2024 - 09:12\n"
    "Năm 2023, Đảng bộ huyện kết nạp 187 đảng viên mới, đạt 112% chỉ tiêu. Có 9 ấp đã xóa được tình trạng chưa có đảng viên.\n"
    "Ủy ban Kiểm tra Huyện ủy đã kiểm tra 14 tổ chức đảng và 36 đảng viên khi có dấu hiệu vi phạm. "
    "Qua kiểm tra, đã thi hành kỷ luật 11 đảng viên, trong đó khai trừ 2 trường hợp.\n"
    "Công tác cán bộ được thực hiện chặt chẽ: Ban Thường vụ Huyện ủy điều động, luân chuyển 23 cán bộ và bổ nhiệm 8 lãnh đạo cấp phòng.\n"
    "Mặt trận Tổ quốc và các đoàn thể tổ chức 42 cuộc đối thoại với nhân dân, vận động người dân hiến 12.500 m2 đất làm đường.\n"
    "Hội nghị cũng biểu dương 15 tập thể có thành tích xuất sắc.\n"
    "Tin liên quan\n"
)


@pytest.mark.parametrize("method", ["lead", "centrality", "learned"])
def test_digest_is_an_ordered_subset_with_offsets(method: str) -> None:
    d = summarize_text(DOC, ranker=make_ranker(method), length=Length(3))
    idx = [s["index"] for s in d["summary"]]
    assert len(idx) == 3 and idx == sorted(set(idx))
    for s in d["summary"]:
        assert DOC[s["start"] : s["end"]] == s["text"]
    assert d["text"] == " ".join(s["text"] for s in d["summary"])
    assert d["title"].startswith("Huyện ủy Tân Phước")
    assert all("Tin liên quan" not in s["text"] and "Cập nhật" not in s["text"] for s in d["summary"])


def test_identical_sentences_stay_distinct() -> None:
    doc = "Câu một lặp lại. Câu hai khác hẳn. Câu một lặp lại. Câu bốn cuối cùng."
    d = summarize_text(doc, ranker=make_ranker("lead"), length=Length(4))
    assert [s["index"] for s in d["summary"]] == [0, 1, 2, 3]


def test_a_caption_printed_twice_is_not_a_digest_sentence() -> None:
    caption = "Đồng chí Bí thư Huyện ủy trao giấy khen cho các chi bộ tiêu biểu."
    doc = DOC.replace("Cập nhật: 15/01/2024 - 09:12\n", f" {caption}\n{caption}\n")
    d = summarize_text(doc, ranker=make_ranker("lead"), length=Length(2))
    assert caption not in [s["text"] for s in d["summary"]]
    assert d["summary"][0]["text"].startswith("Năm 2023, Đảng bộ huyện kết nạp")
    only = summarize_text(f"{caption}\n{caption}\n", ranker=make_ranker("lead"))
    assert [s["text"] for s in only["summary"]] == [caption]  # nothing else to say


def test_empty_and_one_sentence_documents() -> None:
    assert summarize_text("", ranker=make_ranker("learned"))["summary"] == []
    one = summarize_text("Huyện ủy kết nạp 5 đảng viên.", ranker=make_ranker("learned"))
    assert [s["text"] for s in one["summary"]] == ["Huyện ủy kết nạp 5 đảng viên."]


def test_length_options() -> None:
    lead = make_ranker("lead")
    assert len(summarize_text(DOC, ranker=lead, length=Length(ratio=0.5))["summary"]) == 4  # ceil(0.5 × 8)
    d = summarize_text(DOC, ranker=lead, length=Length(words=40))
    assert 1 <= len(d["summary"]) and sum(len(s["text"].split()) for s in d["summary"]) <= 40
    d = summarize_text(DOC, ranker=lead, length=Length(words=1))
    assert len(d["summary"]) == 1  # at least one sentence


def test_mmr_avoids_saying_the_same_thing_twice() -> None:
    a = "Tỉnh ủy kết nạp 500 đảng viên mới trong năm."
    doc = f"{a} {a[:-1]} đó. Ban Dân vận tổ chức đối thoại với nông dân. Thời tiết đẹp."
    prep = prepare(doc)
    scores = np.array([1.0, 0.99, 0.5, 0.1])
    assert select(prep, scores, Length(2), mmr_lambda=0.5) == [0, 2]
    assert select(prep, scores, Length(2), mmr_lambda=1.0) == [0, 1]


def test_lexrank_is_a_distribution_and_scales_linearly() -> None:
    words = "đảng viên cán bộ kiểm tra dân vận nhân dân kết nạp chi bộ huyện xã tỉnh".split()
    rng = np.random.default_rng(0)
    doc = " ".join(" ".join(rng.choice(words, 12)).capitalize() + "." for _ in range(10000))
    prep = prepare(doc)
    assert len(prep.sentences) == 10000
    p = lexrank(prep.vectors)
    assert p.shape == (10000,) and abs(p.sum() - 1) < 1e-9 and (p > 0).all()


def test_by_theme_digest_and_key_figures() -> None:
    d = summarize_text(DOC, ranker=make_ranker("learned"), length=Length(2), by_theme=True)
    themes = {t["label"]: t for t in d["themes"]}
    assert set(themes) <= {"inspection", "admission", "mobilization", "personnel"}
    for t in themes.values():
        assert 1 <= len(t["sentences"]) <= 2 and t["name"]
        for s in t["sentences"]:
            assert DOC[s["start"] : s["end"]] == s["text"]
        for f in t["figures"]:
            assert f["text"] in prepare(DOC).sentences[f["sentence"]].text
    if "admission" in themes:
        assert any(f["value"] == 187 and f["unit"].startswith("đảng viên") for f in themes["admission"]["figures"])


@pytest.mark.parametrize(
    "raw,value", [("2.822", 2822.0), ("69,56", 69.56), ("1.234.567", 1234567.0), ("3", 3.0), ("0,5", 0.5)]
)
def test_vietnamese_numbers(raw: str, value: float) -> None:
    assert parse_number(raw) == value


def test_figures_skip_dates_years_and_document_numbers() -> None:
    s = "Ngày 13/12/2019, theo Chỉ thị số 35-CT/TW, năm 2020 tỉnh có 2.822 đảng viên, tỷ lệ 69,56%."
    assert [(f.value, f.unit) for f in figures(s)] == [(2822.0, "đảng viên"), (69.56, "%")]
    assert [(f.value, f.unit) for f in figures("Kết nạp 8,8 nghìn đảng viên")] == [(8800.0, "đảng viên")]


def test_rouge_keeps_vietnamese_letters() -> None:
    r = rouge("Ủy ban kiểm tra", "ủy ban kiểm tra")
    assert r == {"rouge1": 1.0, "rouge2": 1.0, "rougeL": 1.0}
    assert rouge("đảng", "dang")["rouge1"] == 0.0  # diacritics matter


def test_cli_summarize_formats(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text(DOC, encoding="utf-8")
    rec = read_jsonl(runner.invoke(app, ["summarize", str(path), "-f", "jsonl"]).stdout)[0]
    assert set(rec) >= {"source", "id", "summary", "text"} and len(rec["summary"]) == 3
    for s in rec["summary"]:
        assert set(s) == {"index", "start", "end", "text", "score"}
    md = runner.invoke(app, ["summarize", str(path), "--by-theme", "-f", "markdown"]).stdout
    assert md.startswith("# Huyện ủy Tân Phước") and "## Tóm tắt" in md and "## Theo chủ đề" in md
    text = runner.invoke(app, ["summarize", str(path), "-n", "2", "-f", "text"]).stdout
    assert len(text.strip().splitlines()) == 3  # header + 2 sentences
    both = runner.invoke(app, ["summarize", str(path), "-n", "2", "--words", "20"])
    assert both.exit_code == 2


def test_cli_summarize_jsonl_input_and_errors(tmp_path: Path) -> None:
    jl = tmp_path / "docs.jsonl"
    jl.write_text(
        json.dumps({"id": "a", "title": "Tiêu đề", "text": "Câu một. Câu hai."}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "b", "text": ""}) + "\n",
        encoding="utf-8",
    )
    recs = read_jsonl(runner.invoke(app, ["summarize", str(jl), "-f", "jsonl"]).stdout)
    assert [r["id"] for r in recs] == ["a", "b"] and recs[1]["summary"] == [] and recs[0]["title"] == "Tiêu đề"
    bad = runner.invoke(app, ["summarize", str(tmp_path / "none.txt")])
    assert bad.exit_code == 1 and bad.stderr.startswith("error:") and "Traceback" not in bad.output
    bad_ranker = runner.invoke(app, ["summarize", str(jl), "--ranker", str(tmp_path)])
    assert bad_ranker.exit_code == 1 and "model" in bad_ranker.stderr


@needs_shared
def test_learned_ranker_beats_lead3_on_a_sample() -> None:
    docs = [json.loads(line) for line in open(SHARED / "data" / "vietnews_dev.jsonl", encoding="utf-8")][:150]
    totals = {"lead": 0.0, "learned": 0.0}
    for name in totals:
        ranker = make_ranker(name)
        for d in docs:
            out = summarize_text(d["article"], d["title"], ranker, Length(3))
            totals[name] += rouge(out["text"], d["summary"])["rouge2"]
    assert totals["learned"] > totals["lead"]


def test_ranker_manifest_and_training(tmp_path: Path) -> None:
    from toolkit import ranker
    from toolkit.modelstore import default_model_dir

    m = json.loads((default_model_dir("ranker") / "manifest.json").read_text(encoding="utf-8"))
    assert m["kind"] == "ranker" and m["features"] == list(ranker.FEATURES)
    data = tmp_path / "pairs.jsonl"
    rows = [
        {"title": f"Tỉnh {i} kết nạp đảng viên", "article": f"Tỉnh {i} kết nạp {i + 10} đảng viên.\nTrời mưa.\nNgười dân vui.",
         "summary": f"Tỉnh {i} kết nạp {i + 10} đảng viên mới."}
        for i in range(30)
    ]
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    result = runner.invoke(app, ["train-summarizer", str(data), "--out", str(tmp_path / "rk"), "--max-documents", "30"])
    assert result.exit_code == 0, result.output
    d = summarize_text("Tỉnh A kết nạp 9 đảng viên.\nTrời mưa.\nNgười dân vui.", ranker=make_ranker("learned", tmp_path / "rk"), length=Length(1))
    assert d["summary"][0]["index"] == 0
