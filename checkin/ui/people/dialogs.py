"""The forms about one person: a reprint's reason, undo or admit anyway (a note), fix a
name, a walk-in.

Each dialog only collects and checks input; the card actions do the work and record it with
the desk and the role.
"""

from __future__ import annotations

from checkin.base.i18n import _, language
from checkin.event.model import EventConfig
from checkin.ui.forms import Form
from checkin.ui.qt import (
    QComboBox,
    QWidget,
)


def reprint_reasons() -> list[tuple[str, str]]:
    return [
        ("lost", _("Badge perdu")),
        ("damaged", _("Badge abîmé")),
        ("misprint", _("Erreur d'impression")),
        ("name_change", _("Changement de nom")),
        ("other", _("Autre")),
    ]


class ReasonDialog(Form):
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


class NoteDialog(Form):
    """Undo or admit-anyway: a short reason is required (it goes into the fact)."""

    def __init__(self, title: str, intro: str, parent: QWidget | None = None) -> None:
        super().__init__(title, intro, parent)
        self.note = self.line(_("Motif"), "note")

    def value(self) -> str:
        return self.note.text().strip()

    def check(self) -> str:
        return "" if self.value() else _("Indiquez un motif.")


class EditDialog(Form):
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


class WalkinDialog(Form):
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
