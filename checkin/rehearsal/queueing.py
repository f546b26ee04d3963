"""The morning as a queue: the brief's arrival curve, desks that each take 15–30 s per person,
and the question the organiser asks — how many desks so that nobody waits more than X minutes?

Everything here is plain arithmetic over simulated seconds (no clock, no randomness beyond a
seeded generator), so the same inputs always give the same plan and the same answer.

The curve ("brief"): 60–70 % of the day's arrivals in the 30 minutes before the opening
plenary. Doors open 90 minutes before it; we use 20 % in the hour before the peak (rising),
65 % in the 30-minute peak (rising to the last ten minutes), 12 % in the hour after the
opening and 3 % over the two hours after that. Arrival ``i`` of ``n`` comes at the curve's
``(i + 0.5) / n`` quantile: evenly spread along the curve, reproducible.

People choose the desk with the shortest line (people in line and at the counter), then
wait their turn; each transaction's human time is drawn once per person (a scan: uniform
15–30 s; a name search: +15 s; a walk-in: 90–150 s; a garbled code rescanned: +5 s; an
unknown code then a search: +20 s), so every desk count is compared on the same morning.
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass, field
from typing import Any

# (start, end) in minutes relative to the opening plenary, and the share of arrivals.
BRIEF_CURVE: tuple[tuple[float, float, float, str], ...] = (
    (-90.0, -30.0, 0.20, "rise"),
    (-30.0, 0.0, 0.65, "rise"),
    (0.0, 60.0, 0.12, "fall"),
    (60.0, 180.0, 0.03, "flat"),
)
FLAT_CURVE: tuple[tuple[float, float, float, str], ...] = ((-90.0, 180.0, 1.0, "flat"),)
CURVES = {"brief": BRIEF_CURVE, "flat": FLAT_CURVE}

KINDS = ("scan", "search", "walkin", "garbled", "unknown")
DEFAULT_MIX = {"scan": 0.85, "search": 0.08, "walkin": 0.02, "garbled": 0.03, "unknown": 0.02}


def _segment_quantile(q: float, start: float, end: float, shape: str) -> float:
    """Inverse CDF inside a segment: flat, rising linearly (density ∝ t) or falling."""
    width = end - start
    if shape == "rise":
        return start + width * math.sqrt(q)
    if shape == "fall":
        return start + width * (1 - math.sqrt(1 - q))
    return start + width * q


def arrival_minutes(n: int, curve: str = "brief") -> list[float]:
    """Arrival times (minutes relative to the opening plenary) of ``n`` people."""
    segments = CURVES[curve]
    total = sum(s[2] for s in segments)
    bounds = []
    acc = 0.0
    for seg in segments:
        acc += seg[2] / total
        bounds.append(acc)
    times = []
    for i in range(n):
        q = (i + 0.5) / n
        k = min(bisect.bisect_left(bounds, q), len(segments) - 1)
        lo = bounds[k - 1] if k else 0.0
        start, end, _share, shape = segments[k]
        times.append(_segment_quantile((q - lo) / (bounds[k] - lo), start, end, shape))
    return times


@dataclass(frozen=True)
class Visit:
    person: int  # index in the day's arrivals
    kind: str
    arrive: float  # seconds from doors open
    service: float  # human seconds at the counter


@dataclass
class Served:
    visit: Visit
    desk: int
    start: float
    end: float

    @property
    def wait(self) -> float:
        return self.start - self.visit.arrive


@dataclass
class Morning:
    desks: int
    served: list[Served]
    doors_minute: float  # the doors' time relative to the opening plenary (negative)
    queue_per_minute: list[list[int]] = field(default_factory=list)  # [minute][desk] people waiting

    @property
    def max_wait(self) -> float:
        return max((s.wait for s in self.served), default=0.0)

    def wait_quantile(self, q: float) -> float:
        waits = sorted(s.wait for s in self.served)
        return waits[min(len(waits) - 1, int(q * len(waits)))] if waits else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "desks": self.desks,
            "people": len(self.served),
            "max_wait_min": round(self.max_wait / 60, 1),
            "p95_wait_min": round(self.wait_quantile(0.95) / 60, 1),
            "median_wait_min": round(self.wait_quantile(0.5) / 60, 1),
            "last_served_min": round(
                max((s.end for s in self.served), default=0) / 60 + self.doors_minute, 1
            ),
        }


def visits(
    n: int,
    *,
    curve: str = "brief",
    service: tuple[float, float] = (15.0, 30.0),
    mix: dict[str, float] | None = None,
    seed: int = 2026,
) -> list[Visit]:
    """The day's arrivals with what each one needs at the counter."""
    rng = random.Random(seed)
    mix = mix or DEFAULT_MIX
    kinds, weights = list(mix), list(mix.values())
    minutes = arrival_minutes(n, curve)
    doors = min(CURVES[curve][0][0], 0.0)
    out = []
    for i, minute in enumerate(minutes):
        kind = rng.choices(kinds, weights)[0]
        base = rng.uniform(*service)
        extra = {"search": 15.0, "garbled": 5.0, "unknown": 20.0}.get(kind, 0.0)
        if kind == "walkin":
            base = rng.uniform(90.0, 150.0)
        out.append(Visit(i, kind, (minute - doors) * 60.0, base + extra))
    return out


def simulate(visits_: list[Visit], desks: int, *, curve: str = "brief") -> Morning:
    """Shortest line first, first come first served at each desk."""
    free_at = [0.0] * desks
    lines: list[list[Served]] = [[] for _ in range(desks)]
    served: list[Served] = []
    for visit in sorted(visits_, key=lambda v: v.arrive):
        t = visit.arrive

        in_line = [sum(1 for s in lines[d] if s.end > t) for d in range(desks)]
        desk = min(range(desks), key=lambda d: (in_line[d], d))
        start = max(t, free_at[desk])
        item = Served(visit, desk, start, start + visit.service)
        free_at[desk] = item.end
        lines[desk] = [s for s in lines[desk] if s.end > t] + [item]
        served.append(item)
    morning = Morning(desks, served, min(CURVES[curve][0][0], 0.0))
    end = max((s.end for s in served), default=0.0)
    for minute in range(int(end // 60) + 2):
        t = minute * 60.0
        counts = [0] * desks
        for s in served:
            if s.visit.arrive <= t < s.start:
                counts[s.desk] += 1
        morning.queue_per_minute.append(counts)
    return morning


def desks_needed(
    n: int,
    max_wait_min: float,
    *,
    curve: str = "brief",
    service: tuple[float, float] = (15.0, 30.0),
    mix: dict[str, float] | None = None,
    seed: int = 2026,
    limit: int = 40,
) -> tuple[int, list[dict[str, Any]]]:
    """The fewest desks so that nobody waits more than ``max_wait_min``, and the table of
    every count tried (each with its waits)."""
    day = visits(n, curve=curve, service=service, mix=mix, seed=seed)
    table = []
    for desks in range(1, limit + 1):
        summary = simulate(day, desks, curve=curve).summary()
        table.append(summary)
        if summary["max_wait_min"] <= max_wait_min:
            return desks, table
    return limit, table
