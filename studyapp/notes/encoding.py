"""Decode note files as UTF-8 and repair Windows-1252/1254 mojibake, including lost bytes."""

from __future__ import annotations

import codecs
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy-windows-125x" codecs used below)
import ftfy.badness

__all__ = ["DecodedText", "UndecodableError", "decode_note", "looks_damaged", "repair_text"]


@dataclass(frozen=True)
class DecodedText:
    text: str  # repaired text, LF line endings, no BOM
    repaired: bool  # True when mojibake was found and repaired
    encoding_note: str  # e.g. "utf-8", "utf-8 (mojibake from windows-1254 repaired)", "utf-8-sig"


class UndecodableError(ValueError):
    """The bytes are not UTF-8; `line` is the 1-based line of the first bad byte."""

    def __init__(self, message: str, line: int, offset: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.offset = offset  # byte offset of the first bad byte, for logs


# --- Decoding ------------------------------------------------------------------------------


def decode_note(data: bytes) -> DecodedText:
    """Decode a note file: strict UTF-8 (BOM optional), LF line endings, mojibake repaired."""
    data = bytes(data)
    has_bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8) :] if has_bom else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Real notes are UTF-8: guessing Latin-1 here would silently turn a broken upload
        # into new mojibake, so the author is told where the bad bytes are instead.
        raise _undecodable(data, exc.start + (len(data) - len(body))) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fixed, codec, lost = _repair(text)
    # A second BOM, or one that was itself mojibake ("ï»¿") and has just been repaired.
    fixed = fixed.lstrip("\ufeff")
    text = text.lstrip("\ufeff")
    note = "utf-8-sig" if has_bom else "utf-8"
    if fixed != text:
        source = f"mojibake from {codec}" if codec else "mojibake"
        note += f" ({source} repaired"
        if lost:
            note += f"; {lost} lost character{'s' if lost > 1 else ''} replaced with U+FFFD"
        note += ")"
    return DecodedText(text=fixed, repaired=fixed != text, encoding_note=note)


def _undecodable(data: bytes, offset: int) -> UndecodableError:
    # Show the whole run of bad bytes (e.g. a UTF-16 BOM is "0xff 0xfe"), not just the first.
    end = offset + 1
    while end < len(data) and end - offset < 4:
        try:
            data[end : end + 4].decode("utf-8")
            break
        except UnicodeDecodeError as exc:
            if exc.start != 0:
                break
            end += exc.end
    bad = " ".join(f"0x{b:02x}" for b in data[offset:end])
    message = (
        f"byte {bad} is not valid UTF-8"
        if end - offset == 1
        else f"bytes {bad} are not valid UTF-8"
    )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and offset < 2:
        message += " (the file looks like UTF-16; save it as UTF-8)"
    # Lines end in CRLF, CR or LF, exactly as decode_note splits them afterwards.
    before = data[:offset]
    line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
    return UndecodableError(message, line, offset)


# --- Damage detection ----------------------------------------------------------------------

# The damage this module repairs: UTF-8 bytes were decoded as Windows-1252 or Windows-1254
# and the result re-encoded as UTF-8, so every non-ASCII character became 2-4 characters, one
# per byte. Bytes the code page does not define were usually DROPPED on the way ("sloppy"
# decoders keep them as C1 control characters instead, which ftfy already understands).
_CODEC_NUMBERS = ("1252", "1254")

# What bytes 0x80-0xBF (UTF-8 continuation bytes) look like after that damage, in either code page.
_CONTINUATION = "".join(
    sorted(
        {
            ch
            for n in _CODEC_NUMBERS
            for ch in bytes(range(0x80, 0xC0)).decode(f"sloppy-windows-{n}")
        }
    )
)
# Punctuation that can legitimately follow a letter such as "â" or "Ã" (Turkish "hâlâ”",
# Portuguese "IRMÃ…"); leaving it out keeps clean notes from looking damaged.
_PLAUSIBLE_AFTER_A_LETTER = "‚„…‘’“”•–—‹›«»¡¿·\xa0"
_MOJIBAKE_SECOND = "".join(ch for ch in _CONTINUATION if ch not in _PLAUSIBLE_AFTER_A_LETTER)

_MARKERS = re.compile(
    # A lead byte of a common UTF-8 sequence followed by a continuation byte, as characters:
    # Â/Ã/Ä/Å start Latin letters (Ã© for é), â starts punctuation, arrows and dingbats
    # (â€“ for –, âœ… for ✅, âŒ for ❌ with its 0x9D lost), ï starts BOMs and variation
    # selectors, ğ/ð start emoji (ğŸ“˜ for 📘). None of these pairs occur in real words.
    "[ÂÃÄÅâïğð][" + re.escape(_MOJIBAKE_SECOND) + "]"
    # C1 control characters never belong in a note: they are bytes a sloppy decoder kept.
    "|[\x80-\x9f]"
    # ftfy's own wrong guess for "âŒ " (❌ with a lost byte, then a space): it reads the space
    # as a lost no-break space and produces U+2320 TOP HALF INTEGRAL, which notes never use.
    "|\u2320"
    # A character that was lost for good (written by the repair, or by an earlier tool).
    "|\ufffd"
)


def looks_damaged(text: str) -> bool:
    """True when mojibake ("â€", "ğŸ", "âŒ", "⌠", …) or a lost character (U+FFFD) remains."""
    return _MARKERS.search(text) is not None


def _damage(text: str) -> int:
    # U+FFFD for a lost character counts, but half as much as mojibake: it is honest damage.
    return sum(1 if found == "\ufffd" else 2 for found in _MARKERS.findall(text))


# --- Repair --------------------------------------------------------------------------------


def repair_text(text: str) -> tuple[str, bool]:
    """Repair mojibake in already-decoded text; returns (text, whether anything changed)."""
    repaired, _codec, _lost = _repair(text)
    return repaired, repaired != text


# ftfy does the decoding of complete sequences; everything else it does is switched off, because
# a note that was fine must come back byte-for-byte: no uncurled quotes, no NFC, no unescaped
# "&amp;" inside code, no changed line breaks (line numbers must match the file).
# restore_byte_a0 is off because in this damage the no-break space byte survives as U+00A0
# ("ğŸ§\xa0" for 🧠), so a real space after a truncated sequence is a real space: ftfy's guess
# turns "âŒ Not ideal" into "⌠Not ideal". Lost bytes are put back by _restore_lost_bytes.
# fix_c1_controls is off so that a restored byte ftfy did not use stays visible to us.
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    restore_byte_a0=False,
    fix_c1_controls=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


# Lines (and texts handed to ftfy) whose repair is kept per process: a few MB at most.
_LINES_KEPT = 1 << 14


@lru_cache(maxsize=_LINES_KEPT)
def _fix_text(text: str) -> str:
    """`ftfy.fix_text` with `_FTFY`, run only where it can change the text, once per text."""
    # ftfy only touches text its own mojibake heuristic (`is_bad`) flags, and ASCII never is
    # flagged; asking first skips fix_text's per-call set-up, most of the cost on clean lines.
    # Kept per process (the function is pure): both code pages hand ftfy mostly the same
    # lines, and the notes of one collection repeat lines (table rows, emoji headings).
    if text.isascii() or not ftfy.badness.is_bad(text):
        return text
    return ftfy.fix_text(text, _FTFY)


@dataclass(frozen=True)
class _Codec:
    name: str  # "windows-1254", as said in the encoding note
    sloppy: str  # ftfy's codec that maps undefined bytes to C1 characters, so it round-trips
    dropped: tuple[int, ...]  # the bytes a strict decoder has no character for
    run: re.Pattern[str]  # a run of non-ASCII characters that this code page can encode


def _codec(number: str) -> _Codec:
    sloppy = f"sloppy-windows-{number}"
    dropped = []
    for byte in range(0x80, 0x100):
        try:
            bytes([byte]).decode(f"cp{number}")
        except UnicodeDecodeError:
            dropped.append(byte)
    chars = bytes(range(0x80, 0x100)).decode(sloppy)
    return _Codec(f"windows-{number}", sloppy, tuple(dropped), re.compile(f"[{re.escape(chars)}]+"))


# Windows-1252 first: when both code pages explain the damage equally well it is the likelier one.
_CODECS = tuple(_codec(n) for n in _CODEC_NUMBERS)


def _repair(text: str) -> tuple[str, str | None, int]:
    """Best repair over the code pages: (text, code page name or None, lost characters)."""
    if text.isascii():
        # Mojibake and lost characters are non-ASCII, and ftfy returns ASCII as it is.
        return text, None, 0
    # Lost bytes are only guessed back when the text already shows mojibake: a clean Turkish
    # "hâlâ”" would otherwise read as "â" + lost byte + "”" and become "hâl❔".
    restore = looks_damaged(text)
    # Without lost bytes to restore the code page plays no part: repair only once, and when
    # that changes nothing (a clean note) there is nothing to score either.
    shared = None if restore else _repair_with(text, _CODECS[0], restore=False)
    if shared == text:
        return text, None, 0
    results = []
    for order, codec in enumerate(_CODECS):
        candidate = _repair_with(text, codec, restore=True) if shared is None else shared
        explains = _explains(codec, text, candidate)
        # Least damage left wins; then the code page whose characters make up the mojibake
        # (the seed note's "ğ" only exists in 1254); then the likelier code page.
        score = (_damage(candidate), 0 if explains else 1, order)
        results.append((score, candidate, codec.name if explains else None))
    _score, repaired, name = min(results)
    if repaired == text:
        return text, None, 0
    lost = max(0, repaired.count("\ufffd") - text.count("\ufffd"))
    return repaired, name, lost


def _repair_with(text: str, codec: _Codec, *, restore: bool) -> str:
    out = []
    # Line by line, as ftfy itself works: a line that resists repair cannot spoil the others.
    for line in text.split("\n"):
        if line.isascii():
            # Most lines of a note are ASCII, and neither ftfy (it returns ASCII as it is) nor
            # `_restore_lost_bytes` (the code pages' runs are non-ASCII) can change them.
            out.append(line)
            continue
        fixed = _repair_line(line, _CODECS.index(codec)) if restore else _fix_text(line)
        # Never change the number of lines: line numbers must keep pointing into the file.
        out.append(line if "\n" in fixed or "\r" in fixed else fixed)
    return "\n".join(out)


@lru_cache(maxsize=_LINES_KEPT)
def _repair_line(line: str, codec_number: int) -> str:
    """One damaged line repaired for the code page `_CODECS[codec_number]` (pure, so kept:
    a collection's notes share lines, and a damaged note sends each line through twice)."""
    codec = _CODECS[codec_number]
    restored = _restore_lost_bytes(line, codec)
    fixed = _fix_text(restored.with_bytes)
    if restored.with_bytes != line and _C1.search(fixed):
        # ftfy left a restored byte undecoded (it judged the line clean, or the line mixes
        # code pages): use the characters we chose for the lost bytes directly.
        fixed = _fix_text(restored.direct)
    if looks_damaged(fixed):
        # ftfy repairs a line only if all of it decodes, or in pieces it finds convincing; a
        # letter that lost its second byte ("Ä" + lost 0x8D, for "č") can spoil both. Then
        # decoding every complete sequence on its own does better.
        piecewise = _fix_text(restored.decoded)
        if _damage(piecewise) < _damage(fixed):
            fixed = piecewise
    return fixed


_C1 = re.compile("[\x80-\x9f]")


def _explains(codec: _Codec, before: str, after: str) -> bool:
    """Whether every character the repair removed could have come from this code page."""
    removed: Counter[str] = Counter()
    for old, new in zip(before.split("\n"), after.split("\n"), strict=True):
        if old != new:
            removed += Counter(ch for ch in old if ord(ch) > 0x7F) - Counter(new)
    gone = "".join(removed)
    return not gone or codec.run.fullmatch(gone) is not None


# --- Putting lost bytes back ---------------------------------------------------------------


@dataclass
class _Restored:
    """One line three ways, each with the lost bytes the line shows put back."""

    with_bytes: str  # lost bytes as the code page's C1 characters: plain sloppy mojibake for ftfy
    direct: str  # lost bytes already decoded into the characters chosen for them
    decoded: str  # like direct, and every complete sequence decoded too

    def add(self, with_bytes: str, direct: str, decoded: str) -> None:
        self.with_bytes += with_bytes
        self.direct += direct
        self.decoded += decoded


def _restore_lost_bytes(line: str, codec: _Codec) -> _Restored:
    """Put back bytes the code page dropped, inside sequences that are visibly truncated."""
    restored = _Restored("", "", "")
    pos = 0
    for match in codec.run.finditer(line):
        between = line[pos : match.start()]
        restored.add(between, between, between)
        before = line[match.start() - 1] if match.start() else None
        after = line[match.end()] if match.end() < len(line) else None
        _restore_run(restored, match.group(), codec, before, after)
        pos = match.end()
    rest = line[pos:]
    restored.add(rest, rest, rest)
    return restored


@dataclass
class _Sequence:
    raw: bytes  # the bytes the run's characters stand for (one character per byte)
    length: int  # how long a UTF-8 sequence starting with raw[0] must be; 0 if not a lead byte
    char: str | None  # what a complete sequence decodes to

    @property
    def truncated(self) -> bool:
        # A lost byte is always a continuation byte (0x80-0xBF), never a lead byte, so a
        # truncated sequence is a lead byte followed by too few continuation bytes. At least
        # one continuation byte must have survived: a lone "Ã" or "â" is far more often a real
        # letter (São, hâlâ) than a character that lost everything but its first byte.
        return self.length > len(self.raw) >= 2


def _restore_run(
    restored: _Restored, run: str, codec: _Codec, before: str | None, after: str | None
) -> None:
    sequences = list(_split_sequences(run.encode(codec.sloppy)))
    previous = before
    for index, seq in enumerate(sequences):
        original = seq.raw.decode(codec.sloppy)
        if not seq.truncated:
            # A C1 control is never what a note meant; keep the mojibake rather than that.
            char = seq.char
            decoded = char if char is not None and unicodedata.category(char) != "Cc" else original
            restored.add(original, original, decoded)
            previous = decoded[-1]
            continue
        following = _next_char(sequences[index + 1]) if index + 1 < len(sequences) else after
        choice = _choose(seq, codec, previous, following)
        if choice is None:  # nothing a note would contain fits: leave the characters alone
            restored.add(original, original, original)
            previous = original[-1]
        elif choice == "\ufffd":
            # Several symbols fit equally well (🐍 🐝 🍍 🏝 all lose two bytes the same way);
            # inventing one would put a wrong fact in a note, so say a character was lost.
            restored.add(choice, choice, choice)
            previous = choice
        else:
            restored.add(choice.encode("utf-8").decode(codec.sloppy), choice, choice)
            previous = choice


def _split_sequences(raw: bytes) -> Iterator[_Sequence]:
    """Split bytes into would-be UTF-8 sequences: a lead byte and the continuation bytes after."""
    i = 0
    while i < len(raw):
        lead = raw[i]
        length = _sequence_length(lead)
        end = i + 1
        if length:
            while end < len(raw) and end - i < length and 0x80 <= raw[end] <= 0xBF:
                end += 1
        chunk = raw[i:end]
        char = None
        if length and len(chunk) == length:
            try:
                char = chunk.decode("utf-8")
            except UnicodeDecodeError:
                char = None
        yield _Sequence(chunk, length, char)
        i = end


def _sequence_length(lead: int) -> int:
    """How many bytes a UTF-8 sequence starting with this byte has; 0 if it cannot start one."""
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def _next_char(seq: _Sequence) -> str | None:
    if seq.char is not None:
        return seq.char
    # A truncated 4-byte sequence is almost always an emoji; that is all the context needs.
    if seq.length == 4:
        return "\U0001f4dd"
    return None


def _candidates(seq: _Sequence, dropped: tuple[int, ...]) -> Iterator[str]:
    """Every character the sequence can be with its missing bytes put back, anywhere in it."""
    lead, present = seq.raw[0], seq.raw[1:]
    slots = seq.length - 1
    missing = slots - len(present)
    for gaps in itertools.combinations(range(slots), missing):
        for fill in itertools.product(dropped, repeat=missing):
            kept, filled = iter(present), iter(fill)
            tail = [next(filled) if slot in gaps else next(kept) for slot in range(slots)]
            try:
                yield bytes([lead, *tail]).decode("utf-8")
            except UnicodeDecodeError:  # overlong, surrogate or beyond U+10FFFF
                continue


def _choose(
    seq: _Sequence, codec: _Codec, previous: str | None, following: str | None
) -> str | None:
    """The character a truncated sequence most likely was, U+FFFD if unclear, None if none fits."""
    ranked = sorted(
        (rank, ch)
        for ch in _candidates(seq, codec.dropped)
        if (rank := _rank(ch, previous, following)) is not None
    )
    if not ranked:
        return None
    best_rank, best = ranked[0]
    if len(ranked) > 1 and ranked[1][0] == best_rank:
        return "\ufffd"
    return best


_ZWJ = "\u200d"
_VS16 = "\ufe0f"

# Symbols that are common in study notes and that lose a byte to this damage, most likely
# first. A lost byte leaves several characters that decode equally well (❌ or ➌, 🔍 or 🍔
# or 🔐), and bytes alone cannot decide; what people put in notes can. The order settles the
# pairs that collide with each other: 📝/📍/📎, 🔍/🔐/🔎, 👍/👎, ✏/✍, ➕/❕, ”/„.
_NOTE_SYMBOLS = (
    "❌❗❓"  # cross, exclamation and question marks (E2 9D xx: 0x9D is lost)
    "”„"  # closing double quote, German opening quote (E2 80 9D / 9E)
    "←⇐➡➕➖➤"  # arrows, plus and minus (E2 86 90, E2 87 90, E2 9E xx)
    "❕❔"  # white exclamation and question marks, after ➕ and ➔ which they collide with
    "⭐⏳⏰⏱☐"  # star, timers, empty checkbox
    "✏✍"  # pencil, writing hand (E2 9C 8F / 8D)
    "📝📍📎🔍🔐🔎👍👎🎯"  # memo, pin, clip, magnifier, lock, thumbs, target (F0 9F xx xx)
)


def _rank(ch: str, previous: str | None, following: str | None) -> tuple[int, int] | None:
    """How likely a candidate is in a note, lower is likelier; None rules it out."""
    if ch == _ZWJ:
        # E2 80 8D (joiner) and E2 80 9D (”) both lose their last byte. Between two emoji it
        # is a joiner (🧑‍🏫, 👨‍💻); anywhere else a joiner would be invisible and pointless.
        return (0, 0) if _pictographic(previous) and _pictographic(following) else None
    if ch == _VS16:
        # The emoji variation selector only ever follows a symbol (⚠️, ✔️) or keycap base (1️⃣).
        ok = previous is not None and (_pictographic(previous) or previous in "0123456789#*")
        return (0, 0) if ok else None
    index = _NOTE_SYMBOLS.find(ch)
    if index >= 0:
        return (1, index)
    code, category = ord(ch), unicodedata.category(ch)
    if 0x1F000 <= code <= 0x1FAFF and category == "So":
        return (2, 0)  # emoji
    if category in ("So", "Sm") and (
        0x2190 <= code <= 0x21FF or 0x2600 <= code <= 0x27BF or 0x2B00 <= code <= 0x2BFF
    ):
        return (3, 0)  # arrows, dingbats, miscellaneous symbols
    if 0x2010 <= code <= 0x205E and category.startswith("P"):
        return (4, 0)  # dashes, quotes, bullets
    # Everything else (letters, CJK, private use, box drawing, APL, control pictures) is
    # ruled out: guessing a letter back would rewrite words, e.g. "SÃO" as "SÍO".
    return None


def _pictographic(ch: str | None) -> bool:
    if ch is None:
        return False
    code = ord(ch)
    if 0x1F000 <= code <= 0x1FAFF or ch == _VS16:
        return True
    return 0x2190 <= code <= 0x2BFF and unicodedata.category(ch) == "So"
