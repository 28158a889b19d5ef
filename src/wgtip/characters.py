"""Characters a reader cannot see: control characters, format characters (zero-width, bidirectional
controls), other default-ignorable code points and Unicode normal forms.

Two uses, one definition: a message shown on a terminal escapes them (``printable``), so a hostile
field name cannot move the cursor, clear the screen or reorder the line; and a correction of a
provision's text must change something a reader can see (``invisible_change``).
"""

from __future__ import annotations

import re
import unicodedata

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
"""Unicode's control characters (general category Cc): C0, DEL and C1. No field of an event holds one."""

# Default_Ignorable_Code_Point (Unicode's DerivedCoreProperties.txt): drawn as nothing at all.
_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
IGNORABLE = re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in _IGNORABLE_RANGES) + "]")

_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(ch: str) -> str:
    if ch in _SHORT:
        return _SHORT[ch]
    code = ord(ch)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _hidden(ch: str) -> bool:
    # controls, format characters (bidi, zero-width), line and paragraph separators, surrogates,
    # unassigned and private-use code points: none is shown as itself on a terminal line
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn") or IGNORABLE.match(ch) is not None


def printable(text: str) -> str:
    """``text`` with every character a terminal would not show as itself escaped (``\\n``,
    ``\\u001b``, ``\\u202e``): one line, shown as it is. Printable text, Chinese included, is kept."""
    if text.isprintable() and not IGNORABLE.search(text):
        return text  # the common case, decided in C
    return "".join(_escaped(ch) if _hidden(ch) else ch for ch in text)


def first_control(text: str) -> int | None:
    """Where the first control character (Cc) of ``text`` is, or None."""
    m = CONTROL.search(text)
    return m.start() if m else None


def visible(text: str) -> str:
    """What a reader sees of ``text``: default-ignorable code points (zero-width and bidirectional
    controls among them) removed, then canonically composed (NFC: a decomposed character and its
    composed form, a CJK compatibility ideograph and its unified twin, look the same)."""
    return unicodedata.normalize("NFC", IGNORABLE.sub("", text))


def invisible_change(old: str, new: str) -> str | None:
    """Why a change from ``old`` to ``new`` cannot be seen (None if it can): a correction must
    change what a reader sees, and must not slip an invisible character into the text."""
    added = IGNORABLE.findall(new)
    for ch in set(added):
        if added.count(ch) > old.count(ch):
            return f"adds the invisible character U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed')}) at character {new.index(ch) + 1}"
    if visible(old) == visible(new):
        return "changes nothing a reader can see (only the Unicode normal form, a compatibility ideograph or zero-width and bidirectional controls differ)"
    return None
