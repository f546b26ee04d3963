"""Codes as the platform writes them (issue 19, item 6): pretix's base64 secrets compared
exactly, through the import, a scan and a scanner typing on the wrong layout."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from checkin.base import codes
from checkin.event.model import EventConfig
from checkin.importer import import_file
from checkin.replica.db import Replica

ROOT = Path(__file__).resolve().parents[2]
# The shape of a pretix_sig1 secret: reversed base64, padding first, both cases, + and /.
SECRET = "=gAtyXa9Lm3/Qp+Vt7wZk2Rb8Nc4Hd6Jf1Ge5Ks0Yu9Pi3Oa7Ws2Xe4Dr6Tf8Gy1Hu3Jk5Lz7Mx9Cv2Bn4Mq6Wp8Eo0Ri2Ty4Ui6Op8As0Df2Gh4Jk6Lq"
OTHER = SECRET.swapcase()  # same letters, other case: another ticket


@pytest.fixture
def secrets_imported(tmp_path: Path, replica: Replica, event: EventConfig) -> Replica:
    path = tmp_path / "checkin-list.csv"
    path.write_text(
        '"Order code","Attendee name","Product","Price","Checked in","Paid","Secret","Email"\n'
        f'"AB12C","Inès Morvan","Elected official – 8 July only","0.00","","Yes","\'{SECRET}","ines@example.org"\n'
        f'"AB12D","Karim Haddad","Participant","0.00","","Yes","\'{OTHER}","karim@example.org"\n',
        encoding="utf-8",
    )
    summary = import_file(replica, event, path)
    assert (summary.created, summary.rejected) == (2, [])
    return replica


def test_secrets_are_kept_exactly_and_scanned_exactly(secrets_imported: Replica, event: EventConfig) -> None:
    with secrets_imported.read() as conn:
        stored = {c for (c,) in conn.exec_driver_sql("SELECT code FROM ticket_code")}
    assert stored == {SECRET, OTHER}
    known = stored.__contains__
    assert codes.parse(SECRET, event.code_regex, known).code == SECRET
    assert codes.parse(OTHER, event.code_regex, known).code == OTHER


@pytest.mark.parametrize(("scanner", "laptop"), [("us", "fr"), ("us", "de")])
def test_a_secret_garbled_by_a_layout_mix_up_is_repaired_to_its_exact_case(
    event: EventConfig, scanner: str, laptop: str
) -> None:
    garbled = codes.garble(SECRET, scanner, laptop)
    assert garbled != SECRET
    parsed = codes.parse(garbled, event.code_regex, {SECRET, OTHER}.__contains__)
    assert (parsed.code, parsed.repaired) == (SECRET, f"{scanner}→{laptop}")


def test_checkin_scan_secret_json(secrets_imported: Replica, home: Path) -> None:
    db = str(secrets_imported.path)
    done = subprocess.run(
        [sys.executable, "-m", "checkin.cli", "scan", SECRET, "--db", db, "--day", "2026-07-08", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    data = json.loads(done.stdout)
    assert (data["outcome"], data["code"], data["attendee"]["last_name"]) == ("admitted", SECRET, "Morvan")


def test_code_case_in_the_event_file_is_checked(tmp_path: Path, event: EventConfig) -> None:
    from checkin.base.errors import KnownError
    from checkin.event import model

    assert event.source is not None and event.code_case == ""
    text = event.source.read_text(encoding="utf-8")
    for value, expected in (('"exact"', "exact"), ('"fold"', "fold")):
        path = tmp_path / f"{expected}.toml"
        path.write_text(text.replace("[event]\n", f"[event]\ncode_case = {value}\n", 1), encoding="utf-8")
        assert model.load(path).code_case == expected
    path = tmp_path / "bad.toml"
    path.write_text(text.replace("[event]\n", '[event]\ncode_case = "loose"\n', 1), encoding="utf-8")
    with pytest.raises(KnownError, match="code_case"):
        model.load(path)


def _encoded(secret: str, lower: bool = False) -> str:
    escapes = {"+": "%2B", "/": "%2F", "=": "%3D"}
    out = "".join(escapes.get(c, c) for c in secret)
    return out.replace("%2B", "%2b").replace("%2F", "%2f").replace("%3D", "%3d") if lower else out


@pytest.mark.parametrize(
    "link",
    [
        f"https://pretix.example/aict/2026/checkin/?secret={_encoded(SECRET)}",
        f"https://pretix.example/aict/2026/checkin/?lang=fr&secret={SECRET}&utm_source=mail",
        f"https://pretix.example/aict/2026/ticket/{_encoded(SECRET)}/",
        f"https://pretix.example/aict/2026/ticket/{_encoded(SECRET, lower=True)}",  # %2b, %2f, %3d
        f"www.pretix.example/t?SECRET={_encoded(SECRET)}#top",
    ],
)
def test_a_secret_inside_a_link_is_read_exactly(
    secrets_imported: Replica, event: EventConfig, link: str
) -> None:
    """Case, + / = and the URL's %2B %2F %3D: the secret comes out as pretix wrote it, and
    the scan admits the right person (the other ticket differs only by case)."""
    from checkin.arrivals import scan

    d = scan.decide(secrets_imported, event, link, day="2026-07-08", desk="Accueil 1")
    assert (d.outcome, d.code) == ("admitted", SECRET)
    assert d.attendee is not None and d.attendee.last_name == "Morvan"
    other = scan.decide(secrets_imported, event, link.replace(SECRET, OTHER), day="2026-07-08", desk="A")
    if SECRET in link:  # the raw form: the other case is the other person
        assert (other.outcome, other.code) == ("admitted", OTHER)


def test_link_secrets_keeps_plus_and_padding() -> None:
    # Unencoded: "+" is the sign (not a space), the padding "=" survives the "secret=" split.
    assert codes.link_secrets(f"https://x.example/c?secret={SECRET}")[0] == SECRET
    assert codes.link_secrets("https://x.example/c?secret=Ab+c/d==&x=1")[0] == "Ab+c/d=="
    assert codes.link_secrets("AICT26-7K3M9Q2X") == ()  # a bare code is no link


@pytest.mark.parametrize(("scanner", "laptop"), [("us", "fr"), ("us", "de")])
def test_a_link_garbled_by_a_layout_mix_up_gives_its_secret_exactly(
    event: EventConfig, scanner: str, laptop: str
) -> None:
    link = f"https://pretix.example/aict/2026/checkin/?secret={_encoded(SECRET)}"
    garbled = codes.garble(link, scanner, laptop)
    assert garbled != link
    parsed = codes.parse(garbled, event.code_regex, {SECRET, OTHER}.__contains__)
    assert (parsed.code, parsed.repaired) == (SECRET, f"{scanner}→{laptop}")


# pretix's default secrets (its "random" generator): 32 characters of one case, no + / =.
ONE_CASE = "k7vq2mz9xw4tb8rn3hj6pd5cfy2gs8la"


def _pretix_list(path: Path, secret: str) -> Path:
    path.write_text(
        '"Order code","Attendee name","Product","Price","Checked in","Paid","Secret","Email"\n'
        f'"AB12E","Lina Okafor","Participant","0.00","","Yes","{secret}","lina@example.org"\n',
        encoding="utf-8",
    )
    return path


def _generic_list(path: Path, code: str) -> Path:
    path.write_text(f"Nom,Prénom,Code billet,Email\nOkafor,Lina,{code},lina@example.org\n", encoding="utf-8")
    return path


def _stored(replica: Replica) -> set[str]:
    with replica.read() as conn:
        return {c for (c,) in conn.exec_driver_sql("SELECT code FROM ticket_code")}


def test_a_one_case_pretix_secret_is_kept_exactly(
    tmp_path: Path, replica: Replica, event: EventConfig
) -> None:
    """A pretix export: its secrets are case-sensitive even in one case, so the scan finds
    the secret as pretix wrote it and a push would hand pretix its own secret back."""
    from checkin.arrivals import scan

    assert import_file(replica, event, _pretix_list(tmp_path / "list.csv", ONE_CASE)).created == 1
    assert _stored(replica) == {ONE_CASE}
    d = scan.decide(replica, event, ONE_CASE, day="2026-07-08", desk="Accueil 1")
    assert (d.outcome, d.code) == ("admitted", ONE_CASE)


def test_other_platforms_still_fold_one_case_codes(
    tmp_path: Path, replica: Replica, event: EventConfig
) -> None:
    assert import_file(replica, event, _generic_list(tmp_path / "list.csv", "evt-ab12cd")).created == 1
    assert _stored(replica) == {"EVT-AB12CD"}


def test_a_desk_linked_to_pretix_keeps_every_import_exact(
    tmp_path: Path, replica: Replica, event: EventConfig
) -> None:
    from checkin.replica.signed import LINK_META

    with replica.write() as conn:
        conn.exec_driver_sql("INSERT INTO meta(key, value) VALUES (?, ?)", (LINK_META, '{"url": "x"}'))
    assert import_file(replica, event, _generic_list(tmp_path / "list.csv", ONE_CASE)).created == 1
    assert _stored(replica) == {ONE_CASE}


@pytest.mark.parametrize(("extra", "kept"), [("", ONE_CASE), ('code_case = "fold"\n', ONE_CASE.upper())])
def test_an_event_with_a_pretix_section_is_exact_unless_it_says_fold(
    tmp_path: Path, replica: Replica, event: EventConfig, extra: str, kept: str
) -> None:
    from checkin.event import model

    assert event.source is not None
    text = event.source.read_text(encoding="utf-8").replace("[event]\n", f"[event]\n{extra}", 1)
    path = tmp_path / "event.toml"
    path.write_text(text + '\n[pretix]\nproducts = { "12" = "Participant" }\n', encoding="utf-8")
    on_pretix = model.load(path)
    assert import_file(replica, on_pretix, _generic_list(tmp_path / "list.csv", ONE_CASE)).created == 1
    assert _stored(replica) == {kept}


def test_a_signed_secret_inside_a_link_is_verified_exactly(replica: Replica, event: EventConfig) -> None:
    import dataclasses

    from checkin.arrivals import scan
    from tests.pretix_secrets import Signer

    signer = Signer()
    ev = dataclasses.replace(
        event, pretix_keys=(signer.public,), pretix_names={"item:7": "Participant"}, _memo={}
    )
    secret = signer.secret("q8zr2mvk4xtn7wpb", 7)
    link = f"https://pretix.example/aict/2026/checkin/?secret={_encoded(secret)}"
    d = scan.decide(replica, ev, link, day="2026-07-08", desk="Accueil 1")
    assert (d.outcome, d.code, d.signed is not None) == ("admitted", secret, True)
    assert scan.decide(replica, ev, secret, day="2026-07-08", desk="Accueil 2").outcome == "already_in"


def test_caps_lock_on_a_one_case_pretix_secret_is_repaired(
    tmp_path: Path, replica: Replica, event: EventConfig
) -> None:
    """Kept exactly, a pretix secret no longer matches its upper-cased form by folding: a
    scanner with Caps Lock on is read back to the secret, and said to be repaired."""
    from checkin.arrivals import scan

    assert import_file(replica, event, _pretix_list(tmp_path / "list.csv", ONE_CASE)).created == 1
    d = scan.decide(replica, event, ONE_CASE.upper(), day="2026-07-08", desk="Accueil 1")
    assert (d.outcome, d.code, d.repaired) == ("admitted", ONE_CASE, "caps")
    assert (
        scan.decide(replica, event, ONE_CASE.upper()[:-1] + "x", day="2026-07-08", desk="A").outcome
        == "unknown"
    )
