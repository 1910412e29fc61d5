"""Shared fixtures: the repository, ../shared (optional), a small training corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = ROOT / "corpus"

needs_shared = pytest.mark.skipif(
    not (SHARED / "data").is_dir(), reason="../shared is absent (a user's clone has none)"
)


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every 5th paragraph of the shipped corpus, as one JSONL file: quick to train on."""
    lines = []
    for f in sorted(CORPUS.glob("*.jsonl")):
        lines += f.read_text(encoding="utf-8").splitlines()
    path = tmp_path_factory.mktemp("corpus") / "small.jsonl"
    path.write_text("\n".join(lines[::5]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def small_model(small_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A classifier trained on the small corpus."""
    from toolkit import classifier, corpus

    out = tmp_path_factory.mktemp("models") / "small"
    artifact, manifest = classifier.train(corpus.load([small_corpus]))
    classifier.save(artifact, manifest, out)
    return out


def read_jsonl(text: str) -> list[dict]:
    """Parse JSON Lines output."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]
