"""The group page: the group's name, its members and their state, and one button that
admits the members ticked (those expected today, all ticked at first)."""

from __future__ import annotations

from checkin.arrivals.groups import Group
from checkin.base.i18n import _
from checkin.ui.group.model import GroupModel
from checkin.ui.qt import QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget


class GroupPage(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("group_page")
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 28px; font-weight: bold;")
        self.summary = QLabel()
        self.summary.setStyleSheet("font-size: 18px;")
        self.model = GroupModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setStyleSheet("font-size: 18px;")
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.admit = QPushButton()
        self.admit.setObjectName("group_admit")
        self.admit.setMinimumHeight(56)
        self.admit.setStyleSheet("font-size: 22px; font-weight: bold; background: #1B7A3A; color: white;")
        self.back = QPushButton()
        self.back.setMinimumHeight(56)
        self.result = QLabel()
        self.result.setStyleSheet("font-size: 20px; font-weight: bold; color: #1B7A3A;")
        self.result.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.admit, 1)
        buttons.addWidget(self.back)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.title, self.summary, self.table):
            layout.addWidget(widget, 1 if widget is self.table else 0)
        layout.addWidget(self.result)
        layout.addLayout(buttons)
        self.model.dataChanged.connect(lambda *_a: self.paint())
        self.model.modelReset.connect(self.paint)
        self.group: Group | None = None

    def set_group(self, group: Group, result: str = "") -> None:
        self.group = group
        self.title.setText(group.name)
        self.result.setText(result)
        self.model.set_group(group)

    def paint(self) -> None:
        members = self.model.members
        counts = {s: sum(1 for m in members if m.state == s) for s in ("here", "expected")}
        self.summary.setText(
            _(
                "{n} membres : {here} déjà arrivé·es, {expected} attendu·es aujourd'hui",
                n=len(members),
                here=counts["here"],
                expected=counts["expected"],
            )
        )
        ticked = len(self.model.ticked)
        self.admit.setText(_("Admettre les présents cochés ({n}) et imprimer leurs badges", n=ticked))
        self.admit.setEnabled(ticked > 0)
        self.back.setText(_("Retour au scan (F1)"))
