"""The window's header: the event's short name and one button per page or action, each
with its function key; the lead's buttons are enabled only for the lead."""

from __future__ import annotations

from collections.abc import Callable

from checkin.base import i18n
from checkin.base.i18n import _
from checkin.ui.qt import (
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QPushButton,
    QShortcut,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

KEYS = {
    "scan": "F1",
    "search": "F2",
    "webcam": "F3",
    "walkin": "F4",
    "group": "F5",
    "staff": "F6",
    "sound": "F8",
    "lead": "F9",
    "settings": "F10",
    "language": "F12",
}
BUTTONS = ("scan", "search", "walkin", "staff", "settings", "sound", "lead", "language")
LEAD_ONLY = ("walkin", "staff", "settings")


class NavBar:
    """The header (``row``, a layout the window puts on top: the title, then the buttons)."""

    def __init__(self, title: str, actions: dict[str, Callable[[], None]], window: QWidget) -> None:
        self.title = QLabel(title)
        self.title.setStyleSheet("font-size: 22px; font-weight: bold;")
        # The event's name on a line of its own, above the buttons: beside them, the eight
        # buttons left it 300 pixels of a 1366-pixel screen and cut it ("…l'AICT 20").
        # (A name longer than the whole screen is still cut; its tooltip gives it whole.)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.title.setToolTip(title)
        self.buttons: dict[str, QPushButton] = {}
        self.row = QVBoxLayout()
        self.row.setSpacing(4)
        self.row.addWidget(self.title)
        row = QHBoxLayout()
        row.addStretch(1)
        self.row.addLayout(row)
        for name in BUTTONS:
            button = QPushButton()
            button.setObjectName(f"nav_{name}")
            button.clicked.connect(actions[name])
            self.buttons[name] = button
            row.addWidget(button)
        for name, key in KEYS.items():
            QShortcut(QKeySequence(key), window).activated.connect(actions[name])

    def set_lead(self, is_lead: bool) -> None:
        lead = self.buttons["lead"]
        lead.setObjectName("lead_on" if is_lead else "nav_lead")
        lead.setStyleSheet("background: #8A4B00; color: white;" if is_lead else "")

    def retranslate(self, *, is_lead: bool, muted: bool) -> None:
        labels = {
            "scan": (_("Scan (F1)"), _("Écran de scan")),
            "search": (_("Recherche (F2)"), _("Rechercher une personne par nom")),
            "walkin": (_("Sur place (F4)"), _("Inscription sur place (responsable)")),
            "lead": (
                (_("Verrouiller (F9)"), _("Verrouiller les fonctions du responsable"))
                if is_lead
                else (_("Responsable (F9)"), _("Déverrouiller avec le code PIN du responsable"))
            ),
            "staff": (_("Tableau (F6)"), _("Arrivées en direct (responsable)")),
            "settings": (_("Réglages (F10)"), _("Réglages du poste (responsable)")),
            "sound": (
                (_("Son coupé (F8)"), _("Rétablir le son")) if muted else (_("Son (F8)"), _("Couper le son"))
            ),
            "language": (
                "English (F12)" if i18n.language() == "fr" else "Français (F12)",
                _("Changer de langue"),
            ),
        }
        for name, (text, accessible) in labels.items():
            self.buttons[name].setText(text)
            self.buttons[name].setAccessibleName(accessible)
        for name in LEAD_ONLY:
            self.buttons[name].setEnabled(is_lead)
