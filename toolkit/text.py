"""Vietnamese text handling shared by every command.

Decoding, normalization, paragraph splitting with web-page furniture removed,
a sentence splitter that returns character offsets into the original text, and
syllable tokens for features.

Normalization is Unicode NFC plus one tone-mark convention, the "modern" one
that puts the mark on the first vowel of an open ``oa``, ``oe`` or ``uy``
syllable: "hoà" → "hòa", "thuỷ" → "thủy", "uỷ" → "ủy", "khoẻ" → "khỏe".
Syllables with a final consonant or vowel ("hoàn", "thuyền", "ngoài") and
``qu`` syllables ("quý") are the same in both conventions and stay as they are.
Features are computed from normalized text; everything shown to a user keeps
the original text.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from toolkit.errors import InputError

# ---------------------------------------------------------------- decoding

_SNIFF = 8192


def detect_encoding(head: bytes) -> str:
    """The codec for a byte stream that starts with ``head``.

    UTF-16 needs its byte-order mark; UTF-8 may have one (it is dropped).
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines splits on


def iter_lines(stream: BinaryIO, name: str, encoding: str | None = None) -> Iterator[str]:
    """Decode a binary stream line by line, without reading it whole.

    ``name`` is used in error messages. Raises :class:`InputError` for binary
    data or bytes that are not valid in the encoding.
    """
    head = stream.read(_SNIFF)
    if encoding is None:
        encoding = detect_encoding(head)
        if encoding != "utf-16" and b"\x00" in head:
            raise InputError(f"{name}: looks like a binary file, not text")
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    except LookupError:
        raise InputError(f"{name}: unknown encoding {encoding!r}") from None
    offset = 0
    pending: list[str] = []  # pieces of an unfinished line, joined once it ends
    chunk = head
    while chunk:
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{name}: cannot decode byte 0x{exc.object[exc.start]:02x} at offset "
                f"{offset + exc.start} as {encoding.replace('-sig', '')}; "
                "if the file uses another encoding, pass --encoding (e.g. --encoding cp1258)"
            ) from None
        offset += len(chunk)
        chunk = stream.read(1 << 16)
        lines = text.splitlines(keepends=True)
        if not lines:
            continue
        if pending:
            if len(lines) == 1 and lines[0][-1] not in _LINE_BREAKS:
                pending.append(lines[0])  # a very long line: no re-splitting of what came before
                continue
            lines[0] = "".join(pending) + lines[0]
            pending = []
        if lines[-1][-1] not in _LINE_BREAKS:
            pending.append(lines.pop())  # an unfinished line: wait for the next chunk
        yield from lines
    try:
        pending.append(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        raise InputError(f"{name}: the file ends in the middle of a character") from None
    rest = "".join(pending)
    if rest:
        yield rest


def read_text(path: str, encoding: str | None = None) -> str:
    """Read a whole text file, decoded as :func:`iter_lines` does."""
    with open_binary(path) as stream:
        return "".join(iter_lines(stream, path, encoding))


def open_binary(path: str) -> BinaryIO:
    """Open ``path`` for reading bytes, with one-line errors."""
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None


# ----------------------------------------------------------- normalization

_MARKS = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng


def _toned(base: str) -> list[str]:
    return [unicodedata.normalize("NFC", base + m) for m in _MARKS]


def _tone_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for f, s in ((first, second), (first.upper(), second.upper()), (first.upper(), second)):
            for old_second, new_first in zip(_toned(s), _toned(f)):
                table[f + old_second] = new_first + s
    return table


_TONE_TABLE = _tone_table()
# A character-class pair is far faster than an alternation of the 90 pairs;
# pairs outside the table ("oỳ") are left as they are by the replacement.
_TONE_RE = re.compile(
    r"(?<![qQ])[oOuU][" + "".join(sorted({k[1] for k in _TONE_TABLE})) + r"](?![^\W\d_])"
)


def normalize(text: str) -> str:
    """NFC and the modern tone-mark convention; length and case are kept.

    >>> normalize("Uỷ ban kiểm tra hoà giải")
    'Ủy ban kiểm tra hòa giải'
    """
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return _TONE_RE.sub(_retone, text)


_OLD_STYLE = {new: old for old, new in _TONE_TABLE.items()}
OLD_STYLE_ENDINGS = frozenset(_OLD_STYLE)  # the last two letters of syllables with another spelling


def old_style_spellings(syllable: str) -> list[str]:
    """The other tone-mark spelling of a normalized syllable, if it has one.

    Prediction looks tokens up with these aliases instead of running the
    tone-mark regex over every input.

    >>> old_style_spellings("hòa"), old_style_spellings("quý"), old_style_spellings("hoàn")
    (['hoà'], [], [])
    """
    tail = syllable[-2:]
    if len(tail) == 2 and tail in _OLD_STYLE and not syllable[:-2].endswith(("q", "Q")):
        return [syllable[:-2] + _OLD_STYLE[tail]]
    return []


def _retone(m: re.Match[str]) -> str:
    pair = m.group()
    return _TONE_TABLE.get(pair, pair)


# ------------------------------------------------------------------ tokens

TOKEN_PATTERN = r"[^\W\d_]+"  # a syllable: letters only, so numbers and punctuation drop out
_TOKEN_RE = re.compile(TOKEN_PATTERN)


def tokens(text: str) -> list[str]:
    """Lower-cased syllables with diacritics, numbers and punctuation dropped.

    >>> tokens("Năm 2012, huyện kết nạp 306 đảng viên.")
    ['năm', 'huyện', 'kết', 'nạp', 'đảng', 'viên']
    """
    return _TOKEN_RE.findall(normalize(text.lower()))


def tokens_of_normalized(text: str) -> list[str]:
    """:func:`tokens` for text already lower-cased and normalized (skips that work)."""
    return _TOKEN_RE.findall(text)


# -------------------------------------------------------------- paragraphs


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of the original text and where it stands in it."""

    start: int
    end: int
    text: str


_FURNITURE_PREFIXES = tuple(
    normalize(p)
    for p in (
        "ý kiến bạn đọc", "tin liên quan", "thông tin - quảng cáo", "quảng cáo",
        "chia sẻ", "xem thêm", "phản hồi", "các tin khác", "tin khác", "mới nhất",
        "xem nhiều nhất", "đọc nhiều nhất", "tin đọc nhiều", "bài cùng chuyên mục",
        "tin cùng chuyên mục", "bài viết liên quan", "bài liên quan", "in trang này",
        "in bài", "bản in", "gửi ý kiến", "gửi bình luận", "bình luận", "tìm kiếm",
        "video clips", "trở về", "về đầu trang", "đầu trang", "tiếng việt | english",
        "tra cứu", "giới thiệu tạp chí", "họ và tên", "họ tên", "email", "e-mail",
        "địa chỉ", "mã bảo vệ", "mã xác nhận", "ý kiến của bạn", "từ khóa", "tags",
        "theo dõi", "đọc thêm", "tin mới", "lượt xem", "gửi bài", "đăng nhập",
        "trang chủ", "bản quyền", "copyright", "©",
    )
)
_DATE_TIME = re.compile(
    r"\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?|\d{1,2}\s*(?:h|:|giờ)\s*\d{0,2}'?|\d{4}"
)
_DATE_WORDS = re.compile(
    r"(cập nhật|đăng|ngày|lúc|giờ|thứ|hai|ba|tư|năm|sáu|bảy|chủ nhật|gmt|am|pm|tháng)",
)
_URL = re.compile(r"^(?:https?://|www\.)\S*$", re.IGNORECASE)
_CREDIT = re.compile(r"^(?:ảnh|nguồn|theo|video|clip|đồ họa|thực hiện)\s*:", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")
_DIGIT = re.compile(r"\d")


def is_furniture(line: str) -> bool:
    """True for web-page furniture: bylines, timestamps, menus, forms, URLs, ads.

    >>> is_furniture("Cập nhật: Thứ sáu 13/12/2019 - 16:47"), is_furniture("Tin liên quan")
    (True, True)
    >>> is_furniture("Năm 2012, huyện kết nạp 306 đảng viên.")
    False
    """
    line = line.strip()
    if not line:
        return True
    if line.count(" ") >= 14 and "|" not in line:
        return False  # furniture is short: skip the work below for content lines
    words = _WORD.findall(line)
    letters = [w for w in words if not w.isdigit()]
    if len(letters) < 2 and len(words) < 4:
        return True  # "Số 8 - 2020", "T.S", a lone name
    if len(words) > 14:
        return False
    low = normalize(line.lower()).lstrip("*•-–|> ")
    if low.startswith(_FURNITURE_PREFIXES) or _URL.match(low):
        return True
    if _CREDIT.match(low) and len(words) <= 12:
        return True
    if len(words) <= 8 and (line.endswith((":", "*")) or line.count("|") >= 2):
        return True  # form fields and menus
    # Most short lines are headlines without a digit: skip the timestamp patterns for them.
    has_digit = _DIGIT.search(line) is not None
    if has_digit and _DATE_TIME.search(low) and not _DATE_WORDS.sub("", _DATE_TIME.sub("", low)).strip(
        " \t-–|,:;.'/()"
    ):
        return True  # a timestamp line
    if letters and line == line.upper() and len(words) <= 12:
        return True  # "THÔNG TIN - QUẢNG CÁO"
    if len(words) <= 6 and not has_digit:
        if all(w[0].isupper() for w in letters) and not line.endswith(("?", "!")):
            return True  # bylines and menu entries: "Hằng Nga - Mạnh Hùng"
    if len(words) <= 5 and low.startswith(("theo ", "nguồn ")):
        return True  # "Theo TTXVN"
    return False


class ParagraphFilter:
    """Keeps content paragraphs: drops furniture and exact repeats in one document."""

    _MAX_SEEN = 200_000  # bounds memory on huge single-document streams

    def __init__(self, repeated: set[str] | None = None) -> None:
        self._seen: set[int] = set()
        self._repeated = repeated  # when given, collects the paragraphs dropped as repeats

    def keep(self, paragraph: str) -> bool:
        """True when ``paragraph`` (already stripped) is new content."""
        if is_furniture(paragraph):
            return False
        key = hash(paragraph)
        if key in self._seen:
            if self._repeated is not None:
                self._repeated.add(paragraph)
            return False
        if len(self._seen) >= self._MAX_SEEN:
            self._seen.clear()
        self._seen.add(key)
        return True


_LINE_RE = re.compile(r"[^\r\n]+")


def paragraph_spans(text: str, repeated: set[str] | None = None) -> list[Span]:
    """The content paragraphs of a document, one per non-blank line, with offsets.

    Exact repeats are dropped; ``repeated``, when given, receives their texts.

    >>> [p.text for p in paragraph_spans("Tin liên quan\\nHuyện kết nạp 42 đảng viên.\\n")]
    ['Huyện kết nạp 42 đảng viên.']
    """
    keeper = ParagraphFilter(repeated)
    spans = []
    for m in _LINE_RE.finditer(text):
        raw = m.group()
        stripped = raw.strip()
        if stripped and keeper.keep(stripped):
            start = m.start() + (len(raw) - len(raw.lstrip()))
            spans.append(Span(start, start + len(stripped), stripped))
    return spans


def iter_paragraphs(lines: Iterable[str]) -> Iterator[str]:
    """Content paragraphs from a stream of lines, as :func:`paragraph_spans` keeps them."""
    keeper = ParagraphFilter()
    for line in lines:
        stripped = line.strip()
        if stripped and keeper.keep(stripped):
            yield stripped


# --------------------------------------------------------------- sentences

# Lower-cased; none of them has a tone mark that the two conventions place differently.
_ABBREVIATIONS = frozenset(
    a
    for a in (
        "tp", "tt", "ts", "ths", "pgs", "gs", "bs", "bsck", "ks", "cn", "ls", "nxb", "tr",
        "st", "mr", "mrs", "ms", "dr", "no", "vs", "q", "p", "h", "x", "đ/c", "đc", "tx",
        "sđd", "tlđd", "ttg", "th.s", "ts.bs", "pgs.ts", "gs.ts", "v.v", "v/v", "k", "tm",
    )
)
_END_RE = re.compile(r"(?:\.{3}|…|[.!?])+[”\"’'»)\]]*")
_OPENERS = "“\"'‘«([-–—•*+"


def _ends_sentence(text: str, start: int, end: int) -> bool:
    """Whether the punctuation run text[start:end] closes a sentence."""
    n = len(text)
    j = end
    while j < n and text[j] in " \t\u00a0":
        j += 1
    if j >= n:
        return True
    nxt = text[j]
    # Look back a bounded window: slicing the whole prefix made long paragraphs quadratic.
    before = text[max(0, start - 40) : start].rsplit(None, 1)
    word = before[-1].lstrip(_OPENERS) if before and not text[start - 1].isspace() else ""
    lone_period = text[start:end] == "."
    if lone_period and word:
        low = word.lower()
        if low in _ABBREVIATIONS or (len(word) == 1 and word.isupper()):
            return False  # "TP. Sóc Trăng", "TS. Lê", "Nguyễn V. A"
        if re.fullmatch(r"(?:[^\W\d_]\.)+[^\W\d_]", low):
            return False  # "v.v", "T.S"
    if j == end:  # no space: only "dự.Báo cáo" style run-ons split
        return (
            lone_period and nxt.isupper() and len(word) >= 2 and word.islower()
        )
    return nxt.isupper() or nxt.isdigit() or nxt in _OPENERS


def sentence_spans(text: str, offset: int = 0) -> list[Span]:
    """Split one paragraph into sentences; offsets are into the original text.

    Numbers ("2.822", "69,56%", "13/12/2019"), "TP. Sóc Trăng", "TS.", "Đ/c",
    "v.v." stay inside their sentence. ``offset`` is added to every position,
    so spans of a paragraph point into the whole document.

    >>> [s.text for s in sentence_spans("Tại TP. Sóc Trăng có 2.822 đảng viên. Đạt 69,56%.")]
    ['Tại TP. Sóc Trăng có 2.822 đảng viên.', 'Đạt 69,56%.']
    """
    spans: list[Span] = []
    begin = 0
    for m in _END_RE.finditer(text):
        if _ends_sentence(text, m.start(), m.end()):
            _add_span(spans, text, begin, m.end(), offset)
            begin = m.end()
    _add_span(spans, text, begin, len(text), offset)
    return spans


def _add_span(spans: list[Span], text: str, begin: int, end: int, offset: int) -> None:
    piece = text[begin:end]
    stripped = piece.strip()
    if not stripped:
        return
    start = begin + (len(piece) - len(piece.lstrip()))
    spans.append(Span(offset + start, offset + start + len(stripped), stripped))
