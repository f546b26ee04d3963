"""Fuzzing every parser of outside input, with counts.

Each parser gets ``cases`` inputs: mutations (bytes flipped, inserted, deleted, repeated,
spliced; quotes, brackets, separators, control characters, huge numbers, other scripts)
of real inputs of its kind — a scan, an export as the platforms write it, an event file, a
badge or slip layout, a printer list, the desk's settings, a mapping file, a printer's
status bytes. The rule for each: it answers, or it refuses with a sentence
(:class:`~checkin.base.errors.KnownError`); anything else is a bug, counted with the first
examples (the input saved to the work folder). The desk's settings may not even refuse:
a damaged file gives the defaults.

Deterministic for a seed: a finding can be replayed.
"""

from __future__ import annotations

import logging
import random
import time
import tomllib
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checkin.base.errors import KnownError
from checkin.event.model import EventConfig

log = logging.getLogger(__name__)

_TOKENS = [
    b'"',
    b"'",
    b"[",
    b"]",
    b"[[",
    b"{",
    b"}",
    b"=",
    b",",
    b";",
    b"\t",
    b"\n",
    b"\r\n",
    b"\x00",
    b"\\",
    b"#",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"99999999999999999999999",
    b"-1",
    b"0",
    b"nan",
    b"inf",
    b"true",
    b"1e309",
    "é".encode(),
    "李".encode(),
    "\u202e".encode(),
    "🙂".encode(),
    b"%s",
    b"{0}",
    b"=cmd|' /C calc'!A0",
]


def mutate(rng: random.Random, data: bytes, seeds: list[bytes]) -> bytes:
    """One to four random edits of ``data``."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(8)
        at = rng.randrange(len(out) + 1)
        if op == 0 and out:  # flip a byte
            i = rng.randrange(len(out))
            out[i] = rng.randrange(256)
        elif op == 1:  # insert random bytes
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op == 2 and out:  # delete a range
            out[at : at + rng.randint(1, 64)] = b""
        elif op == 3 and out:  # repeat a range
            end = min(len(out), at + rng.randint(1, 64))
            out[at:at] = out[at:end] * rng.randint(1, 20)
        elif op == 4:  # an interesting token
            out[at:at] = rng.choice(_TOKENS)
        elif op == 5 and seeds:  # splice another input in
            other = rng.choice(seeds)
            start = rng.randrange(len(other) + 1)
            out[at:at] = other[start : start + rng.randint(1, 200)]
        elif op == 6 and out:  # truncate
            del out[at:]
        else:  # swap two lines
            lines = bytes(out).split(b"\n")
            if len(lines) > 2:
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[i], lines[j] = lines[j], lines[i]
                out = bytearray(b"\n".join(lines))
    return bytes(out)


@dataclass
class Target:
    name: str
    seeds: list[bytes]
    call: Callable[[bytes], Any]
    never_refuses: bool = False  # a refusal counts as a bug (the desk's settings)
    suffix: str = ".txt"


@dataclass
class Result:
    name: str
    cases: int = 0
    answered: int = 0
    refused: int = 0
    bugs: int = 0
    slow: int = 0  # cases over a second
    seconds: float = 0.0
    examples: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "answered": self.answered,
            "refused_with_a_sentence": self.refused,
            "bugs": self.bugs,
            "slow_cases": self.slow,
            "seconds": round(self.seconds, 1),
            "first_bugs": self.examples,
        }


def fuzz(target: Target, cases: int, rng: random.Random, found: Path) -> Result:
    result = Result(target.name)
    started = time.perf_counter()
    for n in range(cases):
        data = target.seeds[n % len(target.seeds)] if n < len(target.seeds) else None
        if data is None:
            data = mutate(rng, rng.choice(target.seeds), target.seeds)
        t0 = time.perf_counter()
        try:
            target.call(data)
        except KnownError:
            if target.never_refuses:
                _bug(result, target, data, traceback.format_exc(), found)
            else:
                result.refused += 1
        except Exception:
            _bug(result, target, data, traceback.format_exc(), found)
        else:
            result.answered += 1
        if time.perf_counter() - t0 > 1.0:
            result.slow += 1
        result.cases += 1
    result.seconds = time.perf_counter() - started
    return result


def _bug(result: Result, target: Target, data: bytes, trace: str, found: Path) -> None:
    result.bugs += 1
    if len(result.examples) < 3:
        found.mkdir(parents=True, exist_ok=True)
        path = found / f"{target.name}-{result.bugs}{target.suffix}"
        path.write_bytes(data)
        last = trace.strip().splitlines()[-1]
        result.examples.append(f"{path}: {last}")
        log.warning("fuzz %s: %s", target.name, last)


# -- the targets ---------------------------------------------------------------------------


def targets(workdir: Path) -> list[Target]:
    """Every parser of outside input, with real inputs of its kind as seeds."""
    from checkin.demo import synthetic
    from checkin.event import model as event_module

    workdir.mkdir(parents=True, exist_ok=True)
    ev = event_module.load()
    files = synthetic.build_event_files(workdir / "seeds", 12, ev, seed=7)
    scratch = workdir / "case"
    return [
        _scan_target(files["export"], ev),
        *_export_targets(files, ev, scratch, workdir / "seed.xlsx"),
        *_file_targets(scratch),
        Target("printer_replies", [b"\x16\x12\x12", b"\x1e\x32\x72", b"\x00"], _replies, suffix=".bin"),
    ]


def _as_file(scratch: Path, suffix: str) -> Callable[[bytes], Path]:
    """The case written where a parser that reads files finds it, under ``suffix``."""

    def write(data: bytes) -> Path:
        path = scratch.with_suffix(suffix)
        path.write_bytes(data)
        return path

    return write


def _scan_target(export: Path, ev: EventConfig) -> Target:
    """What a scanner types: the export's codes, bare, in a link, with an AIM prefix, and
    as a US-set scanner types them on an AZERTY desk."""
    from checkin.base import codes

    known = set()
    with export.open(encoding="utf-8-sig") as fh:
        for line in list(fh)[1:]:
            known.add(line.split(";")[1])
    pattern = ev.code_regex

    def scan(data: bytes) -> None:
        text = data.decode("utf-8", errors="replace")
        codes.parse(text, pattern, known.__contains__)

    scan_seeds = [c.encode() for c in sorted(known)[:5]] + [
        f"https://inscriptions.example.org/billet?code={c}".encode() for c in sorted(known)[:2]
    ]
    scan_seeds += [
        b"]Q1" + sorted(known)[0].encode() + b"\r\n",
        codes.garble(sorted(known)[0], "us", "fr").encode(),
    ]
    return Target("scan", scan_seeds, scan)


def _export_targets(files: dict[str, Path], ev: EventConfig, scratch: Path, xlsx_path: Path) -> list[Target]:
    """The importer, in dry runs on an in-memory replica (nothing is written): the export
    as CSV and as a workbook, the programme and the B2B grid."""
    from checkin.importer import import_file
    from checkin.replica.db import open_replica

    replica = open_replica(None)
    csv_file, xlsx_file = _as_file(scratch, ".csv"), _as_file(scratch, ".xlsx")

    def export(data: bytes, write: Callable[[bytes], Path] = csv_file) -> None:
        import_file(replica, ev, write(data), dry_run=True, saved_choices=False)

    return [
        Target("export_csv", [files["export"].read_bytes()], export, suffix=".csv"),
        Target(
            "export_xlsx",
            [_xlsx_seed(files["export"], xlsx_path)],
            lambda d: export(d, xlsx_file),
            suffix=".xlsx",
        ),
        Target("programme_csv", [files["programme"].read_bytes()], export, suffix=".csv"),
        Target("b2b_grid_csv", [files["meetings"].read_bytes()], export, suffix=".csv"),
    ]


def _xlsx_seed(export: Path, path: Path) -> bytes:
    """The CSV export as a workbook, as a platform's Excel download gives it."""
    import csv

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    with export.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.reader(fh, delimiter=";"):
            sheet.append(row)
    book.save(path)
    return path.read_bytes()


def _file_targets(scratch: Path) -> list[Target]:
    """The files staff edit or bring: the event file, badge and slip layouts (seeded with
    the shipped ones), the printer list, the desk's settings, a mapping file."""
    from checkin.base import paths
    from checkin.base.settings import DeskSettings
    from checkin.event import model as event_module
    from checkin.importer.mapping import load_mapping_file
    from checkin.printing import config as printer_config

    toml_file, json_file = _as_file(scratch, ".toml"), _as_file(scratch, ".json")

    def event_file(data: bytes) -> None:
        event_module.load(toml_file(data))

    def printers(data: bytes) -> None:
        printer_config.load(toml_file(data))

    def settings(data: bytes) -> None:
        DeskSettings.load(toml_file(data))

    def mapping(data: bytes) -> None:
        load_mapping_file(toml_file(data) if not data.lstrip().startswith(b"{") else json_file(data))

    resources = paths.resources_dir()

    def shipped(folder: str) -> list[bytes]:
        return [p.read_bytes() for p in sorted((resources / folder).glob("*.toml"))]

    sample_settings = DeskSettings(hub_url="postgresql://desk@hub/aict", backup_dir="/media/usb").to_toml()
    sample_settings += '\n[printers.accueil]\nbackend = "cups"\ntarget = "Brother_QL"\nlayout = "ql62"\n'
    return [
        Target("event_file", shipped("events"), event_file, suffix=".toml"),
        Target("badge_layout", shipped("layouts"), _badge_layout, suffix=".toml"),
        Target("slip_layout", shipped("tickets"), _slip, suffix=".toml"),
        Target("printer_list", [sample_settings.encode()], printers, suffix=".toml"),
        Target("desk_settings", [sample_settings.encode()], settings, never_refuses=True, suffix=".toml"),
        Target(
            "mapping_file",
            [
                b'[columns]\nfirst_name = "Pr\xc3\xa9nom"\nlast_name = "Nom"\ncode = "Code billet"\n',
                b'{"columns": {"first_name": "First", "email": "Mail"}}',
            ],
            mapping,
            suffix=".toml",
        ),
    ]


def _badge_layout(data: bytes) -> None:
    from checkin.printing.layout import _bad, parse_layout

    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:  # as load_layout says it
        raise _bad("fuzz", str(exc)) from None
    parse_layout(parsed, "fuzz")


def _slip(data: bytes) -> None:
    from checkin.printing.escpos import layout as slip_layout

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise KnownError(str(exc)) from None
    slip_layout.parse(text)


def _replies(data: bytes) -> None:
    """A printer's status bytes (ESC/POS real-time status), some missing."""
    from checkin.printing.escpos import status

    values = [*list(data[:3]), None, None, None]
    status.decode(values[0] if values[0] is not None else 0, values[1], values[2])


def run(workdir: Path, *, cases: int = 10_000, seed: int = 13, only: tuple[str, ...] = ()) -> dict[str, Any]:
    rng = random.Random(seed)
    found = workdir / "findings"
    out: dict[str, Any] = {}
    logging.getLogger("checkin").setLevel(logging.ERROR)  # refusals log warnings by design
    for target in targets(workdir):
        if only and target.name not in only:
            continue
        out[target.name] = fuzz(target, cases, rng, found).to_json()
    return out
