"""The desk window under a real X server (xcb), driven by the Xvfb tests over stdin/stdout.

Started by ``test_scanner_xvfb.py`` as ``python xdesk_child.py DB DAY`` with ``DISPLAY`` set
to the test's Xvfb and ``QT_QPA_PLATFORM=xcb``. It builds the desk exactly as ``checkin
desk`` does, then answers one JSON command per line:

* ``{"cmd": "place", "where": ...}`` puts the focus in one place of the window (scan
  page, search box, card, the PIN / reason / fix / walk-in / settings dialogs, a staff
  view field) and answers with what every field holds;
* ``{"cmd": "state"}``: the answers shown, the bursts captured, the scans refused, every
  field's text, what has the focus;
* ``{"cmd": "quit"}``.

Keys never come this way: the test sends them to the X server, as a scanner would.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

os.environ["QT_QPA_PLATFORM"] = "xcb"


def main(db: str, day: str) -> None:
    from PySide6.QtCore import QSocketNotifier

    from checkin.base.pin import hash_pin
    from checkin.base.settings import DeskSettings
    from checkin.ui.app import build_desk
    from checkin.ui.qt import (
        QAbstractSpinBox,
        QApplication,
        QComboBox,
        QLineEdit,
        QObject,
        QTimer,
        QWidget,
    )
    from checkin.ui.scan.burst import describe

    settings = DeskSettings.load()
    settings.pin_hash = hash_pin("2468")
    settings.desk_name = "Accueil X"
    settings.auto_print = False  # the printer is not what these tests are about
    desk = build_desk(db, day=day, settings=settings, show_crash_dialog=False, with_printing=False)
    w = desk.window
    w.resize(1366, 768)
    w.show()
    w.activateWindow()
    w.scan.page.code_field.setFocus()
    answers: list[dict[str, Any]] = []
    bursts: list[Any] = []
    w.answer_shown.connect(
        lambda d: answers.append(
            {
                "outcome": d.outcome,
                "code": d.code,
                "attendee": d.attendee.code if d.attendee else None,
                "repaired": d.repaired,
            }
        )
    )
    w.scan.burst.captured.connect(bursts.append)  # described when asked: a CR LF's LF comes after
    trace: list[str] = []  # the last key events the application saw (for a failure's message)
    presses: list[int] = []  # X server time of each key press since the last "place"

    class Tracer(QObject):
        def eventFilter(self, obj: QObject, event: Any) -> bool:  # noqa: N802
            from checkin.ui.qt import QEvent

            t = event.type()
            if t in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.InputMethod):
                focus = QApplication.focusWidget()
                what = event.text() if hasattr(event, "text") else event.commitString()
                stamp = event.timestamp() if hasattr(event, "timestamp") else 0
                if t == QEvent.Type.KeyPress and stamp and obj is focus:
                    presses.append(stamp)
                trace.append(
                    f"{t.name} {what!r} {stamp} to={type(obj).__name__}/{obj.objectName()}"
                    f" focus={type(focus).__name__ if focus else None}/{focus.objectName() if focus else ''}"
                )
                del trace[:-400]
            return False

    tracer = Tracer()
    QApplication.instance().installEventFilter(tracer)

    def fields() -> dict[str, str]:
        """Every text field and combo box of every window on screen (shown or not)."""
        out: dict[str, str] = {}
        for top in QApplication.topLevelWidgets():
            if not top.isVisible():
                continue
            for field in top.findChildren(QLineEdit):
                if not field.window().isVisible():
                    continue  # a closed dialog's
                parent = field.parent()
                owner = parent.objectName() if isinstance(parent, QAbstractSpinBox | QComboBox) else ""
                name = owner or field.objectName() or hex(id(field))
                out[f"{type(field.window()).__name__}/{name}"] = field.text()
            for combo in top.findChildren(QComboBox):
                if combo.window().isVisible():
                    name = combo.objectName() or hex(id(combo))
                    out[f"{type(combo.window()).__name__}/combo/{name}"] = str(combo.currentIndex())
        return out

    def focus_name() -> str:
        f = QApplication.focusWidget()
        if f is None:
            return ""
        top = f.window()
        return f"{type(top).__name__}/{type(f).__name__}/{f.objectName()}"

    def close_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        while dialog is not None:
            dialog.reject()
            QApplication.processEvents()
            dialog = QApplication.activeModalWidget()

    def person() -> Any:
        return w.session.find("a")[0]

    def dialog_focus(dialog: QWidget, field: QWidget, text: str | None = None) -> None:
        dialog.activateWindow()
        dialog.raise_()
        field.setFocus()
        if text is not None and isinstance(field, QLineEdit):
            field.setText(text)

    def place(where: str) -> None:
        close_dialog()
        if where in ("reason", "fix", "walkin", "settings", "staff", "scanner-check"):
            if not w.lead.lock.is_lead:
                w.lead.lock.unlock("2468")
        elif w.lead.lock.is_lead:
            w.lead.lock.lock()
        w.activateWindow()
        if where == "scan":
            w.show_scan()
        elif where == "search":
            w.people.show_search()
            w.people.search.field.setText("Du")
            w.people.search.field.setFocus()
        elif where == "card":
            w.people.open_card(person())
            w.people.card.buttons["back"].setFocus()
        elif where == "pin":
            w.lead.toggle()
            dialog_focus(w.lead.pin_dialog, w.lead.pin_dialog.pin, "12")
        elif where in ("reason", "fix"):
            w.people.open_card(person())
            w.people.card_action("reprint" if where == "reason" else "edit")
            d = w.frame.dialog
            dialog_focus(d, d.note if where == "reason" else d.fields["first_name"])
        elif where == "walkin":
            w.people.open_walkin()
            dialog_focus(w.frame.dialog, w.frame.dialog.last_name, "Çelik")
        elif where == "settings":
            w.lead.open_settings()
            dialog_focus(w.frame.dialog, w.frame.dialog.desk_name)
        elif where == "scanner-check":
            w.lead.open_settings()
            w.frame.dialog.scanner_button.click()
            check = w.scan.scanner_check
            check.check_result = None
            check.activateWindow()
            check.raise_()
            check.print_button.setFocus()
        elif where == "staff":
            w.show_staff()
            edits = [f for f in w.staff.page.findChildren(QLineEdit) if f.isVisible()]
            edits[0].setFocus()
            edits[0].setText("hub.sqlite")
        else:
            raise ValueError(where)

    def answer(data: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        sys.stdout.flush()

    def check_result() -> dict[str, Any] | None:
        check = w.scan.scanner_check
        result = getattr(check, "check_result", None)
        if result is None:
            return None
        return {**result.to_json(), "verdict": check.verdict.text()}

    def report(with_trace: bool = False) -> dict[str, Any]:
        modal = QApplication.activeModalWidget()
        return {
            "answers": answers,
            "bursts": [describe(b) for b in bursts],
            "refused": w.scan.refused_scans,
            "fields": fields(),
            "focus": focus_name(),
            "modal": type(modal).__name__ if modal is not None else "",
            "active": type(QApplication.activeWindow()).__name__ if QApplication.activeWindow() else "",
            "search_shown": w.people.search.shown_text,
            "held": w.scan.burst.pending,
            "trace": trace[-400:] if with_trace else [],
            "presses": presses,
            "check": check_result(),
        }

    def settle() -> None:
        """Wait until the X server has given the focus to the window just opened (a lead
        has had the dialog in front of them for a while when a scan comes)."""
        import time

        wanted = QApplication.focusWidget()
        deadline = time.monotonic() + 0.4
        while time.monotonic() < deadline:
            QApplication.processEvents()
            if wanted is not None and QApplication.activeWindow() is wanted.window():
                break
            time.sleep(0.01)
        for _ in range(5):
            QApplication.processEvents()
            time.sleep(0.01)

    def on_line() -> None:
        line = sys.stdin.readline()
        if not line:
            QApplication.quit()
            return
        request = json.loads(line)
        cmd = request["cmd"]
        try:
            if cmd == "place":
                place(request["where"])
                settle()
                presses.clear()
            elif cmd == "clear":
                field = w.people.search.field if request.get("field") == "search" else w.scan.page.code_field
                field.clear()
                QApplication.processEvents()
            elif cmd == "quit":
                answer({"ok": True})
                QTimer.singleShot(0, QApplication.quit)
                return
            answer({"ok": True, **report(bool(request.get("trace")))})
        except Exception as exc:  # the test prints it
            answer({"ok": False, "error": repr(exc)})

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(on_line)
    keep: list[QObject] = [notifier]
    QTimer.singleShot(0, lambda: answer({"ready": True, **report()}))
    QApplication.exec()
    del keep
    desk.close()
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
