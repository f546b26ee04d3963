"""The attendee card: who they are, what they have today, what the desk did, and the
actions the operator's role allows (the lead's are hidden while locked)."""

from __future__ import annotations

from html import escape as _html_escape

from checkin.base.i18n import _, language
from checkin.event.model import EventConfig
from checkin.ui.qt import QHBoxLayout, QLabel, QPushButton, Qt, QVBoxLayout, QWidget, Signal
from checkin.ui.session import CardData


def escape(text: str) -> str:
    return _html_escape(text, quote=False)


def role_word(role: str) -> str:
    return {"volunteer": _("bénévole"), "lead": _("responsable"), "staff": _("équipe")}.get(role, role)


def fact_word(kind: str) -> str:
    words = {
        "checkin": _("Arrivée"),
        "undo": _("Arrivée annulée"),
        "print": _("Badge imprimé"),
        "preprint": _("Badge pré-imprimé"),
        "edit": _("Correction"),
        "walkin": _("Inscription sur place"),
    }
    return words.get(kind, kind)


class CardPage(QWidget):
    action = Signal(str)  # checkin | admit | reprint | undo | edit
    back = Signal()

    def __init__(self, event: EventConfig, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.event_config = event
        self.data: CardData | None = None
        self.lead = False
        self.body = QLabel()
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.body.setStyleSheet("font-size: 19px;")
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for name in ("checkin", "admit", "reprint", "undo", "edit", "back"):
            button = QPushButton()
            button.setMinimumHeight(48)
            button.setStyleSheet("font-size: 18px; padding: 4px 14px;")
            button.setObjectName(f"card_{name}")
            if name == "back":
                button.clicked.connect(self.back.emit)
            else:
                button.clicked.connect(lambda _checked=False, n=name: self.action.emit(n))
            self.buttons[name] = button
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.body, 1)
        layout.addLayout(row)
        self.retranslate()

    def show_card(self, data: CardData, *, lead: bool) -> None:
        self.data = data
        self.lead = lead
        self._paint()

    def set_lead(self, lead: bool) -> None:
        self.lead = lead
        self._update_buttons()

    def _paint(self) -> None:
        if self.data is None:
            self.body.setText("")
            return
        d = self.data
        a = d.attendee
        lang = language()
        category = self.event_config.category_by_name(a.category)
        cat_label = category.label(lang) if category else a.category
        colour = category.colour if category else "#5D6D7E"
        text_colour = category.text_colour if category else "#FFFFFF"
        status = {
            "confirmed": _("confirmée"),
            "cancelled": _("ANNULÉE"),
            "waitlisted": _("liste d'attente"),
            "pending": _("PAIEMENT EN ATTENTE"),
        }.get(a.status, a.status)
        days = ", ".join(self.event_config.day_label(x, lang) for x in a.days) or _("tous les jours")
        today = self.event_config.day_label(self.data_day(), lang)
        if d.standing:
            first = d.standing[0]
            arrived = _(
                "Arrivé·e aujourd'hui à {time} — {desk}",
                time=self.event_config.clock(first.at),
                desk=first.desk,
            )
        else:
            arrived = _("Pas encore arrivé·e aujourd'hui")
        lines = [
            f"<div style='font-size:36px; font-weight:bold'>{escape(a.full_name)}</div>",
        ]
        if a.native_name and a.first_name:
            lines.append(f"<div style='font-size:26px'>{escape(a.native_name)}</div>")
        lines.append(
            f"<div style='font-size:22px'>{escape(a.function)}{' — ' if a.function else ''}"
            f"{escape(a.organisation)}{' · ' + escape(a.country) if a.country else ''}</div>"
        )
        lines.append(
            f"<p><span style='background:{colour}; color:{text_colour}; font-size:22px;"
            f" font-weight:bold'>&nbsp;{escape(cat_label)}&nbsp;</span>"
            f"&nbsp;&nbsp;{escape(_('Code'))} : <b>{escape(a.code)}</b>"
            f"&nbsp;&nbsp;{escape(_('Inscription'))} : {escape(status)}</p>"
        )
        lines.append(f"<p><b>{escape(_('Jours'))} :</b> {escape(days)}<br><b>{escape(arrived)}</b></p>")
        if a.platform_checkin:  # information from the export, not an arrival at a desk
            lines.append(
                f"<p><i>{escape(_('Enregistrement déjà noté par la billetterie : {what}', what=a.platform_checkin))}"
                "</i></p>"
            )
        if d.sessions:
            items = "".join(
                f"<li>{escape(s)}–{escape(e)} {escape(t)} ({escape(r)})</li>" for s, e, t, r in d.sessions
            )
            lines.append(f"<b>{escape(_('Ateliers du {day}', day=today))}</b><ul>{items}</ul>")
        if d.meetings:
            items = "".join(
                f"<li>{escape(slot)} — {escape(table)} — {escape(other)}</li>"
                for slot, table, other in d.meetings
            )
            lines.append(f"<b>{escape(_('Rendez-vous B2B du {day}', day=today))}</b><ul>{items}</ul>")
        if d.history:
            items = "".join(
                f"<li>{escape(self.event_config.clock(f.at))} {escape(self.event_config.day_label(f.day, lang) if f.day else '')}"
                f" — {escape(fact_word(f.kind))}"
                f"{' (' + escape(f.reason) + ')' if f.reason else ''}"
                f"{' ' + escape(f.field) + ' → ' + escape(f.value) if f.kind == 'edit' else ''}"
                f" — {escape(f.desk)} ({escape(role_word(f.role))})</li>"
                for f in d.history[-8:]
            )
            lines.append(f"<b>{escape(_('Historique'))}</b><ul>{items}</ul>")
        else:
            lines.append(f"<p><i>{escape(_('Aucune action enregistrée'))}</i></p>")
        self.body.setText("".join(lines))
        self.body.setAccessibleName(_("Fiche de {name}", name=a.full_name))
        self._update_buttons()

    def data_day(self) -> str:
        return self._day

    _day = ""

    def set_day(self, day: str) -> None:
        self._day = day

    def _update_buttons(self) -> None:
        d = self.data
        registered_today = bool(d and (not d.attendee.days or self._day in d.attendee.days))
        confirmed = bool(d and d.attendee.status == "confirmed")
        arrived = bool(d and d.standing)
        self.buttons["checkin"].setVisible(not arrived and registered_today and confirmed)
        self.buttons["admit"].setVisible(self.lead and not arrived and not (registered_today and confirmed))
        self.buttons["reprint"].setVisible(self.lead)
        self.buttons["undo"].setVisible(self.lead and arrived)
        self.buttons["edit"].setVisible(self.lead)

    def retranslate(self) -> None:
        labels = {
            "checkin": (_("Enregistrer l'arrivée"), _("Enregistrer l'arrivée et imprimer le badge")),
            "admit": (_("Admettre quand même…"), _("Admettre une personne non inscrite aujourd'hui")),
            "reprint": (_("Réimprimer…"), _("Réimprimer le badge avec un motif")),
            "undo": (_("Annuler l'arrivée…"), _("Annuler l'enregistrement de l'arrivée")),
            "edit": (_("Corriger…"), _("Corriger le nom ou l'organisation")),
            "back": (_("Retour (Échap)"), _("Revenir à l'écran de scan")),
        }
        for name, (text, accessible) in labels.items():
            self.buttons[name].setText(text)
            self.buttons[name].setAccessibleName(accessible)
        self._paint()
