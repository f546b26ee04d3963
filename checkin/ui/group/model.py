"""The group's members as a table: name (ticked when the volunteer admits them), function,
state. Only those expected today can be ticked; the others say why not."""

from __future__ import annotations

from typing import Any

from checkin.arrivals.groups import Group, Member, state_label
from checkin.base.i18n import _
from checkin.ui.qt import QAbstractTableModel, QColor, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
STATE_COLOURS = {"here": "#1B7A3A", "expected": "#111111", "other_day": "#8A4B00", "cancelled": "#A01818"}
CODE_ROLE = Qt.ItemDataRole.UserRole + 1


class GroupModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.members: list[Member] = []
        self.ticked: set[str] = set()

    def set_group(self, group: Group | None) -> None:
        self.beginResetModel()
        self.members = list(group.members) if group else []
        self.ticked = {m.attendee.code for m in self.members if m.state == "expected"}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self.members)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else 3

    def headerData(  # noqa: N802 (Qt API)
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < 3
        ):
            return (_("Nom"), _("Fonction"), _("État"))[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 0 and self.members[index.row()].state == "expected":
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.members):
            return None
        member = self.members[index.row()]
        person, column = member.attendee, index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return person.full_name + (_(" (chef·fe de délégation)") if member.head else "")
            return person.function if column == 1 else state_label(member.state)
        if role == Qt.ItemDataRole.CheckStateRole and column == 0 and member.state == "expected":
            return Qt.CheckState.Checked if person.code in self.ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole and column == 2:
            return QColor(STATE_COLOURS.get(member.state, "#111111"))
        if role == CODE_ROLE:
            return person.code
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.CheckStateRole or not (
            self.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
        ):
            return False
        code = self.members[index.row()].attendee.code
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
        (self.ticked.add if checked else self.ticked.discard)(code)
        self.dataChanged.emit(index, index, [role])
        return True
