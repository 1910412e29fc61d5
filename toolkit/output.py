"""Writing records as JSON Lines, JSON, CSV or a terminal table: one place for all commands."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TextIO

FORMATS = ("table", "json", "jsonl", "csv")


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """One level of keys for CSV: nested dicts become ``key.sub``, lists are joined with ``;``.

    >>> flatten({"labels": ["admission", "personnel"], "scores": {"admission": 0.9}})
    {'labels': 'admission;personnel', 'scores.admission': 0.9}
    """
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = ";".join(
                json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else str(v) for v in value
            )
        else:
            flat[name] = value
    return flat


_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)  # records are trees we build
# JSONEncoder.encode builds a new C encoder on every call, which is a fifth of the cost of
# a classify record; this one is built once. (None where the C accelerator is missing.)
_C_ENCODE = (
    json.encoder.c_make_encoder(  # type: ignore[attr-defined]
        None, _ENCODER.default, json.encoder.encode_basestring,  # type: ignore[attr-defined]
        None, ": ", ", ", False, False, True,
    )
    if json.encoder.c_make_encoder  # type: ignore[attr-defined]
    else None
)


def dumps(obj: Any) -> str:
    """JSON that keeps Vietnamese letters readable, as ``json.dumps(obj, ensure_ascii=False)``.

    >>> dumps({"text": "Kết nạp đảng viên", "scores": {"admission": 0.97}})
    '{"text": "Kết nạp đảng viên", "scores": {"admission": 0.97}}'
    """
    if _C_ENCODE is None:
        return _ENCODER.encode(obj)
    return "".join(_C_ENCODE(obj, 0))


def write_records(
    records: Iterable[dict[str, Any]],
    fmt: str,
    out: TextIO,
    table: Callable[[dict[str, Any]], Sequence[str]] | None = None,
    headers: Sequence[str] = (),
) -> int:
    """Write records in ``fmt``; returns how many were written.

    ``jsonl`` and ``csv`` stream; ``json`` writes one array; ``table`` uses
    ``table(record)`` for the cells under ``headers``.
    """
    n = 0
    if fmt == "jsonl":
        lines: list[str] = []
        try:
            for n, rec in enumerate(records, 1):
                lines.append(dumps(rec))
                if len(lines) >= 256:  # one write per batch: write() costs more than a short line
                    out.write("\n".join(lines) + "\n")
                    lines.clear()
        finally:  # an input error later on still leaves every record before it written
            if lines:
                out.write("\n".join(lines) + "\n")
    elif fmt == "json":
        items = list(records)
        json.dump(items, out, ensure_ascii=False, indent=2)
        out.write("\n")
        n = len(items)
    elif fmt == "csv":
        import csv  # only here: start-up of the other formats does not pay for it

        writer: csv.DictWriter | None = None
        for n, rec in enumerate(records, 1):
            row = flatten(rec)
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(row), extrasaction="ignore", lineterminator="\n")
                writer.writeheader()
            writer.writerow(row)
    elif fmt == "table":
        from rich.console import Console
        from rich.table import Table

        grid = Table(*headers, show_lines=False, expand=True)
        for n, rec in enumerate(records, 1):
            grid.add_row(*(table(rec) if table else [dumps(rec)]))
        Console(file=out).print(grid)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return n
