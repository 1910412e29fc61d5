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
# A figure's unit: the longest known counted noun after the number ("tổ chức
# cơ sở đảng", "đảng viên mới", "cuộc tiếp xúc"), else at most two syllables
# cut at words that start a new phrase.
_UNIT_WORD = re.compile(r"\s+([^\W\d_][^\W_]*)")  # "m2", "km2" too
_STOP = frozenset(
    "và với của trong ngoài đạt được là có cho theo từ ở tại năm tháng ngày đến so trên dưới "
    "gồm như nhằm để thì mà nhưng hoặc hay vào về khi sau trước bằng do bị đã đang sẽ chiếm "
    "tăng giảm cùng các những này đó từng chưa đi".split()
)
_KNOWN_UNITS = sorted(
    (
        tuple(u.split())
        for u in (
            "tổ chức cơ sở đảng", "tổ chức đảng", "cơ sở đảng", "đảng viên mới", "đảng viên dự bị",
            "đảng viên chính thức", "đảng viên", "quần chúng ưu tú", "quần chúng", "chi bộ", "đảng bộ",
            "đảng bộ cơ sở", "cấp ủy viên", "ủy viên", "cán bộ", "công chức", "viên chức", "biên chế",
            "tập thể", "cá nhân", "trường hợp", "học viên", "lượt người", "lượt", "người", "hộ", "xã",
            "phường", "thị trấn", "thôn", "bản", "ấp", "buôn", "tổ dân phố", "đơn vị", "cơ quan",
            "doanh nghiệp", "đoàn viên", "hội viên", "đại biểu", "ban thanh tra nhân dân",
            "ban giám sát đầu tư của cộng đồng", "đơn thư", "đơn", "vụ việc", "vụ", "lãnh đạo",
            "cuộc tiếp xúc", "cuộc đối thoại", "cuộc kiểm tra", "cuộc giám sát", "cuộc", "lớp", "mô hình",
            "buổi", "đợt", "tỷ đồng", "triệu đồng", "nghìn đồng", "đồng", "m2 đất", "m2", "ha", "km",
            "tấn", "tác phẩm", "công trình", "hương ước", "quy ước", "sinh viên", "học sinh",
        )
    ),
    key=len,
    reverse=True,
)
_NOT_BEFORE = re.compile(
    r"(?:năm|ngày|tháng|khóa|khoá|số|điều|lần thứ|thứ|quý|giai đoạn|nhiệm kỳ|đợt|kỳ|phiên|"
    r"quyết định|nghị quyết|chỉ thị|kết luận|quy định|hướng dẫn|công văn|thông tư|nghị định|"
    r"(?<!kỷ )luật|tờ trình|đề án|chương trình|cụm|khối|phường|quận|xóm|tổ|đội|ấp|khu|đường|lúc|"
    r"km|trang|mục|khoản|điểm)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Figure:
    """A number in a sentence, what it counts, and the words that say it."""

    value: float
    unit: str
    text: str


def _unit_length(words: list[str]) -> int:
    """How many of the words after a number name what it counts."""
    lows = tuple(normalize(w.lower()) for w in words)
    for unit in _KNOWN_UNITS:
        if lows[: len(unit)] == unit:
            return len(unit)
    take = 0
    for i, low in enumerate(lows[:2]):
        if low in _STOP or (i and words[i] != words[i].lower() and low != "đảng"):
            break  # a new phrase, or a proper name ("Đảng" is a common noun here)
        take = i + 1
    return take


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
            ends: list[int] = []
            pos = m.end()
            while len(words) < 5 and (w := _UNIT_WORD.match(sentence, pos)) is not None:
                words.append(w.group(1))
                ends.append(pos := w.end())
            take = _unit_length(words)
            if not take:
                continue  # a bare number says too little to be a key figure
            unit, end = " ".join(words[:take]), ends[take - 1]
            if 1900 <= value <= 2100 and not total and "." not in number:
                continue  # a year
        text = sentence[m.start() : end].strip()
        out.append(Figure(value, unit, text))
    return out
