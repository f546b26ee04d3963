"""The staff's confirmations: an import into the hub (after its dry run), the purge after
the event. Each says what will change; the staff tools do the work."""

from __future__ import annotations

from typing import TYPE_CHECKING

from checkin.base.i18n import _
from checkin.ui.forms import Form, fit_height
from checkin.ui.qt import (
    QCheckBox,
    QDialogButtonBox,
    QLabel,
    QWidget,
)

if TYPE_CHECKING:
    from checkin.importer import ImportSummary


class HubImportDialog(Form):
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
        fit_height(self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Importer dans le hub"))


class PurgeDialog(Form):
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
        fit_height(self)
