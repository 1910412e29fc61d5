"""The command line, driven in-process: outputs parse, errors are one line with exit 1."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import read_jsonl
from toolkit.cli import app
from toolkit.corpus import LABELS

runner = CliRunner()

REPORT = (
    "Hội nghị tổng kết công tác xây dựng Đảng năm 2022\n"
    "Cập nhật: Thứ ba 20/12/2022 - 10:05\n"
    "Năm 2022, toàn Đảng bộ kết nạp 1.215 đảng viên mới, đạt 104% chỉ tiêu; 36 thôn, bản đã có chi bộ.\n"
    "\n"
    "Ủy ban Kiểm tra các cấp đã kiểm tra 58 tổ chức đảng và 143 đảng viên khi có dấu hiệu vi phạm, "
    "thi hành kỷ luật 27 đảng viên, trong đó khai trừ 4 trường hợp.\n"
    "Tin liên quan\n"
)


def run(*args: str, stdin: str | bytes | None = None):
    return runner.invoke(app, list(args), input=stdin)


@pytest.fixture()
def report(tmp_path: Path) -> Path:
    path = tmp_path / "bao_cao.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


def _check_record(rec: dict) -> None:
    assert set(rec) >= {"source", "id", "paragraph", "text", "labels", "scores"}
    assert set(rec["labels"]) <= set(LABELS) and set(rec["scores"]) == set(LABELS)


def test_classify_text_file_jsonl(report: Path) -> None:
    result = run("classify", str(report), "--format", "jsonl")
    assert result.exit_code == 0, result.output
    recs = read_jsonl(result.stdout)
    assert [r["paragraph"] for r in recs] == [0, 1, 2]  # timestamp and "Tin liên quan" dropped
    assert all(r["id"] is None and r["source"] == str(report) for r in recs)
    for r in recs:
        _check_record(r)
    assert recs[1]["text"].startswith("Năm 2022")


def test_classify_keeps_the_original_spelling(tmp_path: Path) -> None:
    path = tmp_path / "cu.txt"
    path.write_text("Uỷ ban Kiểm tra Huyện uỷ kỷ luật khiển trách 3 đảng viên.\n", encoding="utf-8")
    recs = read_jsonl(run("classify", str(path), "-f", "jsonl").stdout)
    assert recs[0]["text"] == "Uỷ ban Kiểm tra Huyện uỷ kỷ luật khiển trách 3 đảng viên."


def test_classify_directory_stdin_and_jsonl(report: Path, tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("Mặt trận Tổ quốc xã tổ chức đối thoại với nhân dân.\n", encoding="utf-8")
    (tmp_path / "skip.md").write_text("không đọc", encoding="utf-8")
    recs = read_jsonl(run("classify", str(tmp_path), "-f", "jsonl").stdout)
    assert [Path(r["source"]).name for r in recs] == ["b.txt", "bao_cao.txt", "bao_cao.txt", "bao_cao.txt"]

    recs = read_jsonl(run("classify", "-", "-f", "jsonl", stdin=REPORT).stdout)
    assert len(recs) == 3 and recs[0]["source"] == "<stdin>"

    jl = tmp_path / "in.jsonl"
    jl.write_text(
        json.dumps({"id": "p-7", "text": "Đoạn một.\nVẫn là đoạn một."}, ensure_ascii=False) + "\n"
        + json.dumps({"text": "Đoạn hai."}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    recs = read_jsonl(run("classify", str(jl), "-f", "jsonl").stdout)
    assert [(r["id"], r["paragraph"]) for r in recs] == [("p-7", 0), (None, 1)]
    assert recs[0]["text"] == "Đoạn một.\nVẫn là đoạn một."


def test_classify_json_csv_and_table(report: Path) -> None:
    recs = json.loads(run("classify", str(report), "-f", "json").stdout)
    assert len(recs) == 3
    rows = list(csv.DictReader(io.StringIO(run("classify", str(report), "-f", "csv").stdout)))
    assert len(rows) == 3 and {"text", "labels", "scores.admission"} <= set(rows[0])
    assert float(rows[1]["scores.admission"]) == recs[1]["scores"]["admission"]
    table = run("classify", str(report), "-f", "table")
    assert table.exit_code == 0 and "bao_cao.txt" in table.stdout


def test_jsonl_lines_are_what_json_dumps_writes() -> None:
    """The JSONL writer's reused C encoder writes exactly what ``json.dumps`` would."""
    from toolkit.output import dumps

    records = [
        {"source": "a\\b.txt", "id": None, "paragraph": 0, "text": 'Ông nói: "hòa giải"\n\t\x01', "labels": []},
        {"scores": {"inspection": 0.1234, "admission": 1e-05, "x": float("nan")}, "ok": True, "n": -3},
        {"nested": [{"k": ["ủy", 2.5]}, [], {}], "line": "\u2028"},
    ]
    for rec in records:
        assert dumps(rec) == json.dumps(rec, ensure_ascii=False)
    with pytest.raises(TypeError):
        dumps({"bad": object()})


def test_classify_threshold_and_explain(report: Path) -> None:
    recs = read_jsonl(run("classify", str(report), "-f", "jsonl", "--threshold", "0").stdout)
    assert all(r["labels"] == list(LABELS) for r in recs)
    recs = read_jsonl(run("classify", str(report), "-f", "jsonl", "--explain").stdout)
    for r in recs:
        assert set(r["explain"]) == set(r["labels"])
        assert all(isinstance(t, str) and t for terms in r["explain"].values() for t in terms)
    assert run("classify", str(report), "--threshold", "1.5").exit_code == 2


def test_empty_file_gives_empty_result(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = run("classify", str(path), "-f", "jsonl")
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(run("classify", str(path), "-f", "json").stdout) == []


def _one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    err = result.stderr.strip()
    assert err.startswith("error: ") and "\n" not in err, err
    for f in fragments:
        assert f in err


def test_bad_inputs_are_one_line_errors(tmp_path: Path) -> None:
    _one_line_error(run("classify", str(tmp_path / "missing.txt")), "missing.txt", "no such file")
    empty_dir = tmp_path / "d"
    empty_dir.mkdir()
    _one_line_error(run("classify", str(empty_dir)), "no .txt files")
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\x00\x01\x02PK\x03\x04" * 20)
    _one_line_error(run("classify", str(binary)), "binary")
    latin = tmp_path / "l.txt"
    latin.write_bytes("Đảng ủy".encode("utf-16-le"))  # no BOM
    _one_line_error(run("classify", str(latin)), "l.txt")
    cp = tmp_path / "cp.txt"
    cp.write_bytes(b"\xd0\xe2ng \xf0y ban\n")
    _one_line_error(run("classify", str(cp)), "cp.txt", "--encoding")
    assert run("classify", str(cp), "--encoding", "cp1258", "-f", "jsonl").exit_code == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "một"}\n{"text": hai}\n', encoding="utf-8")
    _one_line_error(run("classify", str(bad)), "bad.jsonl:2", "malformed JSON")
    notext = tmp_path / "notext.jsonl"
    notext.write_text('{"body": "một"}\n', encoding="utf-8")
    _one_line_error(run("classify", str(notext)), "notext.jsonl:1")


def test_missing_corrupt_and_tampered_models(report: Path, small_model: Path, tmp_path: Path) -> None:
    import shutil

    _one_line_error(run("classify", str(report), "--model", str(tmp_path / "nope")), "no model directory")
    bad = tmp_path / "bad"
    shutil.copytree(small_model, bad)
    (bad / "model.joblib").write_bytes(b"not a model")
    _one_line_error(run("classify", str(report), "--model", str(bad)), "sha256")
    (bad / "manifest.json").write_text("[", encoding="utf-8")
    _one_line_error(run("classify", str(report), "--model", str(bad)), "manifest")


def test_train_then_evaluate(small_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "m"
    result = run("train", str(small_corpus), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and "macro-F1" in result.stderr
    report = json.loads(run("evaluate", str(small_corpus), "--model", str(out), "-f", "json").stdout)
    assert set(report["per_label"]) == set(LABELS)
    assert 0 <= report["macro"]["f1"] <= 1 and 0 <= report["exact_match"] <= 1
    text = run("evaluate", str(small_corpus), "--model", str(out)).stdout
    assert "macro avg" in text and "personnel" in text


def test_train_refuses_bad_data_and_keeps_old_model(small_corpus: Path, small_model: Path, tmp_path: Path) -> None:
    import shutil

    out = tmp_path / "m"
    shutil.copytree(small_model, out)
    before = (out / "model.joblib").read_bytes()
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        small_corpus.read_text(encoding="utf-8")
        + json.dumps({"id": "zz", "text": "Văn bản lạ", "labels": ["economy"]}) + "\n",
        encoding="utf-8",
    )
    _one_line_error(run("train", str(bad), "--out", str(out)), "unknown label 'economy'")
    few = tmp_path / "few.jsonl"
    few.write_text(
        "".join(json.dumps({"text": f"Kết nạp {i} đảng viên", "labels": ["admission"]}) + "\n" for i in range(3)),
        encoding="utf-8",
    )
    _one_line_error(run("train", str(few), "--out", str(out)), "at least 5")
    assert (out / "model.joblib").read_bytes() == before


def test_corpus_check_reports_file_and_line(tmp_path: Path, small_corpus: Path) -> None:
    ok = run("corpus", "check", str(small_corpus))
    assert ok.exit_code == 0 and "total=" in ok.stdout
    bad = tmp_path / "bad.jsonl"
    bad.write_text(small_corpus.read_text(encoding="utf-8") + "{oops\n", encoding="utf-8")
    result = run("corpus", "check", str(bad))
    n = len(small_corpus.read_text(encoding="utf-8").splitlines()) + 1
    assert result.exit_code == 1 and f"{bad}:{n}: malformed JSON" in result.stdout


@pytest.mark.parametrize("command", [[], ["classify"], ["train"], ["evaluate"], ["corpus", "check"], ["summarize"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0 and "Usage" in result.stdout
