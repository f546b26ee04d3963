"""The "arrivées sur papier" screen: the lead types in the names ticked on the paper list.

One line of work per name: find the person (name or code, as at the search page), the time
and the desk written on the sheet, Enter. The time and desk stay filled from one name to
the next (a sheet is one desk, and names come in time order), so a page of ticks is typed
quickly. Each entry is recorded by :func:`checkin.arrivals.paper.record` and listed below with its
sentence; a name already in says when and where, and nothing is added.
"""

from __future__ import annotations

from typing import Any

from checkin.arrivals import paper
from checkin.base.errors import KnownError
from checkin.base.i18n import _, language
from checkin.replica.attendees import AttendeeView
from checkin.ui.qt import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStringListModel,
    QVBoxLayout,
    QWidget,
    Signal,
)


class PaperArrivalsDialog(QDialog):
    recorded = Signal(object)  # a paper.PaperEntry

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.ev = session.event
        self.people: list[AttendeeView] = []
        self.setObjectName("paper_arrivals")
        self.setWindowTitle(_("Arrivées sur papier"))
        self.setMinimumSize(900, 640)
        self.setStyleSheet(
            "QLabel, QLineEdit, QComboBox, QListView { font-size: 18px; }"
            "QLabel#paper_intro { font-size: 17px; }"
            "QLabel#paper_message { font-weight: bold; }"
        )
        intro = QLabel(
            _(
                "Saisissez les noms cochés sur la liste de secours, avec l'heure et le poste "
                "écrits sur la feuille. Chaque arrivée compte comme les autres et reste marquée "
                "« saisie après coup »."
            )
        )
        intro.setObjectName("paper_intro")
        intro.setWordWrap(True)
        self.day = QComboBox()
        for d in self.ev.days:
            self.day.addItem(self.ev.day_label(d.iso, language()), d.iso)
        index = self.day.findData(session.day)
        self.day.setCurrentIndex(max(index, 0))
        self.desk = QLineEdit()
        self.desk.setPlaceholderText(_("par exemple Accueil 2"))
        self.time = QLineEdit()
        self.time.setPlaceholderText("08:42")
        self.time.setMaxLength(5)
        self.who = QLineEdit()  # (not ``find``: QWidget has a method of that name)
        self.who.setPlaceholderText(_("Nom, prénom ou code"))
        self.who.textChanged.connect(self.search)
        self.who.returnPressed.connect(self.submit)
        self.results = QListView()
        self.results_model = QStringListModel()
        self.results.setModel(self.results_model)
        self.results.setMaximumHeight(170)
        self.results.doubleClicked.connect(lambda _i: self.submit())
        self.record_button = QPushButton(_("Enregistrer l'arrivée (Entrée)"))
        self.record_button.clicked.connect(self.submit)
        self.message = QLabel()
        self.message.setObjectName("paper_message")
        self.message.setWordWrap(True)
        self.done_model = QStringListModel()
        self.done_view = QListView()
        self.done_view.setModel(self.done_model)
        close = QPushButton(_("Fermer"))
        close.clicked.connect(self.accept)
        # Enter in the name field records (once): no button of the dialog takes it too.
        for button in (self.record_button, close):
            button.setAutoDefault(False)
            button.setDefault(False)

        form = QFormLayout()
        form.addRow(_("Jour"), self.day)
        sheet = QHBoxLayout()
        sheet.addWidget(self.desk, 2)
        sheet.addWidget(QLabel(_("Heure")))
        sheet.addWidget(self.time, 1)
        form.addRow(_("Poste de la feuille"), sheet)
        form.addRow(_("Personne"), self.who)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.results)
        row = QHBoxLayout()
        row.addWidget(self.record_button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(QLabel(_("Déjà saisies pour ce jour :")))
        layout.addWidget(self.done_view, 1)
        self.day.currentIndexChanged.connect(lambda _i: self.refresh_done())
        self.refresh_done()

    def search(self, text: str) -> None:
        """By name as at the search page, or by the code printed on the list."""
        from checkin.replica import attendees

        self.people = self.session.find(text, 8) if len(text.strip()) >= 2 else []
        with self.session.replica.read() as conn:
            by_code = attendees.by_code(conn, text.strip().upper()) if len(text.strip()) >= 6 else None
        if by_code is not None:
            self.people = [by_code, *(p for p in self.people if p.uid != by_code.uid)]
        self.results_model.setStringList(
            [f"{p.full_name} — {p.organisation} — {p.code}" + self._status(p) for p in self.people]
        )
        if self.people:
            self.results.setCurrentIndex(self.results_model.index(0))

    @staticmethod
    def _status(person: AttendeeView) -> str:
        return _(" (annulée)") if person.status == "cancelled" else ""

    def chosen(self) -> AttendeeView | None:
        row = self.results.currentIndex().row()
        return self.people[row] if 0 <= row < len(self.people) else None

    def submit(self) -> None:
        person = self.chosen()
        if person is None:
            self.say(_("Choisissez d'abord la personne dans la liste."), error=True)
            return
        try:
            entry = paper.record(
                self.session.replica,
                self.ev,
                person.uid,
                day=str(self.day.currentData()),
                at=self.time.text(),
                paper_desk=self.desk.text(),
                entered_by=self.session.desk,
                role=self.session.role if self.session.role != "volunteer" else "lead",
            )
        except KnownError as exc:
            self.say(exc.message, error=True)
            return
        self.say(entry.sentence(self.ev), error=entry.outcome != "recorded")
        self.who.clear()
        self.who.setFocus()
        self.refresh_done()
        self.recorded.emit(entry)

    def say(self, text: str, *, error: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #A01818;" if error else "color: #1B6B2A;")

    def refresh_done(self) -> None:
        day = str(self.day.currentData())
        rows = paper.entered_today(self.session.replica, day)
        self.done_model.setStringList(
            [
                _(
                    "{time} — {desk} — {name} ({code}), saisie par {by}",
                    time=self.ev.clock(fact.at),
                    desk=fact.desk,
                    name=person.full_name,
                    code=person.code,
                    by=fact.data.get("entered_by", "?"),
                )
                for person, fact in rows
            ]
        )
