"""Digests as plain text or as a Markdown one-page brief."""

from __future__ import annotations

from typing import Any


def _figures(theme: dict[str, Any]) -> str:
    seen: list[str] = []
    for f in theme["figures"]:
        if f["text"] not in seen:
            seen.append(f["text"])
    return "; ".join(seen)


def plain(record: dict[str, Any]) -> str:
    """The digest's sentences, one a line, under the source name; themes after."""
    head = record["source"] + (f" [{record['id']}]" if record.get("id") else "")
    lines = [f"== {head}"]
    lines += [s["text"] for s in record["summary"]]
    for theme in record.get("themes", []):
        lines += ["", f"-- {theme['label']} ({theme['name']})"]
        lines += [s["text"] for s in theme["sentences"]]
        if theme["figures"]:
            lines.append("Số liệu: " + _figures(theme))
    return "\n".join(lines) + "\n"


def markdown(record: dict[str, Any]) -> str:
    """A one-page brief: title, digest, then a section per theme with key figures."""
    title = record.get("title") or record.get("id") or record["source"]
    lines = [f"# {title}", "", f"*Nguồn: {record['source']}*", "", "## Tóm tắt", ""]
    lines += [f"- {s['text']}" for s in record["summary"]] or ["*(không có nội dung)*"]
    themes = record.get("themes")
    if themes is not None:
        lines += ["", "## Theo chủ đề", ""]
        if not themes:
            lines.append("*Không có đoạn nào thuộc bốn chủ đề.*")
        for theme in themes:
            lines += [f"### {theme['name']}", ""]
            if theme["figures"]:
                lines += [f"**Số liệu chính:** {_figures(theme)}", ""]
            lines += [f"- {s['text']}" for s in theme["sentences"]]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
