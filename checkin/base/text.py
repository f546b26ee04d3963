"""Text as a careful human reads it: folding for search, names as they should be shown.

``fold`` is the one key for matching and sorting: case-, accent- and punctuation-blind, for
every script (SQLite's ``upper()`` folds ASCII only, which is how "elodie" never finds
"Élodie" elsewhere).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache

import phonenumbers

# Letters that Unicode does not decompose into a base letter plus a mark.
_SPECIAL = str.maketrans(
    {
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "ħ": "h",
        "Ħ": "h",
        "ı": "i",
        "þ": "th",
        "Þ": "th",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ß": "ss",
        "ŋ": "n",
        "ſ": "s",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "\u00a0": " ",
        "\u202f": " ",
    }
)
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def fold(value: str) -> str:
    """Lower-case, accent-free, single-spaced text: the key for search and sorting.

    Marks are stripped only from letters that carry them (Latin, Greek, Cyrillic
    accents); marks that are part of a script's spelling (Devanagari vowel signs, Arabic)
    stay, since removing them would change the word.
    """
    if value.isascii():  # most e-mails, many names: NFKC and the marks change nothing
        return _SPACES.sub(" ", value.replace("`", "'").lower()).strip()
    text = unicodedata.normalize("NFKC", value).translate(_SPECIAL)
    plain = text.translate(_accents())
    if plain.isascii():  # Latin accents only ("Hélène Côté"): each letter to its base
        return _SPACES.sub(" ", plain.lower()).strip()
    decomposed = unicodedata.normalize("NFD", text)
    # Only the runs of marks need a look, each at the letter (or mark) before it.
    stripped = _marks().sub(_strip_run, decomposed)
    text = unicodedata.normalize("NFC", stripped).casefold()
    return _SPACES.sub(" ", text).strip()


@cache
def _accents() -> dict[int, str]:
    """Accented letters whose base is an ASCII letter ("é" → "e"): folding takes these
    without decomposing the whole text (the same result, checked by the tests)."""
    table: dict[int, str] = {}
    for cp in range(0x80, 0x2000):
        parts = unicodedata.normalize("NFD", chr(cp))
        if len(parts) > 1 and parts[0].isascii() and all(unicodedata.combining(m) for m in parts[1:]):
            table[cp] = parts[0]
    return table


# No character past this one combines (checked by the tests against unicodedata).
_LAST_MARK = 0x1FFFF


@cache
def _marks() -> re.Pattern[str]:
    """Every combining character (built on the first text that is not ASCII)."""
    ranges: list[tuple[int, int]] = []
    for cp in range(0x300, _LAST_MARK + 1):
        if unicodedata.combining(chr(cp)):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    body = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)
    return re.compile(f"[{body}]+")


def _strip_run(match: re.Match[str]) -> str:
    """A run of marks after a letter: a mark goes when what is kept before it is a Latin,
    Greek or Cyrillic letter (an accent), and stays otherwise (a script's own sign)."""
    start = match.start()
    last = match.string[start - 1] if start else ""
    kept: list[str] = []
    for ch in match.group(0):
        if last and _is_latinish(last):
            continue
        kept.append(ch)
        last = ch
    return "".join(kept)


@lru_cache(maxsize=4096)
def _is_latinish(ch: str) -> bool:
    return (
        ch.isascii()
        or "LATIN" in unicodedata.name(ch, "")
        or "GREEK" in unicodedata.name(ch, "")
        or "CYRILLIC" in unicodedata.name(ch, "")
    )


_ASCII_SPLIT = re.compile(r"[^0-9a-z]+")


def _split(text: str) -> list[str]:
    """Split on every character that is not a letter, a mark or a digit (any script)."""
    if text.isascii():
        return [w for w in _ASCII_SPLIT.split(text.lower()) if w]
    chars = [ch if unicodedata.category(ch)[0] in "LMN" else " " for ch in text]
    return "".join(chars).split()


def words(value: str) -> list[str]:
    """The folded words of ``value``: hyphens, apostrophes and punctuation separate."""
    return _split(fold(value))


@lru_cache(maxsize=65536)
def search_words(value: str) -> list[str]:
    """Words to index: each word, plus compound words joined ("N'Diaye" → "ndiaye")."""
    out = words(value)
    for chunk in fold(value).split(" "):
        joined = "".join(_split(chunk))
        if joined and joined not in out:
            out.append(joined)
    return out


def search_columns(names: Iterable[str], places: Iterable[str], email: str) -> dict[str, str]:
    """What the search index holds for an attendee: the words of their names (each once),
    of their organisation, delegation and country, and of their e-mail address.

    The importer, a desk's fix, a walk-in and the hub all fill the index through this one
    function, so a person is found the same way whichever of them wrote the row.
    """
    return {
        "search_names": " ".join(dict.fromkeys(_joined_search_words(names))),
        "search_org": _places_words(tuple(places)),
        "search_email": " ".join(_email_words(email)),
    }


@lru_cache(maxsize=4096)
def _places_words(places: tuple[str, ...]) -> str:
    """Organisation, delegation and country: a few hundred different ones at an event."""
    return " ".join(_joined_search_words(places))


def _email_words(email: str) -> list[str]:
    """``search_words`` of an e-mail with its ``@`` and dots as spaces; ASCII addresses
    (nearly all) take a short cut that gives the same words, the others are put together
    from the cached words of their parts (names that recur)."""
    text = email.replace("@", " ").replace(".", " ")
    if not text.isascii():
        return _joined_search_words(text.split(" "))
    text = text.replace("`", "'").lower()
    split = _ASCII_SPLIT.split
    out = [w for w in split(text) if w]
    for chunk in text.split():
        joined = "".join(split(chunk))
        if joined and joined not in out:
            out.append(joined)
    return out


@lru_cache(maxsize=16384)
def _bits(value: str) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """One value's words and joined compounds, as :func:`search_words` finds them, and
    whether it starts with a combining mark (which folds differently after a space)."""
    folded = fold(value)
    return (
        tuple(_split(folded)),
        tuple(j for j in ("".join(_split(c)) for c in folded.split(" ")) if j),
        bool(unicodedata.combining(value[0])),
    )


def _joined_search_words(values: Iterable[str]) -> list[str]:
    """``search_words(" ".join(values))``, from each value's cached words: the names of
    100,000 attendees share most of their parts (first names, organisations, countries).
    A value starting with a combining mark folds differently alone than after a space,
    and takes the long way."""
    parts = [v for v in values if v]
    # A plain ASCII word or number (an e-mail's "2026", "example") is its own word and
    # compound: no need to fold it or to keep it in the cache.
    bits = [((w := v.lower(),), (w,), False) if v.isalnum() and v.isascii() else _bits(v) for v in parts]
    if any(b[2] for b in bits):
        return search_words(" ".join(parts))
    out = [w for words_, _compounds, _mark in bits for w in words_]
    seen = set(out)
    for _words, compounds, _mark in bits:
        for joined in compounds:
            if joined not in seen:
                seen.add(joined)
                out.append(joined)
    return out


def clean(value: object) -> str:
    """Trim and collapse white space; ``None`` becomes ``""``."""
    if value is None:
        return ""
    text = str(value)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if not text.isprintable():
        text = "".join(
            " " if ch.isspace() else ch for ch in text if ch.isspace() or unicodedata.category(ch)[0] != "C"
        )
    if "  " in text or text[:1] == " " or text[-1:] == " ":
        text = _SPACES.sub(" ", text).strip()
    return text


# Lower-case particles of family names, written lower-case unless they stand alone.
_PARTICLES = frozenset(
    "de du des d van von der den da das do dos di del della dei y e zu ter ten af av".split()
)
_SEPARATORS = re.compile(r"([ \-'’])")


@lru_cache(maxsize=65536)
def display_name(value: str, *, surname: bool = False) -> str:
    """A name as it should be displayed, from what the registrant typed.

    Names typed all in capitals or all in lower case are re-cased; names that already mix
    cases ("de La Tour du Pin", "McAllister") were typed with care and are kept.
    """
    text = clean(value).replace("’", "'")
    letters = [ch for ch in text if ch.isalpha()]
    cased = [ch for ch in letters if ch.lower() != ch.upper()]
    if not cased:
        return text
    if any(ch.isupper() for ch in cased) and any(ch.islower() for ch in cased):
        return text
    parts = _SEPARATORS.split(text.lower())
    out: list[str] = []
    word_index = 0
    for i, part in enumerate(parts):
        if not part or _SEPARATORS.fullmatch(part):
            out.append(part)
            continue
        nxt = parts[i + 1] if i + 1 < len(parts) else ""
        alone = len([p for p in parts if p and not _SEPARATORS.fullmatch(p)]) == 1
        if surname and part in _PARTICLES and not alone and (word_index == 0 or nxt != "-"):
            if part in {"d"} and nxt != "'":
                out.append(_capitalise(part))
            else:
                out.append(part)
        else:
            out.append(_capitalise(part))
        word_index += 1
    return "".join(out)


def _capitalise(word: str) -> str:
    if word.startswith("mc") and len(word) > 2:
        return "Mc" + word[2:3].upper() + word[3:]
    return word[:1].upper() + word[1:]


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def clean_email(value: str) -> tuple[str, bool]:
    """The e-mail folded to lower case, and whether it looks like a real address."""
    text = clean(value).strip("<>").casefold()
    local = text.split("@", 1)[0]
    valid = bool(_EMAIL.match(text)) and bool(local.strip("._-+"))
    return text, valid


@lru_cache(maxsize=8192)
def clean_phone(value: str, region: str = "FR") -> str:
    """An international number ("+33 6 84 40 09 23"), or the trimmed text if not one."""
    text = clean(value)
    if not text:
        return ""
    candidate = text
    digits = re.sub(r"\D", "", text)
    if not text.startswith(("+", "00", "0")) and len(digits) >= 10:
        candidate = "+" + digits  # "33652241404": a country code without its "+"
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_possible_number(number):
        return text
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def sort_key(value: str) -> str:
    """How a French reader sorts: accents and case ignored, particles kept in place."""
    return fold(value)
