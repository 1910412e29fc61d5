"""The learned sentence ranker: a linear model over sentence features.

Features: position, length, centrality (similarity to the centroid), similarity
to the title, figures, quotes and the theme classifier's scores. Labels come
from a greedy oracle: the sentences that together best match the reference
summary (ROUGE-1 + ROUGE-2 F1). Training uses scikit-learn; scoring is a numpy
dot product with the saved coefficients.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from toolkit.docprep import Prepared, centroid_similarity, prepare, title_similarity
from toolkit.errors import InputError
from toolkit.modelstore import default_model_dir, load_model_dir, save_model_dir, sha256_bytes, versions
from toolkit.rouge import rouge_n, syllables

FORMAT = 1
KIND = "ranker"
_POSITION_BINS = (0, 1, 2, 3, 4, 6, 9, 14)
_DIGIT = re.compile(r"\d")
_QUOTE = re.compile(r"[“”\"]")

FEATURES: tuple[str, ...] = (
    *(f"position_bin_{b}" for b in _POSITION_BINS),
    "inverse_position",
    "relative_position",
    "first_in_paragraph",
    "relative_paragraph",
    "log_length",
    "short",
    "long",
    "centroid",
    "title",
    "title_x_first3",
    "has_digit",
    "quote",
    "question_or_colon",
    "theme_max",
    "theme_sum",
)


def sentence_features(prep: Prepared, theme_probs: np.ndarray | None) -> np.ndarray:
    """The feature matrix (sentences × FEATURES) of a prepared document."""
    n = len(prep.sentences)
    X = np.zeros((n, len(FEATURES)))
    if n == 0:
        return X
    idx = np.arange(n)
    bins = np.searchsorted(np.array(_POSITION_BINS), idx, side="right") - 1
    X[idx, bins] = 1.0
    k = len(_POSITION_BINS)
    X[:, k] = 1.0 / (idx + 1)
    X[:, k + 1] = idx / max(1, n - 1)
    paras = np.array([s.paragraph for s in prep.sentences])
    X[1:, k + 2] = paras[1:] != paras[:-1]
    X[0, k + 2] = 1.0
    X[:, k + 3] = paras / max(1, paras[-1])
    lengths = np.array([len(t) for t in prep.tokens], dtype=np.float64)
    X[:, k + 4] = np.log1p(lengths)
    X[:, k + 5] = lengths < 8
    X[:, k + 6] = lengths > 45
    # Centrality as cosine to the document centroid: LexRank as a feature added
    # 0.001 ROUGE-L on VietNews dev for 17% of the summarizer's time.
    X[:, k + 7] = centroid_similarity(prep)
    title = title_similarity(prep)
    X[:, k + 8] = title
    X[:, k + 9] = title * (idx < 3)
    X[:, k + 10] = [bool(_DIGIT.search(s.text)) for s in prep.sentences]
    X[:, k + 11] = [bool(_QUOTE.search(s.text)) for s in prep.sentences]
    X[:, k + 12] = [s.text.endswith(("?", ":")) for s in prep.sentences]
    if theme_probs is not None and theme_probs.size:
        X[:, k + 13] = theme_probs.max(axis=1)
        X[:, k + 14] = theme_probs.sum(axis=1)
    return X


class LearnedRanker:
    """Scores sentences with the saved linear model."""

    def __init__(self, artifact: dict[str, Any], manifest: dict[str, Any]) -> None:
        if list(artifact["features"]) != list(FEATURES):
            from toolkit.errors import ModelError

            raise ModelError("the ranker was trained on other features: retrain it with `toolkit train-summarizer`")
        self.mean = np.asarray(artifact["mean"])
        self.scale = np.asarray(artifact["scale"])
        self.coef = np.asarray(artifact["coef"])
        self.uses_themes = bool(artifact.get("uses_themes", True))
        self.mmr_lambda = float(artifact.get("mmr_lambda", 0.7))
        self.manifest = manifest

    def scores(self, X: np.ndarray) -> np.ndarray:
        """A relevance score per sentence (higher is more summary-worthy)."""
        return ((X - self.mean) / self.scale) @ self.coef


@functools.lru_cache(maxsize=4)
def _load_cached(path: str) -> LearnedRanker:
    artifact, manifest = load_model_dir(path, KIND, FORMAT)
    return LearnedRanker(artifact, manifest)


def load(model_dir: str | Path | None = None) -> LearnedRanker:
    """Load a ranker directory (the shipped one by default), once per process."""
    path = Path(model_dir) if model_dir is not None else default_model_dir(KIND)
    return _load_cached(str(path.resolve()))


# ------------------------------------------------------------------ training


def oracle(prep: Prepared, reference: str, size: int = 3) -> list[int]:
    """Greedy oracle: sentences that, added one by one, most raise ROUGE-1 + ROUGE-2 F1."""
    ref = syllables(reference)
    chosen: list[int] = []
    best = 0.0
    sent_toks = [syllables(s.text) for s in prep.sentences]
    while len(chosen) < size:
        gain_at, gain = -1, best
        for i in range(len(sent_toks)):
            if i in chosen:
                continue
            cand = [t for j in sorted(chosen + [i]) for t in sent_toks[j]]
            score = rouge_n(cand, ref, 1) + rouge_n(cand, ref, 2)
            if score > gain + 1e-9:
                gain_at, gain = i, score
        if gain_at < 0:
            break
        chosen.append(gain_at)
        best = gain
    return chosen


def read_articles(path: str | Path) -> Iterator[dict[str, Any]]:
    """VietNews-style JSON Lines (optionally gzipped): ``title``, ``article``, ``summary``."""
    opener = gzip.open if str(path).endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError:
                    raise InputError(f"{path}:{n}: malformed JSON") from None
                if not isinstance(obj, dict) or not all(isinstance(obj.get(k), str) for k in ("article", "summary")):
                    raise InputError(f"{path}:{n}: expected \"article\" and \"summary\" strings")
                yield obj
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, EOFError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None


@dataclass(frozen=True)
class RankerParams:
    """What decides the trained ranker besides the data."""

    max_documents: int = 6000
    oracle_size: int = 3
    C: float = 1.0
    mmr_lambda: float = 0.7
    uses_themes: bool = False  # measured: no ROUGE gain on VietNews, ~25% of the time


def build_training_set(
    path: str | Path, params: RankerParams, theme_probs: Callable[[list[list[str]]], np.ndarray] | None,
    progress: Callable[[str], None] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Features, oracle labels and document ids of the first ``max_documents`` articles."""
    xs, ys, groups = [], [], []
    docs = 0
    for obj in read_articles(path):
        if docs >= params.max_documents:
            break
        prep = prepare(obj["article"], obj.get("title"))
        if len(prep.sentences) < 2:
            continue
        probs = theme_probs(prep.tokens) if theme_probs else None
        X = sentence_features(prep, probs)
        y = np.zeros(len(prep.sentences))
        y[oracle(prep, obj["summary"], params.oracle_size)] = 1.0
        xs.append(X)
        ys.append(y)
        groups.append(np.full(len(y), docs))
        docs += 1
        if progress and docs % 1000 == 0:
            progress(f"prepared {docs} documents")
    if not xs:
        raise InputError(f"{path}: no articles with two or more sentences")
    return np.vstack(xs), np.concatenate(ys), np.concatenate(groups), docs


def train(
    path: str | Path,
    params: RankerParams = RankerParams(),
    classifier_dir: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Train the ranker on article/summary pairs; returns (artifact, manifest)."""
    from sklearn.linear_model import LogisticRegression

    from toolkit import classifier

    clf = classifier.load(classifier_dir) if params.uses_themes else None
    X, y, _, docs = build_training_set(path, params, clf.token_probabilities if clf else None, progress)
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale < 1e-9] = 1.0
    if progress:
        progress(f"fitting on {len(y)} sentences of {docs} documents")
    model = LogisticRegression(C=params.C, solver="lbfgs", max_iter=2000)
    model.fit((X - mean) / scale, y)
    artifact = {
        "format": FORMAT,
        "features": list(FEATURES),
        "mean": mean.tolist(),
        "scale": scale.tolist(),
        "coef": model.coef_[0].tolist(),
        "uses_themes": params.uses_themes,
        "mmr_lambda": params.mmr_lambda,
    }
    manifest = {
        "kind": KIND,
        "format": FORMAT,
        "versions": versions(),
        "parameters": asdict(params),
        "features": list(FEATURES),
        "data": {
            "file": Path(path).name,
            "sha256": sha256_bytes(Path(path).read_bytes()),
            "documents": docs,
            "sentences": int(len(y)),
            "oracle_positive": int(y.sum()),
        },
        "classifier_sha256": clf.manifest.get("artifact_sha256") if clf else None,
    }
    return artifact, manifest


def save(artifact: dict[str, Any], manifest: dict[str, Any], out_dir: str | Path) -> Path:
    """Write a trained ranker to ``out_dir`` atomically."""
    return save_model_dir(out_dir, artifact, manifest)
