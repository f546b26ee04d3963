"""The lead's forms: reprint reason, undo, admit anyway, fix a name, walk-in; the staff's
confirmations: an import into the hub (after its dry run), the purge after the event.

Each dialog only collects and checks input; the window or the staff tools do the work (on
the replica, the print queue, the hub) and record it with the desk and the role.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from checkin.base.i18n import _, language
from checkin.base.settings import DeskSettings
from checkin.event.model import EventConfig
from checkin.ui.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from checkin.importer import ImportSummary


def reprint_reasons() -> list[tuple[str, str]]:
    return [
        ("lost", _("Badge perdu")),
        ("damaged", _("Badge abîmé")),
        ("misprint", _("Erreur d'impression")),
        ("name_change", _("Changement de nom")),
        ("other", _("Autre")),
    ]


class _Form(QDialog):
    def __init__(self, title: str, intro: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setStyleSheet("QLabel, QLineEdit, QComboBox { font-size: 19px; }")
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setStyleSheet("color: #A01818; font-weight: bold;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Valider"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Annuler"))
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(620)
        layout = self.box = QVBoxLayout(self)
        heading = QLabel(intro)
        heading.setWordWrap(True)
        heading.setStyleSheet("font-size: 20px; font-weight: bold;")
        layout.addWidget(heading)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def line(self, label: str, name: str, value: str = "") -> QLineEdit:
        field = QLineEdit(value)
        field.setObjectName(name)
        field.setAccessibleName(label)
        self.form.addRow(label, field)
        return field

    def check(self) -> str:
        """An error message, or "" when the input is acceptable."""
        return ""

    def try_accept(self) -> None:
        problem = self.check()
        if problem:
            self.error.setText(problem)
            return
        self.accept()


class ReasonDialog(_Form):
    """Reprint: a reason from the list, and a note when it is "other"."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Réimprimer le badge"), _("Réimprimer le badge de {name}", name=name), parent)
        self.reason = QComboBox()
        self.reason.setObjectName("reason")
        self.reason.setAccessibleName(_("Motif"))
        for key, label in reprint_reasons():
            self.reason.addItem(label, key)
        self.form.addRow(_("Motif"), self.reason)
        self.note = self.line(_("Précision"), "note")

    def value(self) -> str:
        key = str(self.reason.currentData())
        note = self.note.text().strip()
        return f"{key}: {note}" if note else key

    def check(self) -> str:
        if self.reason.currentData() == "other" and not self.note.text().strip():
            return _("Précisez le motif.")
        return ""


class NoteDialog(_Form):
    """Undo or admit-anyway: a short reason is required (it goes into the fact)."""

    def __init__(self, title: str, intro: str, parent: QWidget | None = None) -> None:
        super().__init__(title, intro, parent)
        self.note = self.line(_("Motif"), "note")

    def value(self) -> str:
        return self.note.text().strip()

    def check(self) -> str:
        return "" if self.value() else _("Indiquez un motif.")


class EditDialog(_Form):
    """Fix a name or the organisation."""

    FIELDS = ("first_name", "last_name", "organisation", "function")

    def __init__(self, values: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(_("Corriger"), _("Corriger le nom ou l'organisation"), parent)
        labels = {
            "first_name": _("Prénom"),
            "last_name": _("Nom"),
            "organisation": _("Organisation"),
            "function": _("Fonction"),
        }
        self.original = dict(values)
        self.fields = {f: self.line(labels[f], f, values.get(f, "")) for f in self.FIELDS}

    def changes(self) -> dict[str, str]:
        return {
            f: w.text().strip()
            for f, w in self.fields.items()
            if w.text().strip() != self.original.get(f, "")
        }

    def check(self) -> str:
        if not (self.fields["first_name"].text().strip() or self.fields["last_name"].text().strip()):
            return _("Indiquez au moins un nom ou un prénom.")
        return ""


class WalkinDialog(_Form):
    """A short form; the desk creates the attendee with a new code and prints the badge."""

    def __init__(self, event: EventConfig, parent: QWidget | None = None) -> None:
        super().__init__(_("Inscription sur place"), _("Nouvelle inscription sur place"), parent)
        self.first_name = self.line(_("Prénom"), "first_name")
        self.last_name = self.line(_("Nom"), "last_name")
        self.organisation = self.line(_("Organisation"), "organisation")
        self.function = self.line(_("Fonction"), "function")
        self.country = self.line(_("Pays"), "country")
        self.email = self.line(_("E-mail"), "email")
        self.category = QComboBox()
        self.category.setObjectName("category")
        self.category.setAccessibleName(_("Catégorie"))
        for cat in event.categories:
            self.category.addItem(cat.label(language()), cat.name)
        self.category.setCurrentIndex(max(0, self.category.findData(event.default_category.name)))
        self.form.addRow(_("Catégorie"), self.category)
        self.first_name.setFocus()

    def values(self) -> dict[str, str]:
        return {
            "first_name": self.first_name.text(),
            "last_name": self.last_name.text(),
            "organisation": self.organisation.text(),
            "function": self.function.text(),
            "country": self.country.text(),
            "email": self.email.text(),
            "category": str(self.category.currentData()),
        }

    def check(self) -> str:
        if not (self.first_name.text().strip() or self.last_name.text().strip()):
            return _("Indiquez au moins un nom ou un prénom.")
        return ""


class SettingsDialog(_Form):
    """The lead's desk settings: name, timings, printer, serial scanner, sounds, language."""

    def __init__(
        self,
        settings: DeskSettings,
        printers: list[str],
        parent: QWidget | None = None,
        days: list[tuple[str, str]] | None = None,
        current_day: str = "",
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


def _fit_height(dialog: QDialog) -> None:
    """A window does not grow for text that wraps: give it the height its layout needs at
    its width, measured in the style sheet's font (else long text is cut off)."""
    dialog.ensurePolished()
    layout = dialog.layout()
    if layout is None:
        return
    layout.invalidate()
    dialog.setMinimumHeight(layout.totalHeightForWidth(max(dialog.width(), dialog.minimumWidth())))


class HubImportDialog(_Form):
    """What an import into the hub would change (its dry run), to confirm before it is written."""

    SHOWN_ERRORS = 5  # the dialog must fit a 768-pixel-high laptop screen

    def __init__(
        self, summary: ImportSummary, hub: str, file_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            _("Importer dans le hub"), _("Essai de l'import dans le hub : rien n'est encore écrit."), parent
        )
        lines = [
            _("Fichier : {file}", file=file_name),
            _("Hub : {hub}", hub=hub),
            "",
            _(
                "{read} lignes lues : {created} nouvelles, {updated} modifiées, {cancelled} annulées, "
                "{unchanged} inchangées, {rejected} refusées.",
                read=summary.read,
                created=summary.created,
                updated=summary.updated,
                cancelled=summary.cancelled,
                unchanged=summary.unchanged,
                rejected=len(summary.rejected),
            ),
        ]
        if summary.duplicates:
            lines.append(_("{n} personne(s) inscrite(s) plusieurs fois.", n=len(summary.duplicates)))
        if summary.missing:
            lines.append(
                _("{n} inscription(s) du hub absente(s) de ce fichier : elles restent.", n=summary.missing)
            )
        if summary.rejected:
            lines.append("")
        for rejected in summary.rejected[: self.SHOWN_ERRORS]:
            lines.append(_("Ligne {row} refusée : {reason}", row=rejected["row"], reason=rejected["reason"]))
        if len(summary.rejected) > self.SHOWN_ERRORS:
            lines.append(
                _("… et {n} autre(s) ligne(s) refusée(s).", n=len(summary.rejected) - self.SHOWN_ERRORS)
            )
        self.summary = QLabel("\n".join(lines))
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.box.insertWidget(1, self.summary)
        self.error.hide()  # nothing to check: the dry run said it all
        self.setMinimumWidth(780)
        _fit_height(self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Importer dans le hub"))


class PurgeDialog(_Form):
    """After the event: says what will be deleted, for good, before anything is."""

    def __init__(
        self,
        desk_file: str,
        contents: dict[str, int],
        hub: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            _("Effacer les données personnelles"),
            _("Effacer les données personnelles : c'est définitif, rien ne pourra être récupéré."),
            parent,
        )
        self.hub = hub
        self.desk_text = "\n".join(
            (
                _("Sur ce poste ({path}) :", path=desk_file),
                _(
                    "• {n} inscription(s) : noms, organisations, e-mails, codes des billets, "
                    "besoins particuliers ;",
                    n=contents.get("attendee", 0),
                ),
                _(
                    "• {n} enregistrement(s) d'arrivées, d'impressions et de corrections ;",
                    n=contents.get("fact", 0),
                ),
                _(
                    "• l'historique des impressions ({n}) et les rendez-vous B2B.",
                    n=contents.get("print_job", 0),
                ),
            )
        )
        self.hub_too = QCheckBox(
            _("Effacer aussi le hub {hub}", hub=hub) if hub else _("Effacer aussi le hub")
        )
        self.hub_too.setObjectName("hub_too")
        self.hub_too.setEnabled(bool(hub))
        self.keep_aggregates = QCheckBox(_("Garder les comptes (présents par jour, catégorie, pays…)"))
        self.keep_aggregates.setObjectName("keep_aggregates")
        self.keep_aggregates.setChecked(True)
        self.details = QLabel()
        self.details.setObjectName("details")
        self.details.setWordWrap(True)
        self.setMinimumWidth(780)
        self.box.insertWidget(1, self.details)  # above the form: it spans the dialog
        self.form.addRow("", self.hub_too)
        self.form.addRow("", self.keep_aggregates)
        self.hub_too.toggled.connect(self._describe)
        self.keep_aggregates.toggled.connect(self._describe)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("Effacer définitivement"))
        ok.setStyleSheet("background: #A01818; color: white; font-weight: bold;")
        ok.setAutoDefault(False)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)  # Enter (or a scanner's terminator) must not delete anything
        cancel.setFocus()
        self._describe()

    def _describe(self) -> None:
        lines = [self.desk_text]
        if self.hub_too.isChecked():
            lines.append(
                _(
                    "Sur le hub ({hub}) : toutes les inscriptions et le travail de tous les postes ; "
                    "chaque poste s'effacera aussi à son prochain échange.",
                    hub=self.hub,
                )
            )
        elif self.hub:
            lines.append(
                _(
                    "Le hub n'est pas effacé : ce poste s'en détache (son adresse est retirée des réglages) "
                    "pour ne pas en recevoir à nouveau les inscriptions."
                )
            )
        lines.append(
            _("Les comptes sont gardés, sans aucun nom.")
            if self.keep_aggregates.isChecked()
            else _("Aucun compte n'est gardé.")
        )
        self.details.setText("\n\n".join(lines))
        _fit_height(self)
