"""One rehearsal desk: ``python -m checkin.ui.rehearsal.desk PLAN.json`` (started by
``checkin rehearse``, one process per desk as each desk is a laptop of its own).

The real desk window (offscreen) on the rehearsal's replica, in rehearsal mode, with live
sync to the rehearsal hub and badges into the real print queue. At each moment of its plan
(simulated seconds, compressed ``speed`` times) it does what a volunteer does:

* **scan** — the scanner's key events into the focused widget, as a USB scanner sends them:
  a Shift press before each capital, press and release for every key, 4 ms apart, then
  Enter; the window's burst filter (installed on the application) takes them;
* **search** — the name typed in the search page, the person opened from the results,
  admitted from the card;
* **walkin** — the lead's walk-in form, submitted.

Measured for real, with ``time.perf_counter``: from the scanner's last key to the answer on
screen (and to the next turn of the event loop, when it is painted), from the last key to
the badge's PDF written by the print queue (and, through CUPS, to the file cups-pdf
writes), the print queue's depth and the exchanges with the hub. The results go to the plan's
``out`` file as JSON.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from checkin.replica import contents
from checkin.ui.qt import QApplication, QEvent, QKeyEvent, Qt, QTimer

KEY_GAP_MS = 4


def key_stream(text: str, start_ms: int) -> list[QKeyEvent]:
    """What a keyboard-wedge scanner sends for ``text`` and Enter (US layout, Shift for capitals)."""
    events: list[QKeyEvent] = []
    stamp = start_ms
    no_mod = Qt.KeyboardModifier.NoModifier
    shift = Qt.KeyboardModifier.ShiftModifier

    def add(kind: QEvent.Type, key: Any, mods: Any, text: str) -> None:
        nonlocal stamp
        event = QKeyEvent(kind, key, mods, text)
        event.setTimestamp(stamp)
        events.append(event)
        stamp += 1 if kind == QEvent.Type.KeyRelease else KEY_GAP_MS

    for ch in text:
        if ch.isascii() and ch.isalnum():
            key = Qt.Key(ord(ch.upper()))
        elif ch == "-":
            key = Qt.Key.Key_Minus
        else:
            key = Qt.Key.Key_unknown
        upper = ch.isupper()
        if upper:
            add(QEvent.Type.KeyPress, Qt.Key.Key_Shift, shift, "")
        add(QEvent.Type.KeyPress, key, shift if upper else no_mod, ch)
        add(QEvent.Type.KeyRelease, key, shift if upper else no_mod, ch)
        if upper:
            add(QEvent.Type.KeyRelease, Qt.Key.Key_Shift, no_mod, "")
    add(QEvent.Type.KeyPress, Qt.Key.Key_Return, no_mod, "\r")
    add(QEvent.Type.KeyRelease, Qt.Key.Key_Return, no_mod, "\r")
    return events


class Runner:
    def __init__(self, plan: dict[str, Any]) -> None:
        from checkin.base.pin import hash_pin
        from checkin.base.settings import DeskSettings
        from checkin.event import model as event_mod
        from checkin.ui.app import build_desk

        self.plan = plan
        self.speed = float(plan["speed"])
        home = Path(os.environ["CHECKIN_HOME"])
        if plan.get("cups_queue"):
            config = home / "config"
            config.mkdir(parents=True, exist_ok=True)
            (config / "settings.toml").write_text(
                f'[printers.badges]\nbackend = "cups"\ntarget = "{plan["cups_queue"]}"\n'
                f'layout = "a6"\nserver = "{plan.get("cups_server", "")}"\n',
                encoding="utf-8",
            )
        settings = DeskSettings(file=str(home / "config" / "rehearsal-desk.toml"))
        settings.desk_name = plan["desk"]
        settings.hub_url = plan["hub"]
        settings.sync_interval_s = max(1, round(float(plan.get("sync_interval_s", 2))))
        settings.printer = "badges" if plan.get("cups_queue") else ""
        settings.auto_print = True
        settings.pin_hash = hash_pin("0000")
        self.desk = build_desk(
            plan["db"],
            day=plan["day"],
            settings=settings,
            event=event_mod.load(plan.get("event") or None),
            show_crash_dialog=False,
            rehearsal=True,
        )
        self.window = self.desk.window
        # The real desk loads its sounds 50 ms after it opens (app.build_desk, with
        # defer_printing); built without it, the rehearsal's first answer loaded QtMultimedia
        # on the window's thread (+70 ms to the first answer, and the first badge behind it).
        self.window.scan.sounds.preload()
        self.window.resize(1366, 768)
        self.window.show()
        self.window.activateWindow()
        self.window.scan.page.code_field.setFocus()
        self.actions: list[dict[str, Any]] = list(plan["actions"])
        self.next = 0
        self.last_stamp = 0
        self.t0 = 0.0
        self.current: dict[str, Any] | None = None
        self.busy_until_answer = False
        self.waiting_badge: dict[str, dict[str, Any]] = {}  # uid -> scan record
        self.jobs: dict[str, dict[str, Any]] = {}  # job id -> scan record
        self.records: list[dict[str, Any]] = []
        self.depth: list[tuple[float, int]] = []
        self.exchanges: list[tuple[float, int]] = []
        self.errors: list[str] = []
        self.outbox = Path(plan["cups_outbox"]) if plan.get("cups_outbox") else None
        self.window.answer_shown.connect(self.on_answer)
        self.window.results_shown.connect(self.on_results)
        self.window.banner.label.setText("")
        self.tick = QTimer()
        self.tick.setInterval(2)
        self.tick.timeout.connect(self.step)
        self.sampler = QTimer()
        self.sampler.setInterval(250)
        self.sampler.timeout.connect(self.sample)
        self.unpainted: list[dict[str, Any]] = []
        self.painter = QTimer()
        self.painter.setSingleShot(True)
        self.painter.setInterval(0)
        self.painter.timeout.connect(self.mark_painted)
        self.waiter = QTimer()
        self.waiter.setInterval(20)
        self.waiter.timeout.connect(self.wait_go)

    # -- start ------------------------------------------------------------------------
    def start(self) -> None:
        if self.desk.printing is not None:
            self.desk.printing.job_changed.connect(self.on_job)
        Path(self.plan["ready"]).write_text("ready", encoding="utf-8")
        self.waiter.start()

    def wait_go(self) -> None:
        go = Path(self.plan["go"])
        if not go.exists():
            return
        try:
            at = float(go.read_text(encoding="utf-8"))
        except ValueError:
            return
        self.waiter.stop()
        # Wall clock to this process's monotonic clock, once.
        self.t0 = time.perf_counter() + (at - time.time())
        self.tick.start()
        self.sampler.start()

    def replay_now(self) -> float:
        return time.perf_counter() - self.t0

    def sim_now(self) -> float:
        """The simulated morning's time: the planned time of the last action begun, moved
        on at ``speed`` until the next one (quiet stretches are skipped in the replay)."""
        if self.next == 0:
            return float(self.actions[0]["t"]) if self.actions else 0.0
        last = self.actions[self.next - 1]
        upcoming = self.actions[self.next]["t"] if self.next < len(self.actions) else float("inf")
        return float(min(upcoming, last["t"] + (self.replay_now() - last["r"]) * self.speed))

    # -- replay -----------------------------------------------------------------------
    def step(self) -> None:
        if self.current is not None:
            # A search or a walk-in still on its way; one that never ends is recorded as
            # such rather than holding the desk's whole plan.
            if time.perf_counter() - self.current["_t"] < 10.0:
                return
            self.current["outcome"] = "stuck"
            self.current = None
            self.window.show_scan()
        if self.next >= len(self.actions):
            self.tick.stop()
            self.finish_soon()
            return
        action = self.actions[self.next]
        if action["r"] > self.replay_now():
            return
        record = {k: action[k] for k in ("do", "expect", "kind", "t")}
        record["text"] = action.get("text", "")
        record["late_ms"] = round((self.replay_now() - action["r"]) * 1000, 1)  # real time behind plan
        self.next += 1
        record["outcome"] = "none"
        self.records.append(record)
        self.current = record
        record["_uid"] = action.get("uid", "")
        if action["do"] == "scan":
            focus = QApplication.focusWidget() or self.window.scan.page.code_field
            # Key timestamps as a scanner's: a burst never starts before the last one ended
            # (a re-scan takes a second at least), even when the replay is compressed.
            start = max(int(time.monotonic() * 1000), self.last_stamp + 1000)
            events = key_stream(action["text"], start)
            self.last_stamp = int(events[-1].timestamp())
            for event in events[:-2]:
                QApplication.sendEvent(QApplication.focusWidget() or focus, event)
            record["_t"] = time.perf_counter()  # the scanner's last key (Enter) leaves now
            for event in events[-2:]:
                QApplication.sendEvent(QApplication.focusWidget() or focus, event)
            if self.current is record:  # no answer at all (the burst was not taken)
                record["outcome"] = "no_answer"
                self.current = None
                self.window.show_scan()
        elif action["do"] == "search":
            record["_t"] = time.perf_counter()
            self.window.people.show_search()
            self.window.people.run_search("")  # the same name twice in a row still searches
            self.window.people.run_search(action["text"])
        else:
            record["_t"] = time.perf_counter()
            self.window.people.do_walkin(
                {"first_name": action["first_name"], "last_name": action["last_name"]}
            )
            if self.current is record:
                record["outcome"] = "no_answer"
                self.current = None
        # Real seconds since the go (the same moment for every desk): what tells a desk's
        # first minute of the replay, when nothing it loads on first use was loaded yet.
        record["replay_s"] = round(record["_t"] - self.t0, 3)

    def on_results(self, count: int) -> None:
        record = self.current
        if record is None or record["do"] != "search":
            return
        model = self.window.people.search.model
        for row in range(model.rowCount()):
            person = model.attendee(row)
            if person is not None and person.uid == record["_uid"]:
                self.window.people.open_card(person)
                self.window.people.card_action("checkin")
                return
        if self.window.people.search.shown_text == self.actions[self.next - 1]["text"]:
            record["outcome"] = "not_found"
            self.current = None
            self.window.show_scan()

    def on_answer(self, decision: Any) -> None:
        record = self.current
        if record is None:
            return
        now = time.perf_counter()
        record["answer_ms"] = round((now - record["_t"]) * 1000, 2)
        shown = decision.shown
        record["outcome"] = shown.outcome
        record["sim_t"] = record["t"]
        if shown.outcome == "admitted" and shown.attendee is not None:
            self.waiting_badge[shown.attendee.uid] = record
        self.current = None

        # Painted at the event loop's next turn: one persistent zero timer for all answers
        # (a Python closure per QTimer.singleShot is what we avoid under load).
        self.unpainted.append(record)
        self.painter.start()

    def mark_painted(self) -> None:
        now = time.perf_counter()
        for record in self.unpainted:
            record["painted_ms"] = round((now - record["_t"]) * 1000, 2)
        self.unpainted.clear()

    def on_job(self, job: Any) -> None:
        record = self.waiting_badge.get(job.attendee_uid)
        if record is None:
            return
        if job.state == "done" and "badge_ms" not in record:
            record["badge_ms"] = round((time.perf_counter() - record["_t"]) * 1000, 2)
            record["job"] = job.id
            self.jobs[job.id] = record
            if self.outbox is not None:
                threading.Thread(target=self.watch_cups, args=(job.id, record), daemon=True).start()
        elif job.state == "failed":
            record["badge_error"] = job.error

    def watch_cups(self, job_id: str, record: dict[str, Any]) -> None:
        assert self.outbox is not None
        deadline = time.perf_counter() + 60
        while time.perf_counter() < deadline:
            if any(self.outbox.glob(f"checkin-{job_id}*.pdf")):
                record["cups_ms"] = round((time.perf_counter() - record["_t"]) * 1000, 2)
                return
            time.sleep(0.005)

    def sample(self) -> None:
        depth = contents.pending_prints(self.desk.session.replica)
        self.depth.append((round(self.sim_now(), 1), int(depth)))
        live = self.window.sync.relay
        count = live.live.state.exchanges if live is not None else 0
        self.exchanges.append((round(self.sim_now(), 1), int(count)))

    # -- end --------------------------------------------------------------------------
    def finish_soon(self) -> None:
        self.end_deadline = time.perf_counter() + 60
        self.exchanges_at_end = self.exchanges[-1][1] if self.exchanges else 0
        if self.window.sync.relay is not None:
            self.window.sync.relay.live.poke()
        self.closer = QTimer()
        self.closer.setInterval(50)
        self.closer.timeout.connect(self.maybe_finish)
        self.closer.start()

    def maybe_finish(self) -> None:
        pending = [r for r in self.waiting_badge.values() if "badge_ms" not in r and "badge_error" not in r]
        cups_pending = self.outbox is not None and any("cups_ms" not in r for r in self.jobs.values())
        live = self.window.sync.relay
        synced = live is None or live.live.state.exchanges > self.exchanges_at_end
        if (pending or cups_pending or not synced) and time.perf_counter() < self.end_deadline:
            return
        self.closer.stop()
        self.sample()
        self.write()
        sys.stdout.flush()
        os._exit(0)

    def write(self) -> None:
        checkins = contents.checkins_on(self.desk.session.replica, self.plan["day"])
        scans = [{k: v for k, v in r.items() if not k.startswith("_")} for r in self.records]
        result = {
            "desk": self.plan["desk"],
            "scans": scans,
            "queue_depth": self.depth,
            "exchanges_over_time": self.exchanges,
            "exchanges": self.exchanges[-1][1] if self.exchanges else 0,
            "badges_done": sum(1 for r in self.records if "badge_ms" in r),
            "checkins": int(checkins),
            "banner": self.window.rehearsal_label.text() if self.window.rehearsal_label else "",
            "errors": self.errors,
        }
        Path(self.plan["out"]).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


def main(argv: list[str]) -> int:
    plan = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    from checkin.base import logs
    from checkin.ui.app import application

    logs.setup()
    app = application()
    runner = Runner(plan)
    runner.start()
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
