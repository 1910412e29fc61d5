"""Labeled paragraphs: reading JSONL, fastText and CSV, and checking them.

Formats (chosen by file ending; a directory means its ``.jsonl``, ``.csv`` and
``.txt`` files, sorted):

- ``.jsonl``: ``{"id": "...", "text": "...", "labels": ["inspection", ...]}``
  one object a line, as in the annotation guide;
- ``.txt`` (fastText): ``__label__admission __label__personnel Năm 2020 ...``;
  ``__label__none`` marks a paragraph with none of the four themes;
- ``.csv``: a header with ``text`` and ``labels`` columns; labels separated by
  ``;``, ``,``, ``|`` or spaces, empty for none.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import CorpusError, InputError
from toolkit.text import iter_lines, normalize, open_binary

LABELS: tuple[str, ...] = ("inspection", "admission", "mobilization", "personnel")
MIN_EXAMPLES = 5
DATA_SUFFIXES = (".jsonl", ".csv", ".txt")
_FT_LABEL = re.compile(r"__label__(\S+)")


@dataclass(frozen=True, slots=True)
class Example:
    """One labeled paragraph and where it came from (``file:line``)."""

    text: str
    labels: tuple[str, ...]
    id: str | None = None
    where: str = ""


@dataclass(slots=True)
class Report:
    """What :func:`check` found: the examples read and every problem."""

    examples: list[Example] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Examples per label, plus ``none``, ``multi`` (2+ labels) and ``total``."""
        c: Counter[str] = Counter()
        for ex in self.examples:
            c.update(ex.labels)
            c["none"] += not ex.labels
            c["multi"] += len(ex.labels) >= 2
        return {**{k: c[k] for k in (*LABELS, "none", "multi")}, "total": len(self.examples)}


def data_files(paths: Iterable[str | Path]) -> list[Path]:
    """The data files named by ``paths``: files as given, directories expanded."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.is_file() and f.suffix in DATA_SUFFIXES)
            if not found:
                raise InputError(f"{p}: no .jsonl, .csv or .txt files in this directory")
            files += found
        elif p.exists():
            files.append(p)
        else:
            raise InputError(f"{p}: no such file")
    return files


def _split_labels(raw: str) -> list[str]:
    return [x for x in re.split(r"[;,|\s]+", raw.strip()) if x]


def _parse_jsonl(lines: Iterable[str], name: str) -> Iterator[tuple[int, Example | str]]:
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{name}:{n}"
        try:
            obj = json.loads(line)
        except ValueError as exc:
            yield n, f"{where}: malformed JSON ({exc.args[0].split(':')[0]})"
            continue
        if not isinstance(obj, dict):
            yield n, f"{where}: expected a JSON object"
            continue
        text, labels = obj.get("text"), obj.get("labels")
        if not isinstance(text, str):
            yield n, f"{where}: \"text\" must be a string"
            continue
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            yield n, f"{where}: \"labels\" must be a list of label names"
            continue
        ident = obj.get("id")
        yield n, Example(text, tuple(labels), None if ident is None else str(ident), where)


def _parse_fasttext(lines: Iterable[str], name: str) -> Iterator[tuple[int, Example | str]]:
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        labels: list[str] = []
        rest = line.strip()
        while (m := _FT_LABEL.match(rest)) is not None:
            labels.append(m.group(1))
            rest = rest[m.end():].lstrip()
        where = f"{name}:{n}"
        if not labels:
            yield n, f"{where}: no __label__ prefix (use __label__none for none of the four)"
            continue
        labels = [x for x in labels if x != "none"]
        yield n, Example(rest, tuple(labels), None, where)


def _parse_csv(lines: Iterable[str], name: str) -> Iterator[tuple[int, Example | str]]:
    reader = csv.reader(io.StringIO("".join(lines)))
    header = next(reader, None)
    if header is None:
        return
    cols = [h.strip().lower() for h in header]
    if "text" not in cols or "labels" not in cols:
        yield 1, f"{name}:1: the CSV header needs \"text\" and \"labels\" columns"
        return
    ti, li = cols.index("text"), cols.index("labels")
    ii = cols.index("id") if "id" in cols else None
    for row in reader:
        n = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        where = f"{name}:{n}"
        if len(row) != len(cols):
            yield n, f"{where}: expected {len(cols)} columns, found {len(row)}"
            continue
        labels = [x for x in _split_labels(row[li]) if x != "none"]
        yield n, Example(row[ti], tuple(labels), row[ii] if ii is not None else None, where)


_PARSERS = {".jsonl": _parse_jsonl, ".csv": _parse_csv}


def read_examples(path: Path, encoding: str | None = None) -> Iterator[Example | str]:
    """Examples of one data file, or a problem string (``file:line: reason``) per bad line."""
    parser = _PARSERS.get(path.suffix, _parse_fasttext)
    with open_binary(str(path)) as stream:
        for _, item in parser(iter_lines(stream, str(path), encoding), str(path)):
            yield item


def _problem(ex: Example) -> str | None:
    """What is wrong with one example on its own, if anything."""
    unknown = [x for x in ex.labels if x not in LABELS]
    if not ex.text.strip():
        return f"{ex.where}: empty text"
    if unknown:
        return f"{ex.where}: unknown label {unknown[0]!r} (known: {', '.join(LABELS)})"
    if len(set(ex.labels)) != len(ex.labels):
        return f"{ex.where}: a label is given twice"
    return None


def read_labeled(paths: Iterable[str | Path], encoding: str | None = None) -> list[Example]:
    """Labeled paragraphs for evaluation: every line must parse and use known labels.

    Unlike :func:`check` it allows repeats and rare labels, as a test set may have them.
    """
    examples = []
    for path in data_files(paths):
        for item in read_examples(path, encoding):
            problem = item if isinstance(item, str) else _problem(item)
            if problem:
                raise CorpusError(problem)
            examples.append(item)
    if not examples:
        raise CorpusError("no labeled paragraphs found")
    return examples


def check(paths: Iterable[str | Path], encoding: str | None = None) -> Report:
    """Read training data and list every problem with ``file:line`` and the reason.

    Problems: malformed lines, empty text, unknown or repeated labels, repeated
    ids, repeated paragraphs, and labels with fewer than 5 examples.
    """
    report = Report()
    seen_text: dict[str, str] = {}
    seen_id: dict[str, str] = {}
    for path in data_files(paths):
        for item in read_examples(path, encoding):
            if isinstance(item, str):
                report.problems.append(item)
                continue
            ex = item
            problem = _problem(ex)
            if problem:
                report.problems.append(problem)
            else:
                key = " ".join(normalize(ex.text.lower()).split())
                if key in seen_text:
                    report.problems.append(f"{ex.where}: same text as {seen_text[key]}")
                    continue
                if ex.id is not None and ex.id in seen_id:
                    report.problems.append(f"{ex.where}: id {ex.id!r} already used at {seen_id[ex.id]}")
                    continue
                seen_text[key] = ex.where
                if ex.id is not None:
                    seen_id[ex.id] = ex.where
                report.examples.append(ex)
    counts = report.counts()
    if report.examples:
        for label in LABELS:
            if counts[label] < MIN_EXAMPLES:
                report.problems.append(
                    f"label {label!r} has {counts[label]} examples; training needs at least {MIN_EXAMPLES}"
                )
    return report


def load(paths: Iterable[str | Path], encoding: str | None = None) -> list[Example]:
    """Checked examples, or :class:`CorpusError` naming the first problems."""
    report = check(paths, encoding)
    if report.problems:
        shown = "; ".join(report.problems[:3])
        more = f" (and {len(report.problems) - 3} more; run `toolkit corpus check`)" if len(report.problems) > 3 else ""
        raise CorpusError(shown + more)
    if not report.examples:
        raise CorpusError("no labeled paragraphs found")
    return report.examples


def examples_sha256(examples: Iterable[Example]) -> str:
    """A hash of the examples' texts and labels, independent of file layout and format."""
    h = hashlib.sha256()
    for ex in examples:
        h.update(json.dumps([ex.text, sorted(ex.labels)], ensure_ascii=False).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()
