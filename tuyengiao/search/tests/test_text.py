"""Vietnamese normalisation: one canonical form per syllable, whatever the keyboard or tone style."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuyengiao.search import text

ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gh", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh", "ph", "r", "s", "t", "th", "tr", "v", "x"]  # fmt: skip
NUCLEI = [
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia",
    "iê", "iu", "oa", "oă", "oe", "oi", "ôi", "ơi", "oo", "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ươ",
    "ưu", "yê", "oai", "oay", "uây", "uôi", "ươi", "ươu", "uya", "uyê", "uyu", "iêu", "yêu", "oeo",
]  # fmt: skip
FINALS = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"]
TONES = ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]  # huyền, sắc, ngã, hỏi, nặng
VIETNAMESE_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY"


@st.composite
def syllable_parts(draw):
    return draw(st.sampled_from(ONSETS)), draw(st.sampled_from(NUCLEI)), draw(st.sampled_from(FINALS))


def with_tone_on(onset: str, nucleus: str, final: str, tone: str, position: int) -> str:
    nucleus = nucleus[:position] + nucleus[position] + tone + nucleus[position + 1 :]
    return unicodedata.normalize("NFC", onset + nucleus + final)


@given(syllable_parts(), st.sampled_from(TONES), st.data())
def test_tone_on_any_vowel_gives_one_canonical_form(parts, tone, data):
    """Old style (hòa), new style (hoà) and misplaced tones all normalise to the same syllable."""
    onset, nucleus, final = parts
    forms = {text.canonical(with_tone_on(onset, nucleus, final, tone, i)) for i in range(len(nucleus))}
    assert len(forms) == 1
    upper = data.draw(st.booleans())
    written = with_tone_on(onset, nucleus, final, tone, data.draw(st.integers(0, len(nucleus) - 1)))
    assert text.canonical(written.upper() if upper else written) == forms.pop()


@given(st.text())
def test_normalisation_is_idempotent(value):
    assert text.normalize(text.normalize(value)) == text.normalize(value)
    assert text.folded(text.folded(value)) == text.folded(value)


@given(st.text(alphabet=st.sampled_from(VIETNAMESE_LETTERS + "".join(TONES) + " ,.\"'-"), max_size=40))
def test_vietnamese_text_is_idempotent_syllable_by_syllable(value):
    for syllable in text.syllables(value):
        canonical = text.canonical(syllable)
        assert text.canonical(canonical) == canonical
        assert text.fold(canonical) == text.fold(syllable)


@given(st.text())
def test_nfc_and_nfd_input_give_the_same_forms(value):
    nfd, nfc = unicodedata.normalize("NFD", value), unicodedata.normalize("NFC", value)
    assert text.normalize(nfd) == text.normalize(nfc)
    assert text.folded(nfd) == text.folded(nfc)
    assert text.index_keys(nfd) == text.index_keys(nfc)


@given(st.text())
def test_folded_form_has_no_marks(value):
    folded = text.folded(value)
    assert "đ" not in folded
    assert not any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", folded))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("uỷ", "ủy"),
        ("khoẻ", "khỏe"),
        ("quý", "qúy"),
        ("già", "gìa"),
        ("hoàn", "hòan"),
        ("đồng", "ðồng"),
        ("Đảng", "ÐẢNG"),
        ("QUẬN", "quận"),
        ("người", "ngừơi"),
    ],
)
def test_known_spellings_are_one_syllable(one, other):
    assert text.canonical(one) == text.canonical(other)
    assert text.canonical(unicodedata.normalize("NFD", one)) == text.canonical(other)


@pytest.mark.parametrize(
    ("different", "other"),
    [("mà", "mã"), ("đảng", "đăng"), ("hoà", "hoá"), ("gìn", "gin"), ("quốc", "quoc")],
)
def test_different_syllables_stay_different(different, other):
    assert text.canonical(different) != text.canonical(other)
    assert text.fold(different) == text.fold(other)


def test_folding_removes_every_mark_and_reads_d_bar_as_d():
    assert text.folded("Đảng uỷ phường Long Hoà") == "dang uy phuong long hoa"
    assert text.folded("ðồng") == "dong"


def test_syllables_split_on_everything_but_letters_and_digits():
    assert text.syllables("Hội nghị (lần 2), 12.000 lượt—“trực tuyến”/NEAR*x") == [
        "Hội", "nghị", "lần", "2", "12", "000", "lượt", "trực", "tuyến", "NEAR", "x",
    ]  # fmt: skip
