"""The import preview: a file's first rows, the column each field is read from, the
ticket types and what they become, the category × day counts and the rows that fell to a
default — before anything is written. Staff change a column or decide a ticket type; the
preview is recomputed on the task pool (the dialog only paints), the choices can be saved
with the event, then the file imported with them.

The dialog is opened (not run modally) and talks to :class:`StaffTools` through signals:
``recompute`` (columns, rules), ``import_requested`` and ``save_requested``.
"""

from __future__ import annotations

from typing import Any

from checkin.base.i18n import _, language
from checkin.event.model import EventConfig, TicketRule
from checkin.importer.mapping import FIELDS
from checkin.importer.preview import Preview, replace_rule, rule_for
from checkin.importer.report import category_label, days_label, field_label, lines, table_rows
from checkin.ui.qt import (
    QAbstractTableModel,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QModelIndex,
    QPersistentModelIndex,
    QPushButton,
    QScrollArea,
    QSize,
    QStringListModel,
    Qt,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)

# The fields offered first in the column choices (the others follow).
MAIN_FIELDS = (
    "code",
    "registration",
    "last_name",
    "first_name",
    "full_name",
    "email",
    "organisation",
    "ticket_type",
    "category",
    "days",
    "status",
    "paid",
    "checked_in",
)
Index = QModelIndex | QPersistentModelIndex


class TableModel(QAbstractTableModel):
    """A plain read-only table (header row, then rows of text)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.header: list[str] = []
        self.body: list[list[str]] = []
        self.marked: set[int] = set()  # rows painted as needing attention

    def set(self, header: list[str], body: list[list[str]], marked: set[int] | None = None) -> None:
        self.beginResetModel()
        self.header = header
        self.body = body
        self.marked = marked or set()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() else len(self.body)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() else len(self.header)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.body):
            return None
        row = self.body[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row[index.column()] if index.column() < len(row) else ""
        if (
            role == Qt.ItemDataRole.TextAlignmentRole
            and index.column() < len(row)
            and row[index.column()].isdigit()
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and index.row() in self.marked:
            from checkin.ui.qt import QColor

            return QColor("#FFE9B3")
        return None

    def headerData(  # noqa: N802 (Qt API)
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.header[section] if section < len(self.header) else None
        return str(section + 1)


def _view(model: TableModel, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setObjectName(name)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.setWordWrap(False)
    return view


class ImportPreviewDialog(QDialog):
    recompute = Signal(object, object)  # columns: dict[str, str], rules: tuple[TicketRule, ...]
    import_requested = Signal(object)  # the Preview shown
    save_requested = Signal(object)  # the Preview shown

    def __init__(self, event: EventConfig, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.event_config = event
        self.current: Preview | None = None
        self.setWindowTitle(_("Importer un export"))
        self.setModal(False)
        self.setStyleSheet("QLabel, QComboBox, QPushButton, QTableView, QListView { font-size: 15px; }")
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.heading.setStyleSheet("font-size: 19px; font-weight: bold;")
        self.heading.setWordWrap(True)
        self.sentence = QLabel()
        self.sentence.setObjectName("sentence")
        self.sentence.setWordWrap(True)
        self._build_tabs()
        body = self._build_body()
        buttons = self._build_buttons()
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.sentence)
        layout.addLayout(body, 1)
        layout.addWidget(self.report)
        layout.addLayout(buttons)
        self.types_view.selectionModel().currentRowChanged.connect(self._type_selected)
        self.resize(1240, 720)
        self.retranslate()

    def _build_tabs(self) -> None:
        """The first rows, the columns read, the ticket types (with their rule), the defaults."""
        self.rows_model = TableModel(self)
        self.types_model = TableModel(self)
        self.grid_model = TableModel(self)
        self.defaults_model = QStringListModel(self)
        self.rows_view = _view(self.rows_model, "first_rows")
        self.types_view = _view(self.types_model, "ticket_types")
        self.grid_view = _view(self.grid_model, "category_by_day")
        self.grid_view.verticalHeader().hide()
        self.defaults_view = QListView()
        self.defaults_view.setObjectName("defaults")
        self.defaults_view.setModel(self.defaults_model)
        self.combos: dict[str, QComboBox] = {}
        self.columns_form = QFormLayout()
        columns_widget = QWidget()
        columns_widget.setLayout(self.columns_form)
        columns_scroll = QScrollArea()
        columns_scroll.setWidgetResizable(True)
        columns_scroll.setWidget(columns_widget)
        # One ticket type's rule: pick a row, choose its category and days, apply.
        self.rule_category = QComboBox()
        self.rule_category.setObjectName("rule_category")
        self.rule_days = QComboBox()
        self.rule_days.setObjectName("rule_days")
        self.rule_apply = QPushButton()
        self.rule_apply.setObjectName("rule_apply")
        self.rule_apply.clicked.connect(self.apply_rule)
        for combo in (self.rule_category, self.rule_days):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)
        rule_row = QHBoxLayout()
        self.rule_label = QLabel()
        self.rule_label.setWordWrap(True)
        self.rule_label.setStyleSheet("font-weight: bold;")
        rule_row.addWidget(self.rule_category, 1)
        rule_row.addWidget(self.rule_days)
        rule_row.addWidget(self.rule_apply)
        types_tab = QWidget()
        types_layout = QVBoxLayout(types_tab)
        types_layout.addWidget(self.types_view, 1)
        types_layout.addWidget(self.rule_label)
        types_layout.addLayout(rule_row)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.rows_view, "")
        self.tabs.addTab(columns_scroll, "")
        self.tabs.addTab(types_tab, "")
        self.tabs.addTab(self.defaults_view, "")

    def _build_body(self) -> QHBoxLayout:
        right = QVBoxLayout()
        self.grid_title = QLabel()
        self.grid_title.setStyleSheet("font-weight: bold;")
        right.addWidget(self.grid_title)
        right.addWidget(self.grid_view, 1)
        self.report = QLabel()
        self.report.setObjectName("report")
        self.report.setWordWrap(True)
        self.report.setAlignment(Qt.AlignmentFlag.AlignTop)
        body = QHBoxLayout()
        body.addWidget(self.tabs, 3)
        body.addLayout(right, 2)
        for view in (self.rows_view, self.types_view):
            view.setMinimumWidth(420)
        return body

    def _build_buttons(self) -> QHBoxLayout:
        self.status = QLabel()
        self.status.setObjectName("status")
        self.save_button = QPushButton()
        self.save_button.setObjectName("save")
        self.import_button = QPushButton()
        self.import_button.setObjectName("import")
        self.import_button.setDefault(True)
        self.close_button = QPushButton()
        self.save_button.clicked.connect(self._save)
        self.import_button.clicked.connect(self._import)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.import_button)
        return buttons

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API): fits a 1366×768 laptop screen
        return QSize(1240, 700)

    # -- painting ------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.tabs.setTabText(0, _("Premières lignes"))
        self.tabs.setTabText(1, _("Colonnes lues"))
        self.tabs.setTabText(2, _("Types de billet"))
        self.tabs.setTabText(3, _("Lignes par défaut"))
        self.grid_title.setText(_("Catégorie × jour"))
        self.save_button.setText(_("Enregistrer avec l'événement"))
        self.save_button.setToolTip(
            _("Les choix de colonnes et de types de billet serviront aux prochains imports")
        )
        self.import_button.setText(_("Importer"))
        self.close_button.setText(_("Fermer"))
        self.rule_apply.setText(_("Appliquer à ce type"))
        self.rule_category.setAccessibleName(_("Catégorie de ce type de billet"))
        self.rule_days.setAccessibleName(_("Jours de ce type de billet"))

    def show_preview(self, p: Preview) -> None:
        self.current = p
        s = p.summary
        self.heading.setText(
            _("{file} — {layout}", file=p.path.name, layout=s.layout or _("format non reconnu"))
        )
        if p.error:
            self.sentence.setText(p.error + " " + _("Choisissez les colonnes dans « Colonnes lues »."))
            self.sentence.setStyleSheet("color: #A01818; font-weight: bold;")
        else:
            self.sentence.setText(_("Essai, rien n'est encore écrit : ") + s.sentence())
            self.sentence.setStyleSheet("")
        self.import_button.setEnabled(not p.error)
        self.rows_model.set(list(p.headers), [list(r) for r in p.rows])
        self.rows_view.resizeColumnsToContents()
        self._fill_columns(p)
        ev = self.event_config
        body, marked = [], set()
        for n, t in enumerate(s.ticket_types):
            flags = []
            if t["category_default"]:
                flags.append(_("catégorie par défaut"))
            if t["days_default"]:
                flags.append(_("jours par défaut"))
            if flags:
                marked.add(n)
            body.append(
                [
                    t["ticket_type"] or "—",
                    category_label(ev, t["category"]),
                    days_label(ev, t["days"]),
                    str(t["count"]),
                    ", ".join(flags),
                ]
            )
        self.types_model.set(
            [_("Type de billet"), _("Catégorie"), _("Jours"), _("Nombre"), _("Défaut")], body, marked
        )
        self.types_view.resizeColumnsToContents()
        header, rows = table_rows(s, ev) if s.table else ([_("Catégorie")], [])
        self.grid_model.set(header, rows, {len(rows) - 1} if rows else set())
        self.grid_view.resizeColumnsToContents()
        frame = 2 * self.grid_view.frameWidth() + self.grid_view.verticalScrollBar().sizeHint().width()
        wanted = sum(self.grid_view.columnWidth(c) for c in range(len(header))) + frame + 4
        self.grid_view.setMinimumWidth(min(wanted, 560))
        defaults = [
            line.strip() for line in lines(s, ev) if line.startswith("  ligne") or line.startswith("  row")
        ]
        self.defaults_model.setStringList(defaults or [_("Aucune ligne n'est tombée sur un défaut.")])
        self.tabs.setTabText(3, _("Lignes par défaut ({n})", n=len(s.defaults)))
        skip = (
            _("Types de billet"),
            _("Catégorie × jour"),
            _("Lignes tombées sur un défaut"),
            _("Format reconnu"),
        )
        shown = [x for x in lines(s, ev, details=False) if not x.startswith("  ") and not x.startswith(skip)]
        if s.defaults:
            shown.append(
                _(
                    "{n} lignes tombées sur un défaut : voir l'onglet « Lignes par défaut ».",
                    n=len(s.defaults),
                )
            )
        shown += [
            _("Ligne {row} refusée : {reason}", row=r["row"], reason=r["reason"]) for r in s.rejected[:5]
        ]
        self.report.setText("   ·   ".join(shown))
        self.status.setText("")
        self._type_selected()

    def _fill_columns(self, p: Preview) -> None:
        while self.columns_form.rowCount():
            self.columns_form.removeRow(0)
        self.combos = {}
        shown = list(dict.fromkeys([*MAIN_FIELDS, *p.summary.columns, *p.columns]))
        shown += [f for f in FIELDS if f not in shown]
        for name in shown:
            combo = QComboBox()
            combo.setObjectName(f"column_{name}")
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(28)
            combo.addItem(_("(non lue)"), "")
            for header in p.headers:
                if header:
                    combo.addItem(header, header)
            chosen = p.summary.columns.get(name) or p.columns.get(name, "")
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.setAccessibleName(_("Colonne pour : {field}", field=field_label(name)))
            combo.currentIndexChanged.connect(lambda _i, n=name: self._column_changed(n))
            self.combos[name] = combo
            label = field_label(name) + (" ✓" if chosen else "")
            self.columns_form.addRow(label, combo)

    def _type_selected(self, *_args: Any) -> None:
        p = self.current
        self.rule_category.clear()
        self.rule_days.clear()
        self.rule_category.addItem(_("(selon les mots du billet)"), "")
        for cat in self.event_config.categories:
            self.rule_category.addItem(cat.label(language()), cat.key)
        self.rule_days.addItem(_("(selon les mots du billet)"), "")
        for day in self.event_config.days:
            self.rule_days.addItem(self.event_config.day_label(day.iso, language()), day.iso)
        if len(self.event_config.days) > 1:
            self.rule_days.addItem(_("tous les jours"), ",".join(d.iso for d in self.event_config.days))
        row = self.types_view.currentIndex().row()
        enabled = p is not None and 0 <= row < len(p.summary.ticket_types)
        for widget in (self.rule_category, self.rule_days, self.rule_apply):
            widget.setEnabled(enabled)
        if not enabled:
            self.rule_label.setText(
                _("Choisissez un type de billet pour décider de sa catégorie et de ses jours.")
            )
            return
        assert p is not None
        ticket = p.summary.ticket_types[row]["ticket_type"]
        self.rule_label.setText(_("« {ticket} » :", ticket=ticket or "—"))
        existing = next((r for r in p.rules if r.exact and r.match == ticket), None)
        if existing is not None:
            self.rule_category.setCurrentIndex(max(0, self.rule_category.findData(existing.category)))
            self.rule_days.setCurrentIndex(max(0, self.rule_days.findData(",".join(existing.days))))

    # -- staff's changes -------------------------------------------------------------
    def _column_changed(self, name: str) -> None:
        if self.current is None:
            return
        columns = dict(self.current.columns)
        columns[name] = str(self.combos[name].currentData() or "")
        self.status.setText(_("Nouvel essai…"))
        self.recompute.emit(columns, self.current.rules)

    def choose_column(self, name: str, header: str) -> None:
        """Set a field's column as staff would with the combo box (tests, keyboard)."""
        combo = self.combos[name]
        combo.setCurrentIndex(max(0, combo.findData(header)))

    def apply_rule(self) -> None:
        p = self.current
        row = self.types_view.currentIndex().row()
        if p is None or not 0 <= row < len(p.summary.ticket_types):
            return
        ticket = p.summary.ticket_types[row]["ticket_type"]
        days = tuple(d for d in str(self.rule_days.currentData() or "").split(",") if d)
        rule = rule_for(ticket, str(self.rule_category.currentData() or ""), days)
        self.status.setText(_("Nouvel essai…"))
        self.recompute.emit(dict(p.columns), replace_rule(p.rules, rule))

    def select_ticket_type(self, ticket: str) -> None:
        assert self.current is not None
        row = next(i for i, t in enumerate(self.current.summary.ticket_types) if t["ticket_type"] == ticket)
        index = self.types_model.index(row, 0)
        self.types_view.setCurrentIndex(index)
        self.types_view.scrollTo(index)

    def decide(self, ticket: str, category_key: str, days: tuple[str, ...]) -> None:
        """Decide one ticket type as staff would with the row's controls."""
        assert self.current is not None
        self.select_ticket_type(ticket)
        self.rule_category.setCurrentIndex(max(0, self.rule_category.findData(category_key)))
        self.rule_days.setCurrentIndex(max(0, self.rule_days.findData(",".join(days))))
        self.apply_rule()

    def _save(self) -> None:
        if self.current:
            self.save_requested.emit(self.current)

    def _import(self) -> None:
        if self.current is not None:
            self.import_button.setEnabled(False)
            self.status.setText(_("Import en cours…"))
            self.import_requested.emit(self.current)

    def rules(self) -> tuple[TicketRule, ...]:
        return self.current.rules if self.current else ()
