"""One translation mechanism for the whole program, Qt-free so printing can use it too.

Messages are written in French in the code (French first) and looked up by that text in a
catalog per language (every ``checkin/resources/i18n/<lang>/*.json``, one file per part). A missing entry falls back to the
French text, and ``tests/test_i18n.py`` fails when any message in the code lacks an English
entry. Arguments are filled with :meth:`str.format` after translation.
"""

from __future__ import annotations

import json
import os
from functools import cache

from checkin.base import paths

SOURCE_LANGUAGE = "fr"
_current = os.environ.get("CHECKIN_LANG", SOURCE_LANGUAGE)


@cache
def catalog(language: str) -> dict[str, str]:
    if language == SOURCE_LANGUAGE:
        return {}
    merged: dict[str, str] = {}
    folder = paths.resources_dir() / "i18n" / language
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        merged.update({str(k): str(v) for k, v in data.items()})
    return merged


def set_language(language: str) -> None:
    global _current
    _current = language


def language() -> str:
    return _current


def _(message: str, /, **kwargs: object) -> str:
    """Translate ``message`` (French source text) into the current language."""
    return tr(_current, message, **kwargs)


def tr(language: str, message: str, /, **kwargs: object) -> str:
    """Translate into a given language (a slip in the attendee's language, say)."""
    text = catalog(language).get(message, message) if language != SOURCE_LANGUAGE else message
    return text.format(**kwargs) if kwargs else text
