"""Key figures: Vietnamese numbers with what they count.

Vietnamese writes "2.822" for two thousand eight hundred twenty-two and
"69,56%" for a decimal; "8,8 nghìn" is 8,800. Dates, years, document numbers
("Chỉ thị 35-CT/TW"), ordinals ("lần thứ XIV") and congress terms are not figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolkit.text import normalize

_SCALES = {"nghìn": 1e3, "ngàn": 1e3, "triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9}
_NUMBER = re.compile(
    r"(?<![\w./,-])(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)"
    r"(?:/(\d+(?:\.\d{3})*))?"  # "32/46"
    r"(\s*%|\s+(?:nghìn|ngàn|triệu|tỷ|tỉ)(?![\w]))?"
)
# A figure's unit: up to five lower-case syllables after the number, cut at
# words that start a new phrase.
_UNIT_WORD = re.compile(r"\s+([^\W\d_][^\W_]*)")  # "m2", "km2" too
_STOP = frozenset(
    "và với của trong ngoài đạt được là có cho theo từ ở tại năm tháng ngày đến so trên dưới "
    "gồm như nhằm để thì mà nhưng hoặc hay vào về khi sau trước bằng do bị đã đang sẽ chiếm "
    "tăng giảm người lượt cùng các những này đó".split()
)
_UNIT_KEEP_FIRST = frozenset({"người", "lượt"})  # a unit by themselves: "120 người"
_NOT_BEFORE = re.compile(
    r"(?:năm|ngày|tháng|khóa|khoá|số|điều|lần thứ|thứ|quý|giai đoạn|nhiệm kỳ|đợt|kỳ|phiên|"
    r"quyết định|nghị quyết|chỉ thị|kết luận|quy định|hướng dẫn|công văn|thông tư|nghị định|"
    r"luật|tờ trình|đề án|chương trình|cụm|khối|phường|quận|xóm|tổ|đội|ấp|khu|đường|lúc|"
    r"km|trang|mục|khoản|điểm)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Figure:
    """A number in a sentence, what it counts, and the words that say it."""

    value: float
    unit: str
    text: str


def parse_number(raw: str) -> float:
    """A Vietnamese-formatted number as a float.

    >>> parse_number("2.822"), parse_number("69,56"), parse_number("1.234,5")
    (2822.0, 69.56, 1234.5)
    """
    return float(raw.replace(".", "").replace(",", "."))


def figures(sentence: str) -> list[Figure]:
    """The counted figures of a sentence, with units.

    >>> [(f.value, f.unit, f.text) for f in figures("Năm 2012, huyện Thanh Sơn kết nạp được gần 306 đảng viên.")]
    [(306.0, 'đảng viên', '306 đảng viên')]
    >>> [(f.value, f.unit) for f in figures("Toàn tỉnh kết nạp trên 8,8 nghìn đảng viên, tỷ lệ 3,57%.")]
    [(8800.0, 'đảng viên'), (3.57, '%')]
    """
    out: list[Figure] = []
    for m in _NUMBER.finditer(sentence):
        number, total, suffix = m.group(1), m.group(2), (m.group(3) or "").strip()
        before = sentence[max(0, m.start() - 24) : m.start()]
        if _NOT_BEFORE.search(normalize(before.lower())):
            continue
        after = sentence[m.end() : m.end() + 1]
        if after and after in "/-:" and not total:
            continue  # dates "13/12", "25-7-2020", "Chỉ thị 35-CT/TW", times "16:47"
        value = parse_number(number)
        if suffix in _SCALES:
            value *= _SCALES[suffix]
        if suffix == "%":
            unit, end = "%", m.end()
        else:
            words: list[str] = []
            end = m.end()
            pos = m.end()
            while len(words) < 5 and (w := _UNIT_WORD.match(sentence, pos)) is not None:
                word = w.group(1)
                low = normalize(word.lower())
                if word != word.lower() and words and low != "đảng":
                    break  # a proper name starts ("Đảng" is a common noun here)
                if low in _STOP and not (low in _UNIT_KEEP_FIRST and not words):
                    break
                words.append(word)
                pos = end = w.end()
                if low in _UNIT_KEEP_FIRST:
                    break
            unit = " ".join(words)
            if not unit:
                continue  # a bare number says too little to be a key figure
            if 1900 <= value <= 2100 and not total and "." not in number:
                continue  # a year
        text = sentence[m.start() : end].strip()
        out.append(Figure(value, unit, text))
    return out
