"""Decoding, normalization, paragraphs, sentences and tokens."""

from __future__ import annotations

import codecs
import io
import unicodedata

import pytest

from toolkit.errors import InputError
from toolkit.text import (
    is_furniture,
    iter_lines,
    iter_paragraphs,
    normalize,
    paragraph_spans,
    read_text,
    sentence_spans,
    tokens,
)

SAMPLE = "Năm 2019, Đảng ủy xã Hòa Bình kết nạp 12 đảng viên mới.\nỦy ban Kiểm tra thi hành kỷ luật 2 đảng viên.\n"


@pytest.mark.parametrize(
    "data",
    [
        SAMPLE.encode("utf-8"),
        codecs.BOM_UTF8 + SAMPLE.encode("utf-8"),
        codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom"],
)
def test_decodes_utf8_and_utf16_with_bom(data: bytes) -> None:
    assert "".join(iter_lines(io.BytesIO(data), "x.txt")) == SAMPLE


def test_decoding_splits_multibyte_characters_across_chunks() -> None:
    text = "đảng viên " * 20000  # longer than one read, many 2-3 byte letters
    assert "".join(iter_lines(io.BytesIO(text.encode("utf-8")), "x")) == text


def test_lines_longer_than_a_read_come_out_whole() -> None:
    long = "kết nạp đảng viên " * 30000  # ~550 KB: many reads, one line
    text = f"Dòng đầu\n{long}\nDòng giữa\u2028dòng sau\n{long}"
    assert list(iter_lines(io.BytesIO(text.encode("utf-8")), "x")) == text.splitlines(keepends=True)


def _cp1258(text: str) -> bytes:
    """Windows-1258 keeps base letters precomposed and tone marks combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def test_undecodable_text_names_the_file_and_suggests_encoding() -> None:
    data = _cp1258("Đảng ủy")
    with pytest.raises(InputError) as err:
        list(iter_lines(io.BytesIO(data), "bao-cao.txt"))
    assert "bao-cao.txt" in str(err.value) and "--encoding" in str(err.value)


def test_explicit_encoding_reads_windows_1258() -> None:
    data = _cp1258("Đảng ủy kết nạp đảng viên")
    text = "".join(iter_lines(io.BytesIO(data), "x", encoding="cp1258"))
    assert normalize(text) == "Đảng ủy kết nạp đảng viên"


def test_binary_file_is_refused() -> None:
    with pytest.raises(InputError, match="binary"):
        list(iter_lines(io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00\x00"), "a.png"))


def test_read_text_missing_file(tmp_path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_text(str(tmp_path / "missing.txt"))


@pytest.mark.parametrize(
    "old,new",
    [("hoà", "hòa"), ("thuỷ", "thủy"), ("Uỷ ban", "Ủy ban"), ("khoẻ", "khỏe"), ("UỶ BAN", "ỦY BAN"),
     ("hoạ", "họa"), ("Hoà Bình", "Hòa Bình")],
)
def test_tone_marks_follow_one_convention(old: str, new: str) -> None:
    assert normalize(old) == new
    assert normalize(new) == new


@pytest.mark.parametrize("word", ["quý", "quỹ", "hoàn", "thuyền", "ngoài", "huỳnh", "khoảng", "tùy"])
def test_syllables_that_do_not_change(word: str) -> None:
    assert normalize(word) == word


def test_normalize_makes_nfc_and_keeps_length() -> None:
    decomposed = unicodedata.normalize("NFD", "Uỷ ban kiểm tra hoà giải")
    out = normalize(decomposed)
    assert unicodedata.is_normalized("NFC", out)
    assert out == "Ủy ban kiểm tra hòa giải"
    text = "Ban chỉ đạo thuỷ lợi"
    assert len(normalize(text)) == len(text)


def test_both_spellings_give_the_same_tokens() -> None:
    assert tokens("Uỷ ban Kiểm tra Tỉnh uỷ") == tokens("Ủy ban kiểm tra tỉnh ủy")
    assert tokens("Năm 2012 có 306 đảng viên.") == ["năm", "có", "đảng", "viên"]


@pytest.mark.parametrize(
    "line",
    [
        "Cập nhật: Thứ hai 04/03/2024 - 08:15",
        "09:30 | 17/11/2016",
        "Ý kiến bạn đọc",
        "Tin liên quan",
        "THÔNG TIN - QUẢNG CÁO",
        "https://example.vn/bai-viet",
        "Họ và tên : *",
        "Chia sẻ bài viết",
        "Ngọc Lan - Quốc Bảo",
        "Ảnh: Thanh Hà",
        "Xem thêm",
    ],
)
def test_furniture_is_recognised(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Huyện ủy Yên Lập kết nạp 57 đảng viên mới trong năm 2021.",
        "Nâng cao chất lượng công tác dân vận ở cơ sở",
        "Đồng chí Bí thư Tỉnh ủy trao quyết định bổ nhiệm cho 3 cán bộ.",
        "Theo kế hoạch, trong tháng 6 Ủy ban Kiểm tra sẽ giám sát 4 chi bộ.",
    ],
)
def test_content_is_kept(line: str) -> None:
    assert not is_furniture(line)


def test_paragraphs_drop_furniture_and_exact_repeats_and_keep_offsets() -> None:
    doc = (
        "Tin liên quan\n"
        "Huyện ủy trao quyết định điều động 2 cán bộ.\n\n"
        "  Huyện ủy trao quyết định điều động 2 cán bộ.\n"
        "Mặt trận Tổ quốc xã tổ chức đối thoại với nhân dân.\r\n"
        "Minh Châu\n"
    )
    spans = paragraph_spans(doc)
    assert [s.text for s in spans] == [
        "Huyện ủy trao quyết định điều động 2 cán bộ.",
        "Mặt trận Tổ quốc xã tổ chức đối thoại với nhân dân.",
    ]
    for s in spans:
        assert doc[s.start : s.end] == s.text
    assert list(iter_paragraphs(doc.splitlines(keepends=True))) == [s.text for s in spans]


@pytest.mark.parametrize(
    "kept",
    ["2.822", "69,56%", "13/12/2019", "TP. Sóc Trăng", "TS. Lê Văn Tám", "Đ/c Hoàng", "v.v."],
)
def test_sentence_splitter_keeps_tokens_intact(kept: str) -> None:
    para = f"Câu đầu có {kept} ở giữa câu và tiếp tục. Câu thứ hai kết thúc."
    sents = [s.text for s in sentence_spans(para)]
    assert len(sents) == 2 and kept in sents[0]


def test_sentence_offsets_point_into_the_original() -> None:
    doc = "Mở đầu.\nNgày 7/3, Tỉnh ủy họp. Có 2.822 đảng viên! Hỏi: vì sao? “Trích dẫn.” Hết"
    start = doc.index("Ngày")
    spans = sentence_spans(doc[start:], offset=start)
    assert [s.text for s in spans] == [
        "Ngày 7/3, Tỉnh ủy họp.", "Có 2.822 đảng viên!", "Hỏi: vì sao?", "“Trích dẫn.”", "Hết",
    ]
    for s in spans:
        assert doc[s.start : s.end] == s.text


def test_sentence_split_on_missing_space() -> None:
    sents = [s.text for s in sentence_spans("Lãnh đạo tỉnh tới dự.Báo cáo do Ban Tổ chức trình bày.")]
    assert sents == ["Lãnh đạo tỉnh tới dự.", "Báo cáo do Ban Tổ chức trình bày."]


def test_empty_text_has_no_sentences_or_paragraphs() -> None:
    assert sentence_spans("") == [] and paragraph_spans("\n\n  \n") == []
