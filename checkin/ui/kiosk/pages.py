"""The kiosk's screens: idle (what to do, in French and in English), welcome, badge already
printed, see the desk. Big type and high contrast: read from a step away, by anyone.

The screens say nothing about anyone but the person welcomed (their name, on the welcome
screen only): a refusal gives no name and no reason, since the next person in line reads it.
"""

from __future__ import annotations

from checkin.base import i18n
from checkin.base.i18n import _, tr
from checkin.ui.qt import QLabel, QPushButton, QStackedWidget, Qt, QVBoxLayout, QWidget

# Background, foreground per screen (contrast above 7:1 for each pair).
COLOURS = {
    "idle": ("#0B1F3A", "#FFFFFF"),
    "welcome": ("#0B5D1E", "#FFFFFF"),
    "already": ("#7A4B00", "#FFFFFF"),
    "desk": ("#8B1A1A", "#FFFFFF"),
}


# Each language's button names it in itself: whoever cannot read the screen finds theirs.
AUTONYMS = {"fr": "Français", "en": "English"}


def _label(size: int, name: str, bold: bool = True) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    weight = "bold" if bold else "normal"
    label.setStyleSheet(f"font-size: {size}px; font-weight: {weight};")
    return label


class KioskScreen(QWidget):
    """One full screen: a headline, a line under it, a smaller line at the bottom."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self.setObjectName(f"kiosk_{kind}")
        background, foreground = COLOURS[kind]
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # paint the stylesheet's colour
        self.setStyleSheet(f"#kiosk_{kind} {{ background: {background}; }} QLabel {{ color: {foreground}; }}")
        self.headline = _label(72, "headline")
        self.name = _label(64, "name")
        self.line = _label(44, "line", bold=False)
        self.foot = _label(28, "foot", bold=False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.setSpacing(28)
        layout.addStretch(2)
        for label in (self.headline, self.name, self.line):
            layout.addWidget(label)
        layout.addStretch(3)
        layout.addWidget(self.foot)


class KioskPages(QStackedWidget):
    """The four screens and the language button of the idle screen."""

    def __init__(self) -> None:
        super().__init__()
        self.screens = {kind: KioskScreen(kind) for kind in COLOURS}
        for screen in self.screens.values():
            self.addWidget(screen)
        self.language = QPushButton()
        self.language.setObjectName("kiosk_language")
        self.language.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a scan must never "press" it
        self.language.setStyleSheet(
            "font-size: 32px; padding: 16px 40px; color: #0B1F3A; background: #FFFFFF; border-radius: 12px;"
        )
        idle = self.screens["idle"]
        layout = idle.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.addWidget(self.language, 0, Qt.AlignmentFlag.AlignCenter)
        self.retranslate()

    def retranslate(self) -> None:
        """The idle screen in both languages (the chosen one first), the others in the
        chosen one."""
        idle = self.screens["idle"]
        idle.headline.setText(_("Scannez le QR code de votre billet"))
        other = "fr" if i18n.language() == "en" else "en"
        idle.line.setText(tr(other, "Scannez le QR code de votre billet"))
        idle.foot.setText(_("Votre badge s'imprime ici. Une question ? Adressez-vous à l'accueil."))
        self.language.setText(AUTONYMS[other])
        self.screens["welcome"].line.setText(_("Prenez votre badge à l'imprimante"))
        already = self.screens["already"]
        already.headline.setText(_("Votre badge a déjà été imprimé"))
        already.line.setText(_("Adressez-vous à l'accueil, on vous y attend."))
        desk = self.screens["desk"]
        desk.headline.setText(_("Merci de vous adresser à l'accueil"))
        desk.line.setText(_("Un membre de l'équipe va vous aider."))
        # Whoever reads the other language is told too, at the bottom of each answer.
        self.screens["welcome"].foot.setText(tr(other, "Prenez votre badge à l'imprimante"))
        already.foot.setText(
            tr(other, "Votre badge a déjà été imprimé")
            + " — "
            + tr(other, "Merci de vous adresser à l'accueil")
        )
        desk.foot.setText(tr(other, "Merci de vous adresser à l'accueil"))

    def show_welcome(self, name: str) -> None:
        welcome = self.screens["welcome"]
        welcome.headline.setText(_("Bienvenue"))
        welcome.name.setText(name)
        welcome.name.show()
        self.setCurrentWidget(welcome)

    def show_kind(self, kind: str) -> None:
        """A screen without a name (idle, already, desk); the welcome's name is wiped."""
        self.screens["welcome"].name.clear()
        for screen in self.screens.values():
            screen.name.setVisible(screen.kind == "welcome" and bool(screen.name.text()))
        self.setCurrentWidget(self.screens[kind])
