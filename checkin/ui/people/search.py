"""Search as you type: a list model of attendees and the keyboard-driven page around it.

Each row shows the name as on the badge, then what tells homonyms apart (organisation,
country, function, category) so two "Jean Dupont" are never confused. Up/Down move in the
list from the search box, Enter opens the card, Esc goes back to the scan page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from checkin.base.i18n import _, language
from checkin.event.model import EventConfig
from checkin.replica.attendees import AttendeeView
from checkin.ui import tasks
from checkin.ui.qt import (
    QAbstractItemView,
    QAbstractListModel,
    QByteArray,
    QEvent,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QListView,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

AttendeeRole = Qt.ItemDataRole.UserRole + 1
CodeRole = Qt.ItemDataRole.UserRole + 2
DetailRole = Qt.ItemDataRole.UserRole + 3
StatusRole = Qt.ItemDataRole.UserRole + 4

Index = QModelIndex | QPersistentModelIndex


class AttendeeListModel(QAbstractListModel):
    """Search results; ``DisplayRole`` is two lines: name, then what tells people apart."""

    def __init__(self, event: EventConfig, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.event_config = event
        self._rows: list[AttendeeView] = []

    def set_results(self, rows: Sequence[AttendeeView]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def attendee(self, row: int) -> AttendeeView | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def detail(self, a: AttendeeView) -> str:
        category = self.event_config.category_by_name(a.category)
        parts = [
            a.organisation,
            a.country,
            a.function,
            category.label(language()) if category else a.category,
        ]
        if a.status != "confirmed":
            parts.append(_("annulée") if a.status == "cancelled" else _("liste d'attente"))
        return " · ".join(p for p in parts if p)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid() or not 0 <= index.row() < len(self._rows):
            return None
        a = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            name = a.full_name
            if a.native_name and a.first_name:
                name += f"  ({a.native_name})"
            return f"{name}\n{self.detail(a)}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{a.full_name}, {self.detail(a)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return a.code
        if role == AttendeeRole:
            return a
        if role == CodeRole:
            return a.code
        if role == DetailRole:
            return self.detail(a)
        if role == StatusRole:
            return a.status
        return None

    def roleNames(self) -> dict[int, QByteArray]:  # noqa: N802 (Qt API)
        names = dict(super().roleNames())
        for role, name in (
            (AttendeeRole, b"attendee"),
            (CodeRole, b"code"),
            (DetailRole, b"detail"),
            (StatusRole, b"status"),
        ):
            names[role] = QByteArray(name)
        return names

    def retranslate(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))


class SearchPage(QWidget):
    """The search box and its results; ``opened`` carries the chosen attendee."""

    opened = Signal(object)
    back = Signal()
    results_shown = Signal(int)
    failed = Signal(object)

    def __init__(
        self,
        event: EventConfig,
        find: Callable[[str], list[AttendeeView]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.find_people = find  # (not ``find``: QWidget has a method of that name)
        self._wanted = ""
        self._busy = False
        self.shown_text = ""
        self.model = AttendeeListModel(event, self)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 28px; font-weight: bold;")
        self.field = QLineEdit()
        self.field.setObjectName("search_field")
        self.field.setMinimumHeight(48)
        self.field.setStyleSheet("font-size: 24px;")
        self.field.setClearButtonEnabled(True)
        self.count = QLabel()
        self.count.setStyleSheet("font-size: 18px;")
        self.list = QListView()
        self.list.setObjectName("results")
        self.list.setModel(self.model)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setUniformItemSizes(True)
        self.list.setAlternatingRowColors(True)
        self.list.setStyleSheet(
            "QListView { font-size: 21px; } QListView::item { padding: 8px; border-bottom: 1px solid #BBB; }"
            "QListView::item:selected { background: #1F4E9D; color: white; }"
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.field)
        layout.addWidget(self.count)
        layout.addWidget(self.list, 1)
        self.field.textChanged.connect(self.run_search)
        self.field.installEventFilter(self)
        self.list.installEventFilter(self)
        self.list.activated.connect(self._open_index)
        self.retranslate()

    def run_search(self, text: str) -> None:
        """Search off the GUI thread, latest text wins: typing never waits for a query,
        and a query overtaken by more typing is not shown."""
        self._wanted = text
        if not self._busy:
            self._start(text)

    def _start(self, text: str) -> None:
        if not text.strip():
            self._show(text, [])
            return
        self._busy = True
        find = self.find_people
        tasks.run(lambda: find(text), lambda rows: self._done(text, rows), self._failed)

    def _done(self, text: str, rows: list[AttendeeView]) -> None:
        self._busy = False
        try:
            if text == self._wanted:
                self._show(text, rows)
            else:
                self._start(self._wanted)
        except RuntimeError:  # the page was deleted meanwhile
            pass

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.failed.emit(exc)

    def _show(self, text: str, rows: list[AttendeeView]) -> None:
        self.model.set_results(rows)
        if rows:
            self.list.setCurrentIndex(self.model.index(0))
        self._update_count()
        self.shown_text = text
        self.results_shown.emit(len(rows))

    def _update_count(self) -> None:
        n = self.model.rowCount()
        text = self.field.text().strip()
        if not text:
            self.count.setText(_("Tapez un nom, une organisation ou un e-mail"))
        elif n == 0:
            self.count.setText(_("Aucun résultat pour « {text} »", text=text))
        else:
            self.count.setText(
                _("{n} résultat(s) — ↑↓ pour choisir, Entrée pour ouvrir, Échap pour revenir", n=n)
            )

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.back.emit()
            return True
        if obj is self.field and key in (
            Qt.Key.Key_Down,
            Qt.Key.Key_Up,
            Qt.Key.Key_PageDown,
            Qt.Key.Key_PageUp,
        ):
            self._move(key)
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._open_index(self.list.currentIndex())
            return True
        return False

    def _move(self, key: int) -> None:
        n = self.model.rowCount()
        if not n:
            return
        row = self.list.currentIndex().row()
        step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 5, Qt.Key.Key_PageUp: -5}[
            Qt.Key(key)
        ]
        row = max(0, min(n - 1, (row if row >= 0 else -1) + step))
        self.list.setCurrentIndex(self.model.index(row))

    def _open_index(self, index: QModelIndex) -> None:
        person = self.model.attendee(index.row()) if index.isValid() else None
        if person is not None:
            self.opened.emit(person)

    def focus(self) -> None:
        self.field.setFocus()
        self.field.selectAll()

    def retranslate(self) -> None:
        self.title.setText(_("Rechercher une personne"))
        self.field.setPlaceholderText(_("Nom, prénom, organisation ou e-mail…"))
        self.field.setAccessibleName(_("Recherche par nom"))
        self.list.setAccessibleName(_("Résultats de la recherche"))
        self.model.retranslate()
        self._update_count()
