"""Reading and checking labeled data in JSONL, fastText and CSV."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CORPUS
from toolkit.corpus import LABELS, check, examples_sha256, load, read_labeled
from toolkit.errors import CorpusError

TEXTS = [
    "Huyện ủy kết nạp {n} đảng viên mới trong quý I.",
    "Ủy ban Kiểm tra Huyện ủy kiểm tra {n} tổ chức đảng có dấu hiệu vi phạm.",
    "Ban Dân vận tổ chức {n} cuộc đối thoại giữa lãnh đạo xã với nhân dân.",
    "Tỉnh ủy điều động, luân chuyển {n} cán bộ về cơ sở.",
    "Lễ kỷ niệm {n} năm thành lập huyện diễn ra trang trọng.",
]


def _rows(n: int = 5) -> list[tuple[str, list[str]]]:
    rows = []
    for i in range(n):
        for text, label in zip(TEXTS, [*LABELS, None]):
            rows.append((text.format(n=i + 2), [label] if label else []))
    return rows


def _write_jsonl(path: Path, rows) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for i, (text, labels) in enumerate(rows):
            fh.write(json.dumps({"id": f"x{i}", "text": text, "labels": labels}, ensure_ascii=False) + "\n")
    return path


def test_three_formats_read_the_same_examples(tmp_path: Path) -> None:
    rows = _rows()
    jl = _write_jsonl(tmp_path / "a.jsonl", rows)
    ft = tmp_path / "b.txt"
    ft.write_text(
        "".join(" ".join([f"__label__{x}" for x in labels] or ["__label__none"]) + " " + text + "\n" for text, labels in rows),
        encoding="utf-8",
    )
    cs = tmp_path / "c.csv"
    cs.write_text(
        "text,labels\n" + "".join(f"\"{text}\",{';'.join(labels)}\n" for text, labels in rows), encoding="utf-8"
    )
    hashes = {examples_sha256(load([p])) for p in (jl, ft, cs)}
    assert len(hashes) == 1
    assert len(load([jl])) == len(rows)


def test_problems_name_file_and_line(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "a.jsonl", _rows())
    with open(path, "a", encoding="utf-8") as fh:
        fh.write('{"id": "bad", "text": "Thiếu dấu đóng", "labels": ["admission"]\n')
        fh.write(json.dumps({"id": "u", "text": "Văn bản mới", "labels": ["discipline"]}) + "\n")
        fh.write(json.dumps({"id": "d", "text": TEXTS[0].format(n=2), "labels": ["admission"]}) + "\n")
        fh.write(json.dumps({"id": "e", "text": "  ", "labels": []}) + "\n")
    report = check([path])
    lines = 5 * 5
    assert report.problems[0].startswith(f"{path}:{lines + 1}: malformed JSON")
    assert report.problems[1].startswith(f"{path}:{lines + 2}: unknown label 'discipline'")
    assert report.problems[2].startswith(f"{path}:{lines + 3}: same text as")
    assert report.problems[3] == f"{path}:{lines + 4}: empty text"
    with pytest.raises(CorpusError, match="malformed JSON"):
        load([path])


def test_a_label_with_fewer_than_five_examples_is_refused(tmp_path: Path) -> None:
    rows = [r for r in _rows() if r[1] != ["personnel"]] + [("Tỉnh ủy bổ nhiệm 1 cán bộ.", ["personnel"])]
    path = _write_jsonl(tmp_path / "a.jsonl", rows)
    with pytest.raises(CorpusError, match="'personnel' has 1 examples"):
        load([path])


def test_fasttext_line_without_label_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_text("__label__admission Kết nạp 5 đảng viên.\nKhông có nhãn nào\n", encoding="utf-8")
    report = check([path])
    assert any(p.startswith(f"{path}:2: no __label__") for p in report.problems)


def test_evaluation_data_may_repeat_and_be_small(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "dev.jsonl", [("Kết nạp đảng viên.", ["admission"])] * 2)
    assert len(read_labeled([path])) == 2


def test_directory_without_data_files(tmp_path: Path) -> None:
    from toolkit.errors import InputError

    with pytest.raises(InputError, match="no .jsonl"):
        check([tmp_path])


def test_shipped_corpus_is_clean_and_large_enough() -> None:
    report = check([CORPUS])
    assert report.problems == []
    counts = report.counts()
    assert counts["total"] >= 2000
    assert all(counts[label] >= 350 for label in LABELS), counts
    assert counts["none"] >= 500 and counts["multi"] >= 250, counts


def test_shipped_corpus_is_nfc_and_has_ids() -> None:
    import unicodedata

    for f in sorted(CORPUS.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            obj = json.loads(line)
            assert obj["id"] and unicodedata.is_normalized("NFC", obj["text"]), (f, obj["id"])
