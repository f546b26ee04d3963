"""The scanner check: what a desk's scanner types, said in plain words, and remembered.

The desk lead prints a page of test codes (written by ``checkin scanner-check --page``: a QR code
and two Code 128 barcodes carrying every character class the event's codes and links use)
and scans one of them. :func:`analyse` compares what arrived with what the code holds:

* which keyboard layout the scanner types in, against the desk's own — found by playing
  every layout pair on the test text (:func:`checkin.base.codes.garble`) until one gives
  exactly what arrived;
* whether Caps Lock inverted the letters, whether the scanner adds a prefix (an AIM
  symbology identifier such as ``]Q1``, or anything else), which terminator it sends, how
  fast it types (from the window, which has the keys' timestamps);
* what to change on the scanner, in words that fit any make (its manual has a
  configuration barcode for each of these settings).

The result is remembered in the desk's settings (:func:`remember`): the layout pair is
then tried first whenever a scan needs repairing. No Qt here: the window and the
``checkin scanner-check`` command (one scan read from standard input) share it.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from checkin.base import codes
from checkin.base.i18n import _

LINK_SIGNS = ":/.?=&_%"  # what the event's links need beyond letters, digits and "-"
MARKER = "CHK"


def payloads(code_pattern: str = "") -> dict[str, str]:
    """The test codes of the page, by name.

    Letters that tell QWERTY, AZERTY and QWERTZ apart (A Q W Z Y M), in both cases, every
    digit, the code's separator and the signs of a link; any other sign the event's code
    pattern uses literally is added.
    """
    extra = "".join(sorted({ch for ch in code_pattern if ch in "#+*@$!;,'~" and ch not in LINK_SIGNS + "-"}))
    return {
        "code": f"{MARKER}-AQWZYM-0123456789{extra}",
        "link": f"http://{MARKER}.example/aqwzym?k=Q_9&x=%.:-",
        "qr": f"https://checkin.example/{MARKER}/aqwzym?k=AQWZYM_0123456789&x=%.:-{extra}",
    }


@dataclass
class CheckResult:
    """What the check found, and what the lead should do."""

    received: str
    recognised: bool = False
    payload: str = ""  # which test code was scanned
    scanner_layout: str = ""
    desk_layout: str = ""
    same_layout: bool = False  # the scanner types what the desk's layout types
    caps_inverted: bool = False
    prefix: str = ""
    suffix: str = ""  # characters after the code (not a terminator)
    terminator: str = ""  # enter, keypad-enter, tab, cr, lf, cr-lf, "" (none), "?" (unknown)
    gap_median_ms: float | None = None
    gap_max_ms: float | None = None
    findings: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    ok: bool = False  # nothing to change

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


_CONTROL_END = re.compile(r"[\r\n\t]+$")
_AIM = re.compile(r"^\][A-Za-z][0-9]$")


def terminator_of(text: str) -> tuple[str, str]:
    """(the text without its trailing control characters, the terminator they make)."""
    match = _CONTROL_END.search(text)
    if not match:
        return text, ""
    tail = match.group(0)
    if tail.startswith("\t"):
        kind = "tab"
    elif tail.startswith("\r\n") or tail.startswith("\n\n"):
        kind = "cr-lf"
    else:
        kind = "enter"
    return text[: match.start()], kind


def _candidates(desk_layout: str) -> list[tuple[str, str]]:
    layouts = list(codes.LAYOUTS)
    desks = [desk_layout] if desk_layout in codes.LAYOUTS else layouts
    pairs = [(d, d) for d in desks] + [(s, d) for d in desks for s in layouts if s != d]
    # Likely first: the desks of the brief (AZERTY, QWERTZ), scanners left at US.
    order = {"fr": 0, "us": 1, "de": 2, "be": 3, "ch": 4}
    return sorted(pairs, key=lambda p: (p[0] != p[1], p[0] != "us", order[p[1]], order[p[0]]))


def analyse(
    received: str,
    *,
    code_pattern: str = "",
    desk_layout: str = "",
    terminator: str | None = None,
    gaps_ms: list[float] | None = None,
) -> CheckResult:
    """Read one scan of the test page. ``terminator`` and ``gaps_ms`` come from the
    window (it saw the keys); from standard input the terminator is read off the text's
    end and the speed is unknown."""
    text, seen_terminator = terminator_of(received)
    result = CheckResult(received=received)
    result.terminator = terminator if terminator is not None else seen_terminator
    tests = payloads(code_pattern)
    found: tuple[str, str, str, bool, int] | None = None  # payload name, scanner, desk, caps, index
    for scanner, desk in _candidates(desk_layout):
        # Dead keys compared undone: an input method may compose ´ + J as J́ or as ´J.
        seen = codes.expand_dead_keys(text, desk)
        for name, payload in tests.items():
            typed = codes.garble(payload, scanner, desk) if scanner != desk else payload
            for caps in (False, True):
                variant = codes.expand_dead_keys(typed.swapcase() if caps else typed, desk)
                at = seen.find(variant)
                if at >= 0 and (found is None or at < found[4]):
                    found = (name, scanner, desk, caps, at)
                    if at == 0:
                        break
            if found and found[4] == 0:
                break
        if found and found[4] == 0:
            break
    if gaps_ms:
        result.gap_median_ms = round(statistics.median(gaps_ms), 1)
        result.gap_max_ms = round(max(gaps_ms), 1)
    if found is None:
        result.findings.append(
            _(
                "Ce scan n'est pas un code de la page de test, ou le scanner l'a trop modifié "
                "pour qu'on le reconnaisse : « {text} ».",
                text=text[:80],
            )
        )
        result.advice.append(
            _("Scannez un des codes de la page de test imprimée par ce poste (le QR code ou un code-barres).")
        )
        return result
    name, scanner, desk, caps, at = found
    text = codes.expand_dead_keys(text, desk)
    typed = codes.garble(tests[name], scanner, desk) if scanner != desk else tests[name]
    typed = codes.expand_dead_keys(typed.swapcase() if caps else typed, desk)
    result.recognised = True
    result.payload = name
    result.caps_inverted = caps
    result.same_layout = scanner == desk
    result.scanner_layout = scanner if not result.same_layout or desk_layout else ""
    result.desk_layout = desk if (desk_layout or not result.same_layout) else ""
    prefix = text[:at].swapcase() if caps else text[:at]
    result.suffix = text[at + len(typed) :]
    if prefix and not result.same_layout:
        prefix = codes.translate(prefix, scanner, desk)
    result.prefix = prefix
    _describe(result)
    return result


# Key positions (row, column of ``codes.LAYOUTS``) by the platform's key number: X11 and
# Wayland give the evdev code + 8 (``nativeScanCode``), Windows the PS/2 set-1 scan code.
_EVDEV = {
    49: (0, 0),
    **{10 + i: (0, 1 + i) for i in range(12)},
    **{24 + i: (1, i) for i in range(12)},
    **{38 + i: (2, i) for i in range(11)},
    51: (2, 11),
    **{52 + i: (3, i) for i in range(10)},
}
_SET1 = {
    0x29: (0, 0),
    **{0x02 + i: (0, 1 + i) for i in range(12)},
    **{0x10 + i: (1, i) for i in range(12)},
    **{0x1E + i: (2, i) for i in range(11)},
    0x2B: (2, 11),
    **{0x2C + i: (3, i) for i in range(10)},
}
KEY_POSITIONS = {"xcb": _EVDEV, "wayland": _EVDEV, "windows": _SET1}


def desk_layout_from_keys(keys: list[tuple[int, str, bool]], platform: str) -> str:
    """The desk's own layout, read off the keys of a scan: (key number, character typed,
    Shift held). A key at the first letter of the top row that types ``a`` is AZERTY,
    whatever the scanner meant. "" when the platform gives no key numbers (macOS) or the
    keys leave more than one layout possible."""
    positions = KEY_POSITIONS.get(platform)
    if not positions:
        return ""
    possible = set(codes.LAYOUTS)
    for number, char, shift in keys:
        where = positions.get(number)
        if where is None or len(char) != 1:
            continue
        row, column = where
        fits = set()
        for name, rows in codes.LAYOUTS.items():
            typed = rows[row][1 if shift else 0][column]
            if typed == char or (typed.isalpha() and typed.swapcase() == char):  # Caps Lock
                fits.add(name)
        if fits:
            possible &= fits
    return possible.pop() if len(possible) == 1 else ""


def _layout(code: str) -> str:
    return codes.LAYOUT_NAMES.get(code, code)


def _describe(r: CheckResult) -> None:
    _describe_layout(r)
    _describe_terminator(r)
    _describe_prefix(r)
    _describe_speed(r)
    r.ok = not r.advice


def _describe_layout(r: CheckResult) -> None:
    """The keyboard layout the scanner types in, and Caps Lock."""
    f, a = r.findings, r.advice
    if r.same_layout:
        if r.desk_layout:
            f.append(
                _(
                    "Disposition du clavier : le scanner tape en {layout}, comme ce poste.",
                    layout=_layout(r.desk_layout),
                )
            )
        else:
            f.append(_("Disposition du clavier : le scanner et ce poste tapent les mêmes caractères."))
    else:
        f.append(
            _(
                "Disposition du clavier : le scanner tape en {scanner}, ce poste est en {desk}.",
                scanner=_layout(r.scanner_layout),
                desk=_layout(r.desk_layout),
            )
        )
        a.append(
            _(
                "Réglez le scanner sur la disposition « {desk} » (réglage « langue du clavier » ou "
                "« pays du clavier » dans son manuel : un code de configuration à scanner). En attendant, "
                "ce poste répare ces scans : le réglage est mémorisé.",
                desk=_layout(r.desk_layout),
            )
        )
    if r.caps_inverted:
        f.append(_("Majuscules et minuscules inversées : le verrouillage des majuscules est activé."))
        a.append(
            _(
                "Désactivez le verrouillage des majuscules (Verr. Maj) du poste, ou réglez le scanner "
                "pour qu'il ignore l'état de Verr. Maj."
            )
        )


def _describe_terminator(r: CheckResult) -> None:
    """What the scanner sends after a code."""
    f, a = r.findings, r.advice
    names = {
        "enter": _("Entrée"),
        "keypad-enter": _("Entrée du pavé numérique"),
        "tab": _("Tabulation"),
        "cr": _("retour chariot (CR)"),
        "lf": _("saut de ligne (LF)"),
        "cr-lf": _("CR LF (Entrée puis saut de ligne)"),
    }
    if r.terminator in names:
        f.append(_("Fin de code : le scanner envoie {key}.", key=names[r.terminator]))
        if r.terminator == "tab":
            a.append(
                _(
                    "Préférez Entrée comme suffixe du scanner : la tabulation convient au poste, "
                    "mais dans d'autres logiciels elle déplace le curseur."
                )
            )
    elif r.terminator == "":
        f.append(_("Fin de code : le scanner n'envoie rien après le code."))
        a.append(
            _(
                "Ajoutez Entrée comme suffixe du scanner : sans lui le poste attend un silence de "
                "0,2 s pour savoir que le code est fini."
            )
        )


def _describe_prefix(r: CheckResult) -> None:
    """What the scanner adds before and after a code."""
    f, a = r.findings, r.advice
    if r.prefix:
        if _AIM.match(r.prefix):
            f.append(
                _(
                    "Préfixe : le scanner ajoute « {prefix} » (identifiant de symbologie AIM) ; "
                    "le poste le retire tout seul.",
                    prefix=r.prefix,
                )
            )
        else:
            f.append(_("Préfixe : le scanner ajoute « {prefix} » avant chaque code.", prefix=r.prefix))
            a.append(
                _(
                    "Retirez le préfixe du scanner (réglage « préfixe » de son manuel) : le poste "
                    "ne retire que les identifiants AIM."
                )
            )
    else:
        f.append(_("Préfixe : aucun."))
    if r.suffix:
        f.append(_("Le scanner ajoute « {suffix} » après chaque code.", suffix=r.suffix))
        a.append(_("Retirez ce suffixe du scanner (seul Entrée est utile)."))


def _describe_speed(r: CheckResult) -> None:
    """How fast the scanner types, when the window measured it."""
    f, a = r.findings, r.advice
    if r.gap_median_ms is not None and r.gap_max_ms is not None:
        per_second = round(1000 / r.gap_median_ms) if r.gap_median_ms > 0 else 0
        f.append(
            _(
                "Vitesse : {median} ms entre deux touches (au plus {max} ms), environ {n} caractères par seconde.",
                median=_ms(r.gap_median_ms),
                max=_ms(r.gap_max_ms),
                n=per_second,
            )
        )
        if r.gap_max_ms > 50:
            a.append(
                _(
                    "Le scanner tape lentement : réduisez son délai entre caractères (« inter-character "
                    "delay ») au plus court. Le poste s'y adapte en attendant."
                )
            )


def _ms(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def gap_threshold(result: CheckResult, current: int) -> int:
    """The desk's burst threshold after this check: raised (never lowered) for a scanner
    measured slower than it, with room for the timestamps' jitter."""
    if result.gap_max_ms is None:
        return current
    return int(min(200, max(current, round(result.gap_max_ms * 1.5 + 20))))


def remember(settings: Any, result: CheckResult) -> None:
    """Keep what the check found in the desk's settings (``checkin.base.settings.DeskSettings``)."""
    if not result.recognised:
        return
    settings.scanner_layout = result.scanner_layout
    settings.desk_layout = result.desk_layout
    settings.scanner_terminator = result.terminator or "none"
    settings.scanner_prefix = result.prefix
    settings.scanner_checked = datetime.now().isoformat(timespec="seconds")
    settings.scanner_max_gap_ms = gap_threshold(result, settings.scanner_max_gap_ms)


def remembered_layouts(settings: Any) -> tuple[str, str] | None:
    """The (scanner, desk) layout pair the check found, if it found a mix-up."""
    pair = (getattr(settings, "scanner_layout", ""), getattr(settings, "desk_layout", ""))
    if pair[0] in codes.LAYOUTS and pair[1] in codes.LAYOUTS and pair[0] != pair[1]:
        return pair
    return None


def report(result: CheckResult) -> str:
    lines = [_("Vérification du scanner")]
    lines += [f"• {line}" for line in result.findings]
    if result.advice:
        lines.append(_("À faire :"))
        lines += [f"→ {line}" for line in result.advice]
    elif result.recognised:
        lines.append(_("Rien à changer : le scanner est bien réglé pour ce poste."))
    return "\n".join(lines)
