"""Training, prediction, persistence and the shipped model."""

from __future__ import annotations

import json
import unicodedata
import shutil
from pathlib import Path

import numpy as np
import pytest

from conftest import CORPUS, SHARED, needs_shared
from toolkit import classifier, corpus
from toolkit.errors import ModelError
from toolkit.features import Vectorizer, grams, linear_scores
from toolkit.modelstore import ARTIFACT, MANIFEST, default_model_dir, sha256_bytes

PARAS = [
    "Năm 2021, Đảng bộ huyện kết nạp 215 đảng viên mới, đạt 107% chỉ tiêu.",
    "Ủy ban Kiểm tra Tỉnh ủy thi hành kỷ luật cảnh cáo 2 đảng viên vi phạm.",
    "Sáng nay, trời mưa to ở nhiều nơi.",
    "",
]


def test_tfidf_matches_scikit_learn(small_corpus: Path) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [ex.text for ex in corpus.load([small_corpus])]
    ours = Vectorizer(ngram_max=2, min_df=2).fit(texts)
    theirs = TfidfVectorizer(analyzer=lambda t: grams(t, 2), sublinear_tf=True, min_df=2).fit(texts)
    assert ours.terms_ == list(theirs.get_feature_names_out())
    a = ours.transform_matrix(texts[:50]).toarray()
    b = theirs.transform(texts[:50]).toarray()
    assert np.allclose(a, b)
    # The vectorized tokenizer sees what text.tokens sees, whatever the spelling or
    # the batch: case, old-style tone marks, decomposed input, numbers and
    # punctuation inside words, separators and letters outside the BMP.
    tricky = [
        texts[0].upper(),
        unicodedata.normalize("NFD", texts[1]),
        texts[2].replace("ủy", "uỷ").replace("hòa", "hoà"),
        "TP.HCM kết\x00nạp 306 đảng viên;Ủy ban kiểm tra",
        "𝐀𝐁 kết nạp 𝟏𝟐 đảng viên İstanbul",
        "",
        " ".join(texts[:3]),
    ]
    for batch in (tricky, tricky[:1], tricky[3:4]):
        assert np.allclose(ours.transform_matrix(batch).toarray(), theirs.transform(batch).toarray())


def test_hash_index_finds_every_key_and_nothing_else() -> None:
    from toolkit.features import _HashIndex

    rng = np.random.default_rng(0)
    for n in (0, 1, 7, 50_000):
        keys = np.unique(rng.integers(0, 2**63, n, dtype=np.int64).astype(np.uint64))
        index = _HashIndex(keys, np.arange(len(keys)))
        absent = rng.integers(0, 2**63, 1000, dtype=np.int64).astype(np.uint64)
        absent = absent[~np.isin(absent, keys)]
        assert (index.get(keys) == np.arange(len(keys))).all()
        assert (index.get(absent) == -1).all()
        assert (index.get(np.zeros(3, dtype=np.uint64)) == -1).all() or 0 in keys
        # Rebuilt from keys in table order, the index is the same.
        again = _HashIndex(keys[index.order], np.arange(len(keys))[index.order])
        assert (again.get(keys) == np.arange(len(keys))).all()


def test_numpy_scores_equal_sparse_matrix_product(small_model: Path) -> None:
    clf = classifier.load(small_model)
    X = clf.vectorizer.transform_matrix(PARAS)
    expected = X @ clf.coef + clf.intercept
    got = linear_scores(clf.vectorizer.transform(PARAS), clf.coef, clf.intercept)
    assert np.allclose(got, expected)


def test_predictions_are_known_labels_over_their_thresholds(small_model: Path) -> None:
    clf = classifier.load(small_model)
    preds = clf.predict(PARAS)
    assert len(preds) == len(PARAS)
    for pred in preds:
        assert set(pred.scores) == set(corpus.LABELS)
        assert all(0.0 <= p <= 1.0 for p in pred.scores.values())
        for k, label in enumerate(clf.labels):
            assert (label in pred.labels) == (pred.scores[label] >= clf.thresholds[k] - 1e-4)
    assert all(p.labels == [] for p in clf.predict(PARAS, threshold=1.0))
    assert all(p.labels == list(corpus.LABELS) for p in clf.predict(PARAS, threshold=0.0))


def test_explain_gives_terms_of_the_paragraph(small_model: Path) -> None:
    clf = classifier.load(small_model)
    terms = clf.explain(PARAS[0], "admission")
    assert terms and all(t in grams(PARAS[0], 2) for t, _ in terms)
    assert all(w > 0 for _, w in terms)


def test_classify_records_do_not_depend_on_batching(small_model: Path, tmp_path: Path, monkeypatch) -> None:
    texts = [f"Đoạn {i}: " + PARAS[i % 3] + " Hội nghị bàn công tác năm tới." * (i % 5) for i in range(60)]
    report = tmp_path / "report.txt"
    report.write_text("\n\n".join(texts), encoding="utf-8")
    whole = list(classifier.classify_paths([str(report)], model_dir=small_model))
    monkeypatch.setattr(classifier, "_BATCH_CHARS", 300)  # a few paragraphs a batch
    batched = list(classifier.classify_paths([str(report)], model_dir=small_model, batch_size=7))
    assert batched == whole
    assert [r["paragraph"] for r in whole] == list(range(len(texts)))
    assert [r["text"] for r in whole] == texts


def test_training_is_deterministic(small_corpus: Path, small_model: Path, tmp_path: Path) -> None:
    artifact, manifest = classifier.train(corpus.load([small_corpus]))
    out = classifier.save(artifact, manifest, tmp_path / "again")
    assert (out / ARTIFACT).read_bytes() == (small_model / ARTIFACT).read_bytes()


def test_manifest_records_what_made_the_model(small_model: Path, small_corpus: Path) -> None:
    m = json.loads((small_model / MANIFEST).read_text(encoding="utf-8"))
    assert m["kind"] == "classifier" and m["labels"] == list(corpus.LABELS)
    assert {"toolkit", "scikit-learn", "python", "numpy"} <= set(m["versions"])
    assert m["corpus"]["sha256"] == corpus.examples_sha256(corpus.load([small_corpus]))
    assert m["artifact_sha256"] == sha256_bytes((small_model / ARTIFACT).read_bytes())
    assert 0.0 <= m["cross_validation"]["macro_f1"] <= 1.0
    assert set(m["parameters"]) >= {"C", "ngram_max", "min_df", "folds", "seed"}


def test_a_failed_save_leaves_the_old_model_untouched(small_model: Path, tmp_path: Path, monkeypatch) -> None:
    import joblib

    target = tmp_path / "model"
    shutil.copytree(small_model, target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(joblib, "dump", broken)
    with pytest.raises(OSError):
        classifier.save({"format": 1}, {"kind": "classifier"}, target)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_tampered_model_is_refused(small_model: Path, tmp_path: Path) -> None:
    target = tmp_path / "m"
    shutil.copytree(small_model, target)
    data = bytearray((target / ARTIFACT).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (target / ARTIFACT).write_bytes(bytes(data))
    with pytest.raises(ModelError, match="sha256"):
        classifier.load(target)


def test_model_of_another_format_asks_for_retraining(small_model: Path, tmp_path: Path) -> None:
    target = tmp_path / "m"
    shutil.copytree(small_model, target)
    m = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    m["format"] = 0
    (target / MANIFEST).write_text(json.dumps(m), encoding="utf-8")
    with pytest.raises(ModelError, match="toolkit train"):
        classifier.load(target)


@pytest.mark.parametrize("broken", ["missing", "no-manifest", "bad-manifest", "no-artifact"])
def test_missing_or_broken_model_dirs(small_model: Path, tmp_path: Path, broken: str) -> None:
    target = tmp_path / "m"
    if broken != "missing":
        shutil.copytree(small_model, target)
    if broken == "no-manifest":
        (target / MANIFEST).unlink()
    elif broken == "bad-manifest":
        (target / MANIFEST).write_text("{not json", encoding="utf-8")
    elif broken == "no-artifact":
        (target / ARTIFACT).unlink()
    with pytest.raises(ModelError):
        classifier.load(target)


def test_joined_paragraphs_carry_the_labels_of_their_parts() -> None:
    texts = ["Huyện kết nạp 42 đảng viên mới.", "Giá lúa tăng nhẹ.", "UBKT thi hành kỷ luật 3 đảng viên.",
             "Mặt trận Tổ quốc tổ chức đối thoại với nhân dân.", "Trời mưa to."]
    Y = np.array([[0, 1, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]])
    params = classifier.TrainParams(joined=2.0)
    out_texts, out_Y = classifier._with_joined(texts, Y, params)
    assert out_texts[:5] == texts and (out_Y[:5] == Y).all()
    assert len(out_texts) == 5 + 2 * 3  # two per paragraph with a theme
    for text, row in zip(out_texts[5:], out_Y[5:]):
        parts = [i for i, t in enumerate(texts) if t in text]
        assert len(text) > max(len(texts[i]) for i in parts) and any(Y[i].any() for i in parts)
        assert (row == Y[parts].any(axis=0)).all()
    again = classifier._with_joined(texts, Y, params)
    assert again[0] == out_texts and (again[1] == out_Y).all()
    none = classifier._with_joined(texts, Y, classifier.TrainParams(joined=0.0))
    assert none[0] == texts


def test_shipped_model_is_trained_on_the_shipped_corpus() -> None:
    model_dir = default_model_dir("classifier")
    m = json.loads((model_dir / MANIFEST).read_text(encoding="utf-8"))
    assert m["corpus"]["sha256"] == corpus.examples_sha256(corpus.load([CORPUS]))
    assert m["parameters"] == classifier.TrainParams().__dict__
    clf = classifier.load()
    assert clf.labels == list(corpus.LABELS)


@needs_shared
def test_shipped_model_quality_on_real_dev_paragraphs() -> None:
    report = classifier.evaluate([str(SHARED / "data" / "dev_paragraphs.jsonl")])
    # A regression guard well below the measured figure (benchmarks/README.md).
    assert report["macro"]["f1"] >= 0.75, report["per_label"]


def test_both_tone_spellings_and_cases_score_the_same(small_model: Path) -> None:
    clf = classifier.load(small_model)
    old = "UỶ BAN Kiểm tra Huyện uỷ kỷ luật cán bộ thuỷ lợi; hoà giải ở cơ sở được quan tâm."
    new = "Ủy ban kiểm tra huyện ủy kỷ luật cán bộ thủy lợi; hòa giải ở cơ sở được quan tâm."
    assert np.allclose(clf.probabilities([old]), clf.probabilities([new]))


def test_decomposed_unicode_scores_like_composed(small_model: Path) -> None:
    import unicodedata

    clf = classifier.load(small_model)
    text = PARAS[0]
    assert np.allclose(clf.probabilities([unicodedata.normalize("NFD", text)]), clf.probabilities([text]))


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_save_refuses_to_replace_what_is_not_a_model(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "precious"
    if kind == "file":
        target.write_text("không phải mô hình", encoding="utf-8")
    else:
        target.mkdir()
        (target / "notes.txt").write_text("ghi chú", encoding="utf-8")
    with pytest.raises(ModelError, match="not a model directory"):
        classifier.save({"format": 2}, {"kind": "classifier"}, target)
    assert target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious"]
