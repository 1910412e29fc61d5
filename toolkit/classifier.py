"""The theme classifier: TF-IDF syllable n-grams, two linear models per label, stacked.

Training (scikit-learn, imported only here):

1. 5-fold cross-validation gives every paragraph out-of-fold scores from a
   logistic regression and from a multinomial naive Bayes (log-odds), both
   linear in the TF-IDF features;
2. per label, a logistic regression on those two scores (stacking, which is
   also Platt scaling) gives calibrated probabilities, and the F1-best
   threshold is chosen on them;
3. the final models are fitted on all paragraphs, and since the stack is a
   linear combination of linear models it folds into one coefficient vector
   per label: prediction costs the same as a single model.

Naive Bayes' different bias transfers better from written to real text:
stacking raised cross-validated macro-F1 0.958 → 0.960 and real-dev macro-F1
0.810 → 0.830 (benchmarks/README.md).

The models of steps 1 and 3 also learn from synthetic long paragraphs: each
paragraph with a theme is joined with one or two other training paragraphs and
gets the union of their labels (:func:`_with_joined`). Real paragraphs often
report a theme in one clause among other matters, where the written corpus
gives each theme a paragraph of its own; the joined ones teach the models that
a theme still counts when it is a small part of the text. The held-out scores
that choose the stack and the thresholds stay on the written paragraphs alone.

Prediction runs on the saved vocabulary, idf and coefficients with numpy only.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from toolkit.features import Triplets, Vectorizer, linear_scores
from toolkit.modelstore import default_model_dir, load_model_dir, save_model_dir, versions

if TYPE_CHECKING:
    from toolkit.corpus import Example

FORMAT = 3
KIND = "classifier"


@dataclass(frozen=True)
class TrainParams:
    """Everything that decides the trained model besides the data."""

    ngram_max: int = 2
    min_df: int = 2
    C: float = 16.0
    class_weight: str | None = "balanced"
    nb_alpha: float = 0.1
    joined: float = 1.0  # synthetic joined paragraphs per paragraph with a theme
    folds: int = 5
    seed: int = 0


class Prediction(NamedTuple):  # a tuple: a frozen dataclass costs 2 µs a paragraph to build
    """Labels over their thresholds, and every label's probability."""

    labels: list[str]
    scores: dict[str, float]


class Classifier:
    """A loaded theme classifier; see :func:`load` and :func:`train`."""

    def __init__(self, artifact: dict[str, Any], manifest: dict[str, Any] | None = None) -> None:
        self.labels: list[str] = list(artifact["labels"])
        n_labels = len(self.labels)
        self.vectorizer = Vectorizer.from_state(artifact["vectorizer"])
        self.coef = np.frombuffer(artifact["coef"], dtype=np.float64).reshape(-1, n_labels)
        self.intercept = np.asarray(artifact["intercept"], dtype=np.float64)
        self.thresholds = np.asarray(artifact["thresholds"], dtype=np.float64)
        self.manifest = manifest or {}
        self.path = ""
        self._label_subsets = [
            [lab for j, lab in enumerate(self.labels) if m >> j & 1] for m in range(1 << n_labels)
        ]

    def _probabilities(self, t: Triplets) -> np.ndarray:
        # The stacked model is calibrated by construction: its logit is the linear score.
        return 1.0 / (1.0 + np.exp(-linear_scores(t, self.coef, self.intercept)))

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probability of each label for each text; shape (texts, labels)."""
        return self._probabilities(self.vectorizer.transform(texts))

    def token_probabilities(self, token_lists: Sequence[list[str]]) -> np.ndarray:
        """:meth:`probabilities` for texts already split by :func:`toolkit.text.tokens`."""
        return self._probabilities(self.vectorizer.transform_tokens(token_lists))

    def predict(self, texts: Sequence[str], threshold: float | None = None) -> list[Prediction]:
        """Labels and scores per text; ``threshold`` overrides the per-label thresholds.

        >>> clf = load()
        >>> clf.predict(["Năm 2020, Đảng bộ xã kết nạp 15 đảng viên mới."])[0].labels
        ['admission']
        """
        probs = self.probabilities(texts)
        cut = self.thresholds if threshold is None else np.full(len(self.labels), threshold)
        # Each row's labels as a bit mask, so a row costs one list copy, not a loop over labels.
        masks = ((probs >= cut) @ (1 << np.arange(len(self.labels)))).tolist()
        subsets = self._label_subsets
        labels = self.labels
        return [
            Prediction(subsets[m].copy(), dict(zip(labels, row)))
            for m, row in zip(masks, np.round(probs, 4).tolist())
        ]

    def explain(self, text: str, label: str, top: int = 5) -> list[tuple[str, float]]:
        """The n-grams that pushed ``text`` towards ``label`` most, with their weights.

        >>> load().explain("Ủy ban Kiểm tra thi hành kỷ luật 3 đảng viên.", "inspection")[0][0]
        'kỷ luật'
        """
        t = self.vectorizer.transform([text])
        k = self.labels.index(label)
        contrib = t.values * self.coef[t.cols, k]
        order = np.argsort(-contrib)[:top]
        terms = self.vectorizer.terms_
        return [(terms[t.cols[i]], round(float(contrib[i]), 4)) for i in order if contrib[i] > 0]


@functools.lru_cache(maxsize=4)
def _load_cached(path: str) -> Classifier:
    artifact, manifest = load_model_dir(path, KIND, FORMAT)
    clf = Classifier(artifact, manifest)
    clf.path = path
    return clf


def load(model_dir: str | Path | None = None) -> Classifier:
    """Load a classifier directory (the shipped model by default), once per process."""
    path = Path(model_dir) if model_dir is not None else default_model_dir(KIND)
    return _load_cached(str(path.resolve()))


# ------------------------------------------------------------------ training


def _fit_linear(X, y: np.ndarray, p: TrainParams):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(
        C=p.C, class_weight=p.class_weight, solver="liblinear", random_state=p.seed, max_iter=1000
    )
    return model.fit(X, y)


def _with_joined(texts: list[str], Y: np.ndarray, p: TrainParams) -> tuple[list[str], np.ndarray]:
    """``texts`` plus synthetic paragraphs: a paragraph with a theme joined with others.

    Each paragraph with a theme, in a seeded random order, is joined with one or
    two paragraphs drawn from all of them, in random order; the result carries
    every label of its parts. ``p.joined`` such paragraphs are made per paragraph
    with a theme. Deterministic for the same texts and seed.
    """
    themed = np.flatnonzero(Y.any(axis=1))
    n_new = int(round(p.joined * len(themed)))
    if not n_new:
        return texts, Y
    rng = np.random.default_rng([p.seed, len(texts)])
    rounds = -(-n_new // len(themed))  # ceiling: every themed paragraph is picked once a round
    picks = np.concatenate([rng.permutation(themed) for _ in range(rounds)])[:n_new]
    new_texts, new_rows = [], []
    for i in picks.tolist():
        parts = [i, *rng.integers(0, len(texts), rng.integers(1, 3)).tolist()]
        rng.shuffle(parts)
        new_texts.append(" ".join(texts[j] for j in parts))
        new_rows.append(Y[parts].any(axis=0))
    return texts + new_texts, np.vstack([Y, np.array(new_rows, dtype=Y.dtype)])


def _fit_all(
    texts: list[str], Y: np.ndarray, p: TrainParams
) -> tuple[Vectorizer, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Vectorizer, then (coef, intercept) of the logistic regressions and of naive Bayes.

    The models are fitted on ``texts`` and the joined paragraphs made from them
    (:func:`_with_joined`), the vocabulary on ``texts``.
    """
    from sklearn.naive_bayes import MultinomialNB

    # The vocabulary and idf come from the written paragraphs alone: in the joined
    # ones every n-gram of a themed paragraph would reach min_df by itself.
    vec = Vectorizer(ngram_max=p.ngram_max, min_df=p.min_df).fit(texts)
    texts, Y = _with_joined(texts, Y, p)
    X = vec.transform_matrix(texts)
    lr_w, lr_b, nb_w, nb_b = [], [], [], []
    for k in range(Y.shape[1]):
        m = _fit_linear(X, Y[:, k], p)
        lr_w.append(m.coef_[0])
        lr_b.append(m.intercept_[0])
        nb = MultinomialNB(alpha=p.nb_alpha).fit(X, Y[:, k])
        nb_w.append(nb.feature_log_prob_[1] - nb.feature_log_prob_[0])
        nb_b.append(nb.class_log_prior_[1] - nb.class_log_prior_[0])
    return vec, np.array(lr_w).T.copy(), np.array(lr_b), np.array(nb_w).T.copy(), np.array(nb_b)


def _stack(lr: np.ndarray, nb: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Weights (a_lr, a_nb, c) of the calibrated combination sigmoid(a_lr·lr + a_nb·nb + c)."""
    from sklearn.linear_model import LogisticRegression

    m = LogisticRegression(C=1e4, solver="lbfgs").fit(np.column_stack([lr, nb]), y)
    return float(m.coef_[0, 0]), float(m.coef_[0, 1]), float(m.intercept_[0])


def _best_threshold(p: np.ndarray, y: np.ndarray) -> float:
    best, best_f1 = 0.5, -1.0
    for c in np.round(np.arange(0.05, 0.96, 0.01), 2):
        pred = p >= c
        tp = float(np.sum(pred & (y == 1)))
        f1 = 2 * tp / max(1.0, float(pred.sum() + y.sum()))
        if f1 > best_f1 + 1e-12:
            best, best_f1 = float(c), f1
    return best


def train(
    examples: Sequence[Example],
    params: TrainParams = TrainParams(),
    progress: Callable[[str], None] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Train on labeled paragraphs; returns (artifact, manifest) for :func:`save`.

    Deterministic: the same examples and parameters give the same model.
    """
    from sklearn.model_selection import KFold

    from toolkit.corpus import LABELS, examples_sha256
    from toolkit.metrics import multilabel_report

    say = progress or (lambda _msg: None)
    labels = list(LABELS)
    texts = [ex.text for ex in examples]
    Y = np.array([[lab in ex.labels for lab in labels] for ex in examples], dtype=int)

    oof_lr, oof_nb = np.zeros(Y.shape), np.zeros(Y.shape)
    folds = KFold(n_splits=params.folds, shuffle=True, random_state=params.seed)
    for i, (tr, te) in enumerate(folds.split(texts), 1):
        say(f"cross-validation fold {i}/{params.folds}")
        vec, lr_w, lr_b, nb_w, nb_b = _fit_all([texts[j] for j in tr], Y[tr], params)
        held_out = vec.transform([texts[j] for j in te])
        oof_lr[te] = linear_scores(held_out, lr_w, lr_b)
        oof_nb[te] = linear_scores(held_out, nb_w, nb_b)

    stacks = [_stack(oof_lr[:, k], oof_nb[:, k], Y[:, k]) for k in range(len(labels))]
    a_lr = np.array([st[0] for st in stacks])
    a_nb = np.array([st[1] for st in stacks])
    c = np.array([st[2] for st in stacks])
    oof_p = 1.0 / (1.0 + np.exp(-(a_lr * oof_lr + a_nb * oof_nb + c)))
    thresholds = [_best_threshold(oof_p[:, k], Y[:, k]) for k in range(len(labels))]
    pred = oof_p >= np.array(thresholds)
    cv = multilabel_report(
        [set(ex.labels) for ex in examples],
        [{lab for lab, on in zip(labels, row) if on} for row in pred],
        labels,
    )

    say("fitting the final model on all paragraphs")
    vec, lr_w, lr_b, nb_w, nb_b = _fit_all(texts, Y, params)
    coef = lr_w * a_lr + nb_w * a_nb  # the stack folded into one linear model per label
    intercept = lr_b * a_lr + nb_b * a_nb + c
    artifact = {
        "format": FORMAT,
        "labels": labels,
        "vectorizer": vec.state(),
        "coef": coef.astype(np.float64).tobytes(),
        "intercept": intercept.tolist(),
        "thresholds": thresholds,
    }
    counts = {lab: int(Y[:, k].sum()) for k, lab in enumerate(labels)}
    manifest = {
        "kind": KIND,
        "format": FORMAT,
        "versions": versions(),
        "labels": labels,
        "parameters": asdict(params),
        "thresholds": dict(zip(labels, thresholds)),
        "stack": {lab: {"logistic_regression": st[0], "naive_bayes": st[1], "bias": st[2]} for lab, st in zip(labels, stacks)},
        "vocabulary_size": len(vec.terms_),
        "corpus": {
            "sha256": examples_sha256(examples),
            "paragraphs": len(examples),
            "counts": {**counts, "none": int((Y.sum(1) == 0).sum()), "multi": int((Y.sum(1) >= 2).sum())},
        },
        "cross_validation": {
            "folds": params.folds,
            "macro_f1": cv["macro"]["f1"],
            "micro_f1": cv["micro"]["f1"],
            "exact_match": cv["exact_match"],
            "per_label": cv["per_label"],
        },
    }
    return artifact, manifest


def save(artifact: dict[str, Any], manifest: dict[str, Any], out_dir: str | Path) -> Path:
    """Write a trained classifier to ``out_dir`` atomically."""
    return save_model_dir(out_dir, artifact, manifest)


# ------------------------------------------------------------- classify files


# About 200k characters a batch. Up to ~300k, a batch's numpy buffers are reused from the
# allocator's heap; from ~400k on, glibc returned them to the OS after every batch and
# paging them back in cost 200k page faults and 0.4 s of system time per 35 MB of VNTC
# text (a 15% slower classify). Smaller batches also keep peak memory down.
_BATCH_CHARS = 200_000


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of at most ``size`` items and (after the first item) about _BATCH_CHARS of text."""
    batch: list[Any] = []
    chars = 0
    for item in items:
        batch.append(item)
        chars += len(item.text)
        if len(batch) >= size or chars >= _BATCH_CHARS:
            yield batch
            batch = []
            chars = 0
    if batch:
        yield batch


def classify_paths(
    paths: Sequence[str],
    model_dir: str | Path | None = None,
    threshold: float | None = None,
    explain: bool = False,
    encoding: str | None = None,
    batch_size: int = 2048,
) -> Iterator[dict[str, Any]]:
    """Classify every paragraph of the inputs, streamed in batches.

    Yields one record per paragraph: ``source``, ``id`` (from JSONL input, else
    None), ``paragraph`` (index), ``text``, ``labels``, ``scores`` and, with
    ``explain``, ``explain``: the n-grams behind each predicted label.
    """
    from toolkit.inputs import expand, read_paragraphs

    names = expand(paths)  # report a missing input before loading the model
    clf = load(model_dir)
    for batch in _batches(read_paragraphs(names, encoding), batch_size):
        preds = clf.predict([p.text for p in batch], threshold)
        for par, pred in zip(batch, preds):
            record: dict[str, Any] = {
                "source": par.source,
                "id": par.id,
                "paragraph": par.index,
                "text": par.text,
                "labels": pred.labels,
                "scores": pred.scores,
            }
            if explain:
                record["explain"] = {
                    lab: [term for term, _ in clf.explain(par.text, lab)] for lab in pred.labels
                }
            yield record


def evaluate(
    paths: Sequence[str],
    model_dir: str | Path | None = None,
    threshold: float | None = None,
    encoding: str | None = None,
) -> dict[str, Any]:
    """Score a model on labeled paragraphs (JSONL, fastText or CSV).

    Returns per-label precision / recall / F1, micro and macro F1, exact match
    and the most frequent confusions (see :func:`toolkit.metrics.multilabel_report`).
    """
    from toolkit.corpus import read_labeled
    from toolkit.metrics import multilabel_report

    examples = read_labeled(paths, encoding)
    clf = load(model_dir)
    preds: list[set[str]] = []
    for batch in _batches(examples, 512):
        preds += [set(p.labels) for p in clf.predict([ex.text for ex in batch], threshold)]
    report = multilabel_report([set(ex.labels) for ex in examples], preds, clf.labels)
    return {"data": [str(p) for p in paths], "model": clf.path, **report}
