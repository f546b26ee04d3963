"""The lead's form: the desk settings (name, timings, day, printer, scanner, sounds, language,
the room whose door this desk opens as at its next start)."""

from __future__ import annotations

from checkin.base.i18n import _
from checkin.base.settings import DeskSettings
from checkin.ui.forms import Form
from checkin.ui.qt import (
    QCheckBox,
    QComboBox,
    QPushButton,
    QSpinBox,
    QWidget,
)


class SettingsDialog(Form):
    """The lead's desk settings: name, timings, printer, serial scanner, sounds, language."""

    def __init__(
        self,
        settings: DeskSettings,
        printers: list[str],
        parent: QWidget | None = None,
        days: list[tuple[str, str]] | None = None,
        current_day: str = "",
        rooms: list[str] | None = None,
    ) -> None:
        super().__init__(_("Réglages du poste"), _("Réglages du poste"), parent)
        self.desk_name = self.line(_("Nom du poste"), "desk_name", settings.desk_name)
        # The event day this desk admits: today on an event day, else the lead's choice
        # (a rehearsal the day before, a desk prepared in advance).
        self.day = QComboBox()
        self.day.setAccessibleName(_("Jour de l'événement"))
        for iso, label in days or []:
            self.day.addItem(label, iso)
        if current_day:
            self.day.setCurrentIndex(max(0, self.day.findData(current_day)))
        self.form.addRow(_("Jour de l'événement"), self.day)
        self.ready_delay = QSpinBox()
        self.ready_delay.setRange(2, 120)
        self.ready_delay.setValue(settings.ready_delay_s)
        self.ready_delay.setSuffix(" s")
        self.ready_delay.setAccessibleName(_("Retour à « prêt » après"))
        self.form.addRow(_("Retour à « prêt » après"), self.ready_delay)
        self.idle_lock = QSpinBox()
        self.idle_lock.setRange(15, 3600)
        self.idle_lock.setValue(settings.idle_lock_s)
        self.idle_lock.setSuffix(" s")
        self.idle_lock.setAccessibleName(_("Verrouillage du responsable après"))
        self.form.addRow(_("Verrouillage du responsable après"), self.idle_lock)
        self.printer = QComboBox()
        self.printer.setAccessibleName(_("Imprimante des badges"))
        for name in printers:
            self.printer.addItem(name, name)
        if settings.printer:
            self.printer.setCurrentIndex(max(0, self.printer.findData(settings.printer)))
        self.form.addRow(_("Imprimante des badges"), self.printer)
        self.auto_print = QCheckBox(_("Imprimer le badge à l'arrivée"))
        self.auto_print.setChecked(settings.auto_print)
        self.form.addRow("", self.auto_print)
        self.serial_port = self.line(
            _("Port série du scanner (vide : clavier)"), "serial_port", settings.serial_port
        )
        self.scanner_button = QPushButton(_("Vérifier le scanner…"))
        self.scanner_button.setObjectName("check_scanner")
        self.scanner_button.setAutoDefault(False)
        self.form.addRow(_("Scanner"), self.scanner_button)
        self.muted = QCheckBox(_("Son coupé"))
        self.muted.setChecked(settings.muted)
        self.form.addRow("", self.muted)
        self.language = QComboBox()
        self.language.setAccessibleName(_("Langue"))
        self.language.addItem("Français", "fr")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.form.addRow(_("Langue"), self.language)
        self.room = self._room_choice(settings.room, rooms or [])

    def _room_choice(self, current: str, rooms: list[str]) -> QComboBox:
        """What ``checkin desk`` opens on this laptop: the reception desk or a room's door."""
        room = QComboBox()
        room.setAccessibleName(_("Au démarrage, ce poste ouvre"))
        room.addItem(_("l'accueil"), "")
        for name in rooms:
            room.addItem(_("la porte de « {room} »", room=name), name)
        if current and room.findData(current) < 0:  # a name the event no longer has: kept, shown
            room.addItem(_("la porte de « {room} »", room=current), current)
        room.setCurrentIndex(max(0, room.findData(current)))
        self.form.addRow(_("Au démarrage, ce poste ouvre"), room)
        return room

    def check(self) -> str:
        return "" if self.desk_name.text().strip() else _("Donnez un nom au poste.")

    def chosen_day(self) -> str:
        return str(self.day.currentData() or "")

    def apply(self, settings: DeskSettings) -> None:
        settings.desk_name = self.desk_name.text().strip()
        settings.ready_delay_s = self.ready_delay.value()
        settings.idle_lock_s = self.idle_lock.value()
        settings.printer = str(self.printer.currentData() or "")
        settings.auto_print = self.auto_print.isChecked()
        settings.serial_port = self.serial_port.text().strip()
        settings.muted = self.muted.isChecked()
        settings.language = str(self.language.currentData())
        settings.room = str(self.room.currentData() or "")
