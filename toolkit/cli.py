"""The ``toolkit`` command: parse, call one library function, format, map errors.

stdout carries data only; progress and messages go to stderr. A problem with
the input, data or model is one line on stderr and exit code 1.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from toolkit.errors import ToolkitError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Read Vietnamese Party-building reports: tag paragraphs with themes, make digests, "
    "train and evaluate the theme classifier. Offline; the default models ship with toolkit.",
)
corpus_app = typer.Typer(no_args_is_help=True, help="Check labeled training data.")
app.add_typer(corpus_app, name="corpus")


class Format(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class ReportFormat(str, Enum):
    text = "text"
    json = "json"


def _say(message: str) -> None:
    typer.echo(message, err=True)


def _errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a ToolkitError into a one-line message and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ToolkitError as exc:
            _say(f"error: {exc}")
            raise typer.Exit(1) from None

    return wrapper


def _default_format(fmt: Format | None) -> str:
    if fmt is not None:
        return fmt.value
    return "table" if sys.stdout.isatty() else "jsonl"


Paths = Annotated[
    list[str],
    typer.Argument(help="Input: .txt files, directories of .txt files, .jsonl files, or - for stdin.", show_default=False),
]
EncodingOpt = Annotated[
    Optional[str],
    typer.Option("--encoding", help="Text encoding of the inputs (default: UTF-8, or UTF-16 with a BOM), e.g. cp1258."),
]
FormatOpt = Annotated[
    Optional[Format],
    typer.Option("--format", "-f", help="Output format (default: table on a terminal, jsonl otherwise)."),
]
ModelOpt = Annotated[
    Optional[Path],
    typer.Option("--model", "-m", help="Classifier model directory (default: the shipped model)."),
]


@app.command()
@_errors
def classify(
    paths: Paths,
    fmt: FormatOpt = None,
    model: ModelOpt = None,
    threshold: Annotated[
        Optional[float],
        typer.Option(min=0.0, max=1.0, help="One probability cut-off for every label, instead of the model's tuned per-label thresholds."),
    ] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Add the n-grams that drove each predicted label.")] = False,
    encoding: EncodingOpt = None,
) -> None:
    """Tag every paragraph with its themes: inspection, admission, mobilization, personnel.

    A paragraph may get several themes or none. Text files are split into
    paragraphs (web-page furniture such as bylines and "Tin liên quan" dropped);
    each JSONL object ("text", optional "id") is one paragraph.

    Example: toolkit classify report.txt --format jsonl > labels.jsonl
    """
    from toolkit.classifier import classify_paths
    from toolkit.output import write_records

    fmt_name = _default_format(fmt)
    records = classify_paths(paths, model, threshold, explain, encoding)
    if fmt_name == "csv" and explain:
        # One CSV column, whatever labels each row has: "admission: kết nạp, đảng viên | ...".
        records = (
            {**r, "explain": " | ".join(f"{k}: {', '.join(v)}" for k, v in r["explain"].items())}
            for r in records
        )

    def row(r: dict[str, Any]) -> list[str]:
        text = r["text"] if len(r["text"]) <= 160 else r["text"][:157] + "..."
        labels = ", ".join(r["labels"]) or "-"
        if explain and r.get("explain"):
            labels += "\n" + "\n".join(f"{k}: {', '.join(v)}" for k, v in r["explain"].items())
        return [Path(r["source"]).name, str(r["paragraph"]), labels, text]

    write_records(records, fmt_name, sys.stdout, row, ["source", "#", "themes", "paragraph"])


@app.command()
@_errors
def train(
    corpus: Annotated[list[Path], typer.Argument(help="Labeled data: .jsonl, .csv or fastText .txt files, or directories of them.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Model directory to write (replaced atomically).")],
    seed: Annotated[int, typer.Option(help="Random seed of the cross-validation folds.")] = 0,
    encoding: EncodingOpt = None,
) -> None:
    """Train the theme classifier on labeled paragraphs and write a model directory.

    The data is checked first (see `toolkit corpus check`). Cross-validation
    calibrates the probabilities and picks each label's threshold; its scores
    are stored in the model's manifest.json.

    Example: toolkit train corpus/ my_labels.jsonl --out my-model
    """
    from toolkit import classifier, corpus as corpus_mod

    examples = corpus_mod.load(corpus, encoding)
    _say(f"training on {len(examples)} paragraphs")
    artifact, manifest = classifier.train(examples, classifier.TrainParams(seed=seed), progress=_say)
    path = classifier.save(artifact, manifest, out)
    cv = manifest["cross_validation"]
    _say(f"wrote {path}: cross-validated macro-F1 {cv['macro_f1']:.3f}, micro-F1 {cv['micro_f1']:.3f}")


@app.command()
@_errors
def evaluate(
    data: Annotated[list[Path], typer.Argument(help="Labeled paragraphs: .jsonl (text, labels), .csv or fastText .txt.", show_default=False)],
    model: ModelOpt = None,
    threshold: Annotated[Optional[float], typer.Option(min=0.0, max=1.0, help="One cut-off for every label.")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="text or json.")] = ReportFormat.text,
    encoding: EncodingOpt = None,
) -> None:
    """Say how good a model is on labeled paragraphs.

    Per-label precision, recall and F1, micro and macro F1, exact match, and
    the most frequent confusions (gold themes → predicted themes).

    Example: toolkit evaluate dev.jsonl --model my-model --format json
    """
    from toolkit.classifier import evaluate as run
    from toolkit.output import dumps

    report = run([str(d) for d in data], model, threshold, encoding)
    if fmt is ReportFormat.json:
        typer.echo(dumps(report))
        return
    lines = [f"{report['items']} paragraphs, model {report['model']}", ""]
    lines.append(f"{'label':<14}{'precision':>10}{'recall':>9}{'f1':>8}{'support':>9}")
    for lab, m in report["per_label"].items():
        lines.append(f"{lab:<14}{m['precision']:>10.3f}{m['recall']:>9.3f}{m['f1']:>8.3f}{m['support']:>9}")
    for name in ("macro", "micro"):
        m = report[name]
        lines.append(f"{name + ' avg':<14}{m['precision']:>10.3f}{m['recall']:>9.3f}{m['f1']:>8.3f}")
    lines.append(f"exact match   {report['exact_match']:.3f}")
    if report["confusions"]:
        lines += ["", "most frequent confusions (gold → predicted):"]
        lines += [f"  {c['count']:>4}  {c['gold']} → {c['predicted']}" for c in report["confusions"]]
    typer.echo("\n".join(lines))


class Method(str, Enum):
    learned = "learned"
    centrality = "centrality"
    lead = "lead"


class DigestFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"
    jsonl = "jsonl"


@app.command()
@_errors
def summarize(
    paths: Paths,
    sentences: Annotated[Optional[int], typer.Option("--sentences", "-n", min=1, help="Sentences per digest [default: 3].")] = None,
    ratio: Annotated[Optional[float], typer.Option(min=0.0, max=1.0, help="Or: this fraction of the document's sentences (at least one).")] = None,
    words: Annotated[Optional[int], typer.Option(min=1, help="Or: at most this many words (at least one sentence).")] = None,
    method: Annotated[Method, typer.Option(help="Ranker: learned (trained on news), centrality (LexRank) or lead (first sentences).")] = Method.learned,
    by_theme: Annotated[bool, typer.Option("--by-theme", help="Also give, per theme the document reports, its top sentences and key figures.")] = False,
    fmt: Annotated[Optional[DigestFormat], typer.Option("--format", "-f", help="text, markdown, json or jsonl (default: text on a terminal, jsonl otherwise).")] = None,
    model: ModelOpt = None,
    ranker: Annotated[Optional[Path], typer.Option(help="Ranker model directory (default: the shipped ranker).")] = None,
    encoding: EncodingOpt = None,
) -> None:
    """Make a short digest of each document from its own sentences.

    Sentences come out in document order, each with its character offsets in
    the original text. A .txt file or stdin is one document; each JSONL object
    ("text", optional "id" and "title") is one document.

    Example: toolkit summarize report.txt --by-theme --format markdown
    """
    from toolkit.output import write_records
    from toolkit.summarizer import Length, summarize_paths

    if sum(x is not None for x in (sentences, ratio, words)) > 1:
        raise typer.BadParameter("give only one of --sentences, --ratio, --words")
    length = Length(sentences=sentences or 3, ratio=ratio, words=words)
    fmt_name = fmt.value if fmt is not None else ("text" if sys.stdout.isatty() else "jsonl")
    records = summarize_paths(paths, method.value, length, by_theme, encoding, ranker, model)
    if fmt_name in ("json", "jsonl"):
        write_records(records, fmt_name, sys.stdout)
        return
    from toolkit.digest_format import markdown, plain

    render = markdown if fmt_name == "markdown" else plain
    for i, record in enumerate(records):
        if i:
            sys.stdout.write("\n")
        sys.stdout.write(render(record))


@app.command("train-summarizer")
@_errors
def train_summarizer(
    data: Annotated[Path, typer.Argument(help="Article/summary pairs: JSON Lines (.jsonl or .jsonl.gz) with article, summary and optional title.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Ranker directory to write (replaced atomically).")],
    max_documents: Annotated[int, typer.Option(min=10, help="Train on the first N articles.")] = 6000,
    model: ModelOpt = None,
) -> None:
    """Train the learned sentence ranker on article/summary pairs.

    Oracle labels mark the sentences that best match each reference summary
    (ROUGE-1 + ROUGE-2); a logistic regression learns them from sentence
    features, including the theme classifier's scores (--model).

    Example: toolkit train-summarizer vietnews_train.jsonl.gz --out models/ranker
    """
    from toolkit import ranker as ranker_mod

    params = ranker_mod.RankerParams(max_documents=max_documents)
    artifact, manifest = ranker_mod.train(data, params, model, progress=_say)
    path = ranker_mod.save(artifact, manifest, out)
    _say(f"wrote {path}: {manifest['data']['documents']} documents, {manifest['data']['sentences']} sentences")


@corpus_app.command("check")
@_errors
def corpus_check(
    paths: Annotated[list[Path], typer.Argument(help="Labeled data files or directories.", show_default=False)],
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="text or json.")] = ReportFormat.text,
    encoding: EncodingOpt = None,
) -> None:
    """Validate labeled paragraphs: list every bad line as file:line: reason.

    Checks JSON, labels (known, not repeated), empty or repeated texts,
    repeated ids, and that every label has at least 5 examples. Exit code 1
    when there is any problem.

    Example: toolkit corpus check corpus/
    """
    from toolkit.corpus import check
    from toolkit.output import dumps

    report = check(paths, encoding)
    counts = report.counts()
    if fmt is ReportFormat.json:
        typer.echo(dumps({"problems": report.problems, "counts": counts}))
    else:
        for problem in report.problems:
            typer.echo(problem)
        typer.echo("  ".join(f"{k}={v}" for k, v in counts.items()))
    if report.problems:
        _say(f"{len(report.problems)} problem(s) found")
        raise typer.Exit(1)


def main() -> None:
    """Console-script entry point (click handles a closed pipe and Ctrl-C quietly)."""
    app()


if __name__ == "__main__":
    main()
