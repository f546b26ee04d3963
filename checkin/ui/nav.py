"""The window's header: the event's short name and one button per page or action, each
with its function key; the lead's buttons are enabled only for the lead."""

from __future__ import annotations

from collections.abc import Callable

from checkin.base import i18n
from checkin.base.i18n import _
from checkin.ui.qt import QHBoxLayout, QKeySequence, QLabel, QPushButton, QShortcut, QSizePolicy, QWidget

KEYS = {
    "scan": "F1",
    "search": "F2",
    "webcam": "F3",
    "walkin": "F4",
    "staff": "F6",
    "sound": "F8",
    "lead": "F9",
    "settings": "F10",
    "language": "F12",
}
BUTTONS = ("scan", "search", "walkin", "staff", "settings", "sound", "lead", "language")
LEAD_ONLY = ("walkin", "staff", "settings")


class NavBar:
    """The header's row (``row``, a layout the window puts on top) and its buttons."""

    def __init__(self, title: str, actions: dict[str, Callable[[], None]], window: QWidget) -> None:
        self.title = QLabel(title)
        self.title.setStyleSheet("font-size: 22px; font-weight: bold;")
        # The event's name gives way to the buttons on a 1366-pixel screen.
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.buttons: dict[str, QPushButton] = {}
        row = self.row = QHBoxLayout()
        row.addWidget(self.title, 1)
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
