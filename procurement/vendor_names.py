"""Vendor names as one writes and compares them (issue 21).

`normalize_vendor_name` is what is stored: Unicode NFKC (full-width letters, ligatures and
no-break spaces become their plain forms), without control, zero-width or bidi characters
(Unicode categories Cc and Cf: a right-to-left override can make a name read as another),
inner runs of white space as one space, trimmed.

`vendor_name_key` is what two names are compared by: the normalised name, case-folded, with
the common Cyrillic and Greek look-alikes of Latin letters mapped to them ("Аlpha" with a
Cyrillic А is "alpha"). Plain Python: services, selectors and forms share it.
"""

from __future__ import annotations

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")
# Lower case (keys are case-folded first): Cyrillic and Greek letters drawn like Latin ones.
CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "з": "3", "і": "i", "ї": "i", "ј": "j",
        "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y",
        "х": "x", "ѕ": "s", "ԁ": "d", "ӏ": "l", "ԛ": "q", "ԝ": "w", "һ": "h",
        # Greek
        "α": "a", "β": "b", "ε": "e", "ζ": "z", "η": "h", "ι": "i", "κ": "k", "μ": "m",
        "ν": "n", "ο": "o", "ρ": "p", "τ": "t", "υ": "y", "χ": "x", "ϲ": "c", "ϳ": "j",
    }
)  # fmt: skip


def _invisible(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cf") and char not in "\t\n\r"


def normalize_vendor_name(name: str) -> str:
    """The name as stored: NFKC, no control/zero-width/bidi characters, spaces collapsed."""
    text = unicodedata.normalize("NFKC", name or "")
    text = "".join(" " if char in "\t\n\r" else char for char in text if not _invisible(char))
    return _WHITESPACE.sub(" ", text).strip()


def vendor_name_key(name: str) -> str:
    """What two names are compared by: normalised, case-folded, look-alikes mapped."""
    return normalize_vendor_name(name).casefold().translate(CONFUSABLES)
