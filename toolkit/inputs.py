"""What the commands read: .txt files, directories of them, stdin, and JSONL.

- a ``.txt`` file is one document (classify splits it into paragraphs);
- a directory means its ``.txt`` files, sorted;
- ``-`` is standard input, one text document;
- a ``.jsonl`` file holds one object a line with ``"text"`` and optionally
  ``"id"`` and ``"title"``; each object is one paragraph for classify and one
  document for summarize (never split further by classify).

Everything is streamed: a large file is never read whole by classify.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NamedTuple

from toolkit.errors import InputError
from toolkit.text import iter_lines, iter_paragraphs, open_binary

STDIN = "-"


class Paragraph(NamedTuple):
    """One paragraph to classify: its source, its input id, its index there."""

    source: str
    id: str | None
    index: int
    text: str


@dataclass(frozen=True, slots=True)
class Document:
    """One document to summarize."""

    source: str
    id: str | None
    title: str | None
    text: str


def expand(paths: Iterable[str]) -> list[str]:
    """Input names: ``-`` kept, directories replaced by their sorted .txt files."""
    out: list[str] = []
    for p in paths:
        if p == STDIN:
            out.append(p)
            continue
        path = Path(p)
        if path.is_dir():
            found = sorted(str(f) for f in path.iterdir() if f.is_file() and f.suffix.lower() == ".txt")
            if not found:
                raise InputError(f"{p}: directory has no .txt files")
            out += found
        elif not path.exists():
            raise InputError(f"{p}: no such file")
        else:
            out.append(p)
    return out


def _lines(name: str, encoding: str | None, stdin: BinaryIO | None) -> Iterator[str]:
    if name == STDIN:
        yield from iter_lines(stdin or sys.stdin.buffer, "<stdin>", encoding)
        return
    with open_binary(name) as stream:
        yield from iter_lines(stream, name, encoding)


def _jsonl_objects(name: str, encoding: str | None) -> Iterator[tuple[int, dict]]:
    index = 0
    for n, line in enumerate(_lines(name, encoding, None), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise InputError(f"{name}:{n}: malformed JSON ({exc.args[0].split(':')[0]})") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise InputError(f"{name}:{n}: expected an object with a \"text\" string")
        yield index, obj
        index += 1


def _is_jsonl(name: str) -> bool:
    return name != STDIN and name.lower().endswith(".jsonl")


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def read_paragraphs(
    paths: Iterable[str], encoding: str | None = None, stdin: BinaryIO | None = None
) -> Iterator[Paragraph]:
    """Paragraphs of every input, streamed, furniture and repeats dropped from text files."""
    for name in expand(paths):
        source = "<stdin>" if name == STDIN else name
        if _is_jsonl(name):
            for index, obj in _jsonl_objects(name, encoding):
                yield Paragraph(source, _opt_str(obj.get("id")), index, obj["text"])
        else:
            for index, text in enumerate(iter_paragraphs(_lines(name, encoding, stdin))):
                yield Paragraph(source, None, index, text)


def read_documents(
    paths: Iterable[str], encoding: str | None = None, stdin: BinaryIO | None = None
) -> Iterator[Document]:
    """Whole documents of every input: one per text file or stdin, one per JSONL object."""
    for name in expand(paths):
        source = "<stdin>" if name == STDIN else name
        if _is_jsonl(name):
            for _, obj in _jsonl_objects(name, encoding):
                title = obj.get("title")
                yield Document(source, _opt_str(obj.get("id")), title if isinstance(title, str) else None, obj["text"])
        else:
            yield Document(source, None, None, "".join(_lines(name, encoding, stdin)))
