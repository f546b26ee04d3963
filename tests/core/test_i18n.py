"""Every message in the code has an English translation."""

from __future__ import annotations

import ast
from pathlib import Path

from checkin.base import i18n

ROOT = Path(__file__).resolve().parents[2] / "checkin"


def messages() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"_", "tr"}
                and node.args
            ):
                arg = node.args[0] if node.func.id == "_" else (node.args[1] if len(node.args) > 1 else None)
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found[arg.value] = f"{path.relative_to(ROOT.parent)}:{node.lineno}"
    return found


def test_every_message_has_an_english_entry() -> None:
    english = i18n.catalog("en")
    missing = {m: where for m, where in messages().items() if m not in english}
    assert not missing, "\n".join(f"{where}: {m}" for m, where in sorted(missing.items(), key=lambda x: x[1]))


def test_translations_keep_their_placeholders() -> None:
    import string

    for french, english in i18n.catalog("en").items():
        fields = {f for _, f, _, _ in string.Formatter().parse(french) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(english) if f}, french


def test_switching_language() -> None:
    try:
        i18n.set_language("en")
        assert i18n._("Code inconnu — rechercher par nom") == "Unknown code — search by name"
    finally:
        i18n.set_language("fr")
    assert i18n._("Code inconnu — rechercher par nom") == "Code inconnu — rechercher par nom"
