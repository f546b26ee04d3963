"""The door's panels: the room and its occupancy on top (always visible), the answer in big
type below. Colour is never the only signal: each answer has its own word."""

from __future__ import annotations

from checkin.arrivals.occupancy import RoomNow
from checkin.arrivals.rooms import DoorDecision
from checkin.base.i18n import _
from checkin.ui.qt import QFont, QFrame, QHBoxLayout, QLabel, QProgressBar, Qt, QVBoxLayout, QWidget

# Background per answer (white text on each, contrast above 7:1).
COLOURS = {
    "ready": "#0B1F3A",
    "admitted": "#14632B",
    "forced": "#14632B",
    "exit": "#1F4E9D",
    "already_in": "#8A4B00",
    "not_in_session": "#A01818",
    "full": "#A01818",
    "no_session": "#3A3A3A",
}
REFUSED = "#7A1F5C"  # the event-level refusals (unknown code, cancelled, not today…)


def headline(outcome: str) -> str:
    return {
        "ready": _("SCANNEZ LE BADGE"),
        "admitted": _("ENTRÉE"),
        "forced": _("ENTRÉE (RESPONSABLE)"),
        "exit": _("SORTIE"),
        "already_in": _("DÉJÀ DANS LA SALLE"),
        "not_in_session": _("PAS INSCRIT·E À CETTE SESSION"),
        "full": _("SALLE PLEINE"),
        "no_session": _("AUCUNE SESSION"),
        "unknown": _("CODE INCONNU"),
        "unreadable": _("CODE ILLISIBLE"),
        "cancelled": _("INSCRIPTION ANNULÉE"),
        "not_today": _("PAS AUJOURD'HUI"),
        "waitlisted": _("LISTE D'ATTENTE"),
    }.get(outcome, _("VOIR L'ACCUEIL"))


def label(size: int, name: str, *, bold: bool = False) -> QLabel:
    widget = QLabel()
    widget.setObjectName(name)
    widget.setWordWrap(True)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    font = QFont(widget.font())
    font.setPixelSize(size)
    font.setBold(bold)
    widget.setFont(font)
    return widget


def session_line(now: RoomNow) -> str:
    s = now.session
    if s is None and now.next is not None:
        return _(
            "Aucune session maintenant — prochaine : {code} à {start}",
            code=now.next.code,
            start=now.next.start,
        )
    if s is None:
        return _("Aucune session maintenant")
    return f"{s.code} · {s.start}–{s.end} · {s.title}"


def bar_colour(now: RoomNow) -> str:
    """Green, amber from 90 %, red when full (or over: a lead's admission)."""
    ratio = now.ratio or 0.0
    colour = "#A01818" if ratio >= 1 else "#8A4B00" if ratio >= 0.9 else "#14632B"
    return f"QProgressBar::chunk {{ background: {colour}; }}"


def occupancy_text(now: RoomNow) -> str:
    """``inside / capacity``; ``— / capacity`` while no session holds the room."""
    if now.session is None:
        return f"— / {now.capacity}" if now.capacity is not None else "—"
    if now.capacity is None:
        return _("{inside} dans la salle", inside=now.inside)
    return f"{now.inside} / {now.capacity}"


class RoomHeader(QFrame):
    """The room, its session and ``inside / capacity``, with a bar and this door's share."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("door_header")
        self.room = label(30, "door_room", bold=True)
        self.session = label(20, "door_session")
        self.count = label(44, "door_count", bold=True)
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.bar = QProgressBar()
        self.bar.setObjectName("door_bar")
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(18)
        self.share = label(16, "door_share")
        self.share.setAlignment(Qt.AlignmentFlag.AlignRight)
        left = QVBoxLayout()
        left.addWidget(self.room)
        left.addWidget(self.session)
        right = QVBoxLayout()
        right.addWidget(self.count)
        right.addWidget(self.bar)
        right.addWidget(self.share)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 8, 16, 8)
        row.addLayout(left, 3)
        row.addLayout(right, 2)

    def show_room(self, now: RoomNow) -> None:
        self.room.setText(now.room)
        self.session.setText(session_line(now))
        self.count.setText(occupancy_text(now))
        self.bar.setVisible(now.capacity is not None)
        if now.capacity:
            self.bar.setRange(0, now.capacity)
            self.bar.setValue(min(now.inside, now.capacity))
            over = now.inside >= now.capacity
            self.bar.setStyleSheet(
                f"QProgressBar::chunk {{ background: {'#A01818' if over else '#14632B'}; }}"
            )
        if now.share is None:
            self.share.setText("")
        else:
            self.share.setText(_("Cette porte : {share} places (hub)", share=now.share))


class DoorAnswer(QFrame):
    """The last answer in big type — or what to do, between scans."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("door_answer")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.headline = label(64, "door_headline", bold=True)
        self.name = label(44, "door_name", bold=True)
        self.line = label(26, "door_line")
        for widget in (self.headline, self.name, self.line):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addStretch(1)
        for widget in (self.headline, self.name, self.line):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.outcome = "ready"

    def paint(self, outcome: str, name: str, line: str) -> None:
        self.outcome = outcome
        colour = COLOURS.get(outcome, REFUSED)
        self.setStyleSheet(f"#door_answer {{ background: {colour}; }} QLabel {{ color: #FFFFFF; }}")
        self.headline.setText(headline(outcome))
        self.name.setText(name)
        self.name.setVisible(bool(name))
        self.line.setText(line)

    def ready(self, exit: bool) -> None:
        self.paint(
            "ready",
            "",
            _("Sortie : scannez le badge de qui sort")
            if exit
            else _("Entrée : scannez le badge de qui entre"),
        )

    def show_decision(self, d: DoorDecision, line: str) -> None:
        self.paint(d.outcome, d.attendee.full_name if d.attendee else "", line)
