"""Tests for note decoding and mojibake repair: the seed note, made-up damage, properties."""

from __future__ import annotations

import re
import string
from pathlib import Path

import ftfy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.notes.encoding import (
    _FTFY,
    DecodedText,
    UndecodableError,
    _fix_text,
    _repair_line,
    decode_note,
    looks_damaged,
    repair_text,
)

SEED = Path(__file__).resolve().parent.parent / "content" / "amazon-ecs.md"

# What must not survive a repair (the brief's list, plus the Windows-1252 emoji prefix).
MOJIBAKE = ("ğŸ", "ðŸ", "â€", "âœ", "âŒ", "⌠", "Ã", "â†")

# The symbols notes actually use, several of which contain a byte both code pages drop:
# ❌ (E2 9D 8C), ” (E2 80 9D), 🔍 (F0 9F 94 8D) and the emoji selector in ⚠️ (EF B8 8F).
SYMBOLS = ["📘", "✅", "❌", "📌", "🧠", "📚", "→", "–", "—", "“", "”", "’", "•", "🔍", "⚠️"]

SAMPLE = (
    "# 📘 Amazon ECS – Elastic Container Service\n"
    "\n"
    "## ✅ 1. Deployment Models\n"
    "| Simple functions | ❌ Not ideal | Lambda |\n"
    "**📌 Exam Signal:** EC2 → servers; Fargate — serverless.\n"
    "# 🧠 Summary — “quoted” and it’s • a bullet\n"
    "## 📚 Exam Focus 🔍 ⚠️ read twice\n"
)


def damage(text: str, codepage: str) -> str:
    """The seed note's damage: UTF-8 read as a Windows code page, undefined bytes dropped."""
    return text.encode("utf-8").decode(codepage, errors="ignore")


# --- The seed note -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_raw() -> bytes:
    return SEED.read_bytes()


@pytest.fixture(scope="module")
def seed(seed_raw: bytes) -> DecodedText:
    return decode_note(seed_raw)


def test_seed_note_is_damaged_before_repair(seed_raw: bytes) -> None:
    raw = seed_raw.decode("utf-8")
    assert looks_damaged(raw)
    assert "âŒ Not ideal" in raw  # ❌ lost its 0x9D: nothing is left of it but "âŒ"


def test_seed_note_has_no_mojibake_left(seed: DecodedText) -> None:
    for marker in MOJIBAKE:
        assert marker not in seed.text, marker
    assert not looks_damaged(seed.text)
    assert "\ufffd" not in seed.text


def test_seed_note_title_is_restored_on_line_1(seed: DecodedText) -> None:
    assert "📘 Amazon ECS – Elastic Container Service" in seed.text.split("\n")[0]


def test_seed_note_cross_mark_is_restored(seed: DecodedText) -> None:
    assert "❌ Not ideal" in seed.text
    assert "❌ ECS is not Kubernetes" in seed.text


def test_seed_note_cross_marks_sit_in_the_alternatives_table_rows(seed: DecodedText) -> None:
    rows = [line for line in seed.text.split("\n") if "❌" in line]
    assert len(rows) == 2
    assert rows[0].startswith("| Simple event-driven functions | ❌ Not ideal ")
    assert rows[1].startswith("| Managed Kubernetes cluster | ❌ ECS is not Kubernetes ")


def test_ftfy_alone_reads_the_seed_cross_mark_as_an_integral_sign(seed_raw: bytes) -> None:
    # Why encoding.py exists: plain ftfy takes the space after "âŒ" for a lost no-break space.
    fixed = ftfy.fix_text(seed_raw.decode("utf-8"))
    assert "⌠Not ideal" in fixed
    assert "❌" not in fixed


def test_seed_note_keeps_its_number_of_lines(seed_raw: bytes, seed: DecodedText) -> None:
    assert seed.text.count("\n") == seed_raw.count(b"\n")


def test_seed_note_other_symbols_are_restored(seed: DecodedText) -> None:
    for symbol in (
        "✅ 1. Deployment Models",
        "📌 Exam Signal",
        "🧠 Summary Table",
        "📚 Exam Focus",
    ):
        assert symbol in seed.text
    assert "required → EC2 launch type" in seed.text


def test_seed_note_is_reported_as_repaired_windows_1254_mojibake(seed: DecodedText) -> None:
    assert seed.repaired
    assert seed.encoding_note == "utf-8 (mojibake from windows-1254 repaired)"


def test_seed_note_repair_is_stable_when_run_again(seed: DecodedText) -> None:
    assert repair_text(seed.text) == (seed.text, False)


def test_seed_note_repairs_the_same_as_text_or_bytes(seed_raw: bytes, seed: DecodedText) -> None:
    assert repair_text(seed_raw.decode("utf-8")) == (seed.text, True)


# --- Made-up damage in both code pages -----------------------------------------------------


@pytest.mark.parametrize("codepage", ["cp1252", "cp1254"])
def test_damage_helper_drops_the_bytes_the_code_page_lacks(codepage: str) -> None:
    assert damage("❌", codepage) == "âŒ"
    assert damage("📘", codepage) == {"cp1252": "ðŸ“˜", "cp1254": "ğŸ“˜"}[codepage]
    assert damage("”", codepage) == "â€"


@pytest.mark.parametrize("codepage", ["cp1252", "cp1254"])
def test_many_symbols_damaged_through_a_code_page_are_restored(codepage: str) -> None:
    damaged = damage(SAMPLE, codepage)
    assert looks_damaged(damaged)
    assert repair_text(damaged) == (SAMPLE, True)


@pytest.mark.parametrize(
    ("codepage", "name"), [("cp1252", "windows-1252"), ("cp1254", "windows-1254")]
)
def test_encoding_note_names_the_code_page_that_did_the_damage(codepage: str, name: str) -> None:
    # Turkish letters only exist in 1254, and "Ž" only in 1252, so each is recognisable.
    extra = {"cp1252": "Zürich 🎯 ➡ Žemaitija\n", "cp1254": "Ağrı İstanbul 🎯 ➡\n"}
    text = SAMPLE + extra[codepage]
    decoded = decode_note(damage(text, codepage).encode("utf-8"))
    assert decoded.text == text
    assert decoded.encoding_note == f"utf-8 (mojibake from {name} repaired)"


@pytest.mark.parametrize("codepage", ["cp1252", "cp1254"])
def test_cross_mark_keeps_the_space_after_it(codepage: str) -> None:
    assert repair_text(damage("| ❌ Not ideal |", codepage)) == ("| ❌ Not ideal |", True)


@pytest.mark.parametrize("codepage", ["cp1252", "cp1254"])
def test_closing_quote_that_lost_its_last_byte_is_restored(codepage: str) -> None:
    text = "He said “use ECS” and left.\nEnd of quote”\n“Nested ‘single’ quotes”"
    assert repair_text(damage(text, codepage))[0] == text


@pytest.mark.parametrize("codepage", ["cp1252", "cp1254"])
def test_joiner_between_two_emoji_is_restored(codepage: str) -> None:
    # ZWJ (E2 80 8D) and ” (E2 80 9D) both lose their last byte; between emoji it is the joiner.
    text = "👨\u200d💻 developer, 👩\u200d🔬 scientist"
    assert repair_text(damage(text, codepage))[0] == text


@pytest.mark.parametrize("codepage", ["cp1252", "cp1254"])
def test_closing_quote_after_an_emoji_before_a_word_stays_a_quote(codepage: str) -> None:
    text = "“📘” means a book"
    assert repair_text(damage(text, codepage))[0] == text


@pytest.mark.parametrize("codepage", ["cp1252", "cp1254"])
def test_emoji_variation_selector_is_restored_after_symbols(codepage: str) -> None:
    text = "⚠️ careful, ✔️ done, 1️⃣ first"
    assert repair_text(damage(text, codepage))[0] == text


@pytest.mark.parametrize("codepage", ["cp1252", "cp1254"])
def test_common_note_symbols_that_lose_a_byte_are_restored(codepage: str) -> None:
    text = "❗ ❓ ⭐ ⏳ ⏰ ← ⇐ ✏️ 📝 🔍 👍 ☐ todo"
    assert repair_text(damage(text, codepage))[0] == text


def test_symbols_that_only_windows_1254_damages_are_restored() -> None:
    # 0x8E and 0x9E are Ž and ž in 1252 but undefined in 1254: ➡ ➕ ➖ 🎯 lose a byte there.
    text = "➡ next ➕ plus ➖ minus 🎯 goal"
    assert repair_text(damage(text, "cp1254"))[0] == text


@pytest.mark.parametrize(
    ("codepage", "original", "read_as"),
    [
        ("cp1252", "📍", "📝"),  # F0 9F 93 8D / 9D
        ("cp1252", "🔐", "🔍"),  # F0 9F 94 90 / 8D
        ("cp1252", "✍", "✏"),  # E2 9C 8D / 8F
        ("cp1254", "👎", "👍"),  # F0 9F 91 8E / 8D
    ],
)
def test_symbol_that_loses_the_same_bytes_as_a_commoner_one_is_read_as_that_one(
    codepage: str, original: str, read_as: str
) -> None:
    # A known limit: once the distinguishing byte is gone, the commoner symbol is chosen.
    assert damage(original, codepage) == damage(read_as, codepage)
    assert repair_text(damage(f"{original} x – y", codepage))[0] == f"{read_as} x – y"


@pytest.mark.parametrize("codepage", ["cp1252", "cp1254"])
def test_emoji_that_could_be_several_becomes_a_replacement_character(codepage: str) -> None:
    # 🐍 is F0 9F 90 8D: both its last bytes are dropped, and 🐝 🍍 🏝 … fit as well.
    decoded = decode_note(damage("🐍 Python – fast\n", codepage).encode("utf-8"))
    assert decoded.text == "\ufffd Python – fast\n"
    assert decoded.repaired
    assert "1 lost character replaced with U+FFFD" in decoded.encoding_note
    assert looks_damaged(decoded.text)  # so the parser still warns about it


@pytest.mark.parametrize("codepage", ["cp1252", "cp1254"])
def test_letter_that_lost_its_second_byte_is_left_as_it_is(codepage: str) -> None:
    # Á is C3 81: only "Ã" is left, which is also a real letter ("SÃO"), so it is not guessed.
    # The rest of the line is still repaired.
    repaired, changed = repair_text(damage("Álvaro – café", codepage))
    assert (repaired, changed) == ("Ãlvaro – café", True)


@pytest.mark.parametrize("codepage", ["cp1252", "cp1254"])
def test_mojibake_next_to_real_emoji_on_one_line_is_repaired(codepage: str) -> None:
    text = "📘 real " + damage("❌ fake ✅ and – “quotes”", codepage)
    assert repair_text(text) == ("📘 real ❌ fake ✅ and – “quotes”", True)


def test_damage_is_repaired_line_by_line_without_moving_lines() -> None:
    text = "one ❌\n\ntwo ✅\nthree 🔍\n"
    repaired, changed = repair_text(damage(text, "cp1254"))
    assert changed and repaired == text


# --- Clean text stays as it is -------------------------------------------------------------

CLEAN = (
    "# 📘 Notes – “clean” UTF-8 ✅ ❌ ⚠️ → ← 🔍 👨\u200d💻\n"
    "Türkçe: ğüşıöç ĞÜŞİÖÇ hâlâ” dükkân\n"
    "Deutsch: Größe, Äpfel, Straße\n"
    "Português: SÃO PAULO, NÃO, irmã\n"
    "Français: café, naïve, pâte…\n"
    "Code: `a &amp; b` <b>x</b> ﬁ ＬＯＵＤ e\u0301\n"
)


def test_clean_note_comes_back_unchanged() -> None:
    assert repair_text(CLEAN) == (CLEAN, False)


def test_clean_note_decodes_unchanged_and_unrepaired() -> None:
    assert decode_note(CLEAN.encode("utf-8")) == DecodedText(CLEAN, False, "utf-8")


def test_clean_note_does_not_look_damaged() -> None:
    assert not looks_damaged(CLEAN)


def test_clean_turkish_a_circumflex_before_a_quote_is_not_read_as_a_lost_byte() -> None:
    # "â" + lost byte + "”" would be ❔ — but only text that already shows mojibake is guessed.
    assert repair_text("Hâlâ” dedi.") == ("Hâlâ” dedi.", False)


# --- looks_damaged -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["ğŸ“˜", "ðŸ“˜", "â€“", "âœ…", "âŒ Not", "⌠Not", "Ã©", "â†’", "a\x9db", "lost \ufffd"]
)
def test_mojibake_markers_look_damaged(text: str) -> None:
    assert looks_damaged(text)


@pytest.mark.parametrize("text", ["", "plain", "SÃO PAULO", "hâlâ’", "Größe", "📘 ✅ ❌ → – ”"])
def test_real_text_does_not_look_damaged(text: str) -> None:
    assert not looks_damaged(text)


# --- Decoding bytes ------------------------------------------------------------------------


def test_utf8_bom_is_removed_and_noted() -> None:
    decoded = decode_note(b"\xef\xbb\xbf# Title\n")
    assert decoded == DecodedText("# Title\n", False, "utf-8-sig")


def test_bom_and_repair_are_both_noted() -> None:
    decoded = decode_note(b"\xef\xbb\xbf" + damage("# 📘 Title\n", "cp1254").encode("utf-8"))
    assert decoded.text == "# 📘 Title\n"
    assert decoded.encoding_note == "utf-8-sig (mojibake from windows-1254 repaired)"


def test_bom_that_was_itself_mojibake_is_removed() -> None:
    decoded = decode_note(damage("\ufeff# Title – x\n", "cp1252").encode("utf-8"))
    assert decoded.text == "# Title – x\n"


@pytest.mark.parametrize("newline", [b"\r\n", b"\r", b"\n"])
def test_line_endings_become_lf(newline: bytes) -> None:
    decoded = decode_note(newline.join([b"# A", b"", b"* b", b""]))
    assert decoded.text == "# A\n\n* b\n"


def test_mixed_line_endings_keep_the_files_line_count() -> None:
    decoded = decode_note(b"one\r\ntwo\rthree\nfour\r\n\r\nsix")
    assert decoded.text.split("\n") == ["one", "two", "three", "four", "", "six"]


def test_bytes_that_are_not_utf8_raise_with_their_line() -> None:
    with pytest.raises(UndecodableError) as info:
        decode_note(b"# Title\n\n## Models \xff\n")
    assert info.value.line == 3
    assert str(info.value) == "byte 0xff is not valid UTF-8"


def test_undecodable_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not valid UTF-8"):
        decode_note(b"\xc3\x28")


@pytest.mark.parametrize("newline", [b"\r\n", b"\r", b"\n"])
def test_undecodable_line_counts_every_kind_of_line_ending(newline: bytes) -> None:
    data = newline.join([b"# Title", b"", b"text", b"bad \xe9 here", b"after"])
    with pytest.raises(UndecodableError) as info:
        decode_note(data)
    assert info.value.line == 4


def test_message_names_every_bad_byte_in_a_row() -> None:
    with pytest.raises(UndecodableError) as info:
        decode_note(b"\xff\xfe#\x00 \x00T\x00")
    assert str(info.value).startswith("bytes 0xff 0xfe are not valid UTF-8")
    assert info.value.line == 1


def test_latin1_note_is_rejected_not_guessed() -> None:
    with pytest.raises(UndecodableError) as info:
        decode_note("# Größe\n".encode("latin-1"))
    assert str(info.value) == "bytes 0xf6 0xdf are not valid UTF-8"
    assert info.value.line == 1


def test_bom_does_not_shift_the_line_of_a_bad_byte() -> None:
    with pytest.raises(UndecodableError) as info:
        decode_note(b"\xef\xbb\xbfone\ntwo \x80\n")
    assert info.value.line == 2


def test_sequence_cut_off_at_the_end_of_the_file_is_undecodable() -> None:
    with pytest.raises(UndecodableError) as info:
        decode_note(b"one\ntwo\nthree \xe2\x9d")
    assert info.value.line == 3
    assert str(info.value) == "bytes 0xe2 0x9d are not valid UTF-8"


# --- Properties ----------------------------------------------------------------------------

# Text made of what notes are made of: ASCII and the symbols above, each symbol a unit (the
# emoji selector in ⚠️ only ever follows a symbol, so it is not drawn on its own).
TOKENS = list(string.ascii_letters + string.digits + string.punctuation + " \n") + SYMBOLS
_PICTOGRAPH = "(?:📘|✅|❌|📌|🧠|📚|🔍|⚠️)"

note_text = (
    st.lists(st.sampled_from(TOKENS), max_size=60)
    .map("".join)
    .filter(
        # Left out, honestly ambiguous: ” squeezed between two emoji is, byte for byte, the same
        # damage as a zero-width joiner (E2 80 9D and E2 80 8D both lose their last byte), and
        # the repair reads it as a joiner, which is what such a spot almost always holds.
        lambda text: re.search(f"{_PICTOGRAPH}”{_PICTOGRAPH}", text) is None
    )
)


@settings(max_examples=300, deadline=None)
@given(text=note_text, codepage=st.sampled_from(["cp1252", "cp1254"]))
def test_damaged_note_text_repairs_to_the_original(text: str, codepage: str) -> None:
    damaged = damage(text, codepage)
    repaired, changed = repair_text(damaged)
    assert repaired == text
    assert changed == (damaged != text)
    assert not looks_damaged(repaired)


@settings(max_examples=300, deadline=None)
@given(text=note_text)
def test_clean_note_text_is_never_changed(text: str) -> None:
    assert repair_text(text) == (text, False)


# Whole words with letters that are also UTF-8 lead bytes in the code pages (Ã, â, ğ, ß…),
# always followed by a space: a letter like "â" directly followed by two curly quotes is
# exactly the mojibake of another character, and no repair can tell the two apart.
WORDS = ["ğüşıöç ", "Größe ", "SÃO ", "hâlâ ", "Äpfel ", "naïve ", "café ", "Ångström "]


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.sampled_from(TOKENS + WORDS), max_size=40))
def test_clean_multilingual_text_is_never_changed(parts: list[str]) -> None:
    text = "".join(parts)
    assert repair_text(text) == (text, False)


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(st.text(st.characters(exclude_characters="\r\n"), max_size=30), max_size=8),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_decoding_any_utf8_keeps_the_files_line_count(lines: list[str], newline: str) -> None:
    data = newline.join(lines).encode("utf-8", "surrogatepass")
    try:
        decoded = decode_note(data)
    except UndecodableError:  # lone surrogates are not UTF-8
        return
    assert decoded.text.count("\n") == max(len(lines) - 1, 0)


# --- Shortcuts: work skipped only where it could not change the result ---------------------


def test_ascii_lines_are_never_handed_to_ftfy(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str, *args: object) -> str:
        assert not text.isascii(), f"ftfy was asked about ASCII: {text!r}"
        return real_fix_text(text, *args)

    real_fix_text = ftfy.fix_text
    monkeypatch.setattr(ftfy, "fix_text", refuse)
    ascii_text = "# Amazon ECS\n\n* Launch types: EC2 and Fargate\n| a | b |\n"

    assert repair_text(ascii_text) == (ascii_text, False)
    assert repair_text(damage(SAMPLE, "cp1254")) == (SAMPLE, True)


# Lines as notes have them, damaged or not, and anything else.
any_line = st.one_of(
    st.text(st.characters(exclude_characters="\n"), max_size=40),
    st.lists(st.sampled_from([*TOKENS, *WORDS, *MOJIBAKE]), max_size=30)
    .map("".join)
    .map(lambda text: text.replace("\n", " ")),
    note_text.map(lambda text: damage(text.replace("\n", " "), "cp1252")),
    note_text.map(lambda text: damage(text.replace("\n", " "), "cp1254")),
)


@settings(max_examples=500, deadline=None)
@given(line=any_line)
def test_asking_ftfy_only_about_suspect_lines_changes_no_repair(line: str) -> None:
    # The repair skips ftfy for lines its own heuristic finds clean: ftfy must agree.
    assert _fix_text.__wrapped__(line) == ftfy.fix_text(line, _FTFY)


@settings(max_examples=300, deadline=None)
@given(line=any_line, codepage=st.sampled_from([0, 1]))
def test_a_kept_line_repair_is_the_repair_worked_out_afresh(line: str, codepage: int) -> None:
    # Repairs are kept per process, by line and code page (and by text for ftfy): what is
    # kept must be what the line gives, whichever code page asked first.
    for number in (codepage, 1 - codepage, codepage):
        assert _repair_line(line, number) == _repair_line.__wrapped__(line, number)
        assert _fix_text(line) == _fix_text.__wrapped__(line)


def test_a_note_decodes_the_same_with_its_lines_kept_or_not() -> None:
    data = damage(SAMPLE, "cp1254").encode()
    _repair_line.cache_clear()
    _fix_text.cache_clear()
    first = decode_note(data)

    assert decode_note(data) == first
    assert first.text == SAMPLE


def test_a_line_damaged_the_same_way_in_both_code_pages_is_repaired_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []
    _repair_line.cache_clear()
    _fix_text.cache_clear()
    real_fix_text = ftfy.fix_text
    monkeypatch.setattr(
        ftfy, "fix_text", lambda text, *a: asked.append(text) or real_fix_text(text, *a)
    )

    repaired, changed = repair_text(
        damage("✅ Fargate — serverless\nplain\n📘 Amazon ECS\n", "cp1252")
    )

    assert (repaired, changed) == ("✅ Fargate — serverless\nplain\n📘 Amazon ECS\n", True)
    assert len(asked) == len(set(asked))
