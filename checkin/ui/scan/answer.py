"""The scan page: the big answer, the print state, the manual code field.

The answer fills most of the screen so it can be read from a step back, in words, colour
and symbol. A new scan replaces it at once; after ``ready_delay_s`` it goes back to "ready"
by itself so the next person is not shown the previous one's name.
"""

from __future__ import annotations

from typing import Any

from checkin.base.i18n import _
from checkin.event.model import EventConfig
from checkin.ui.qt import (
    QColor,
    QFont,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPalette,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from checkin.ui.scan.present import STYLES, Answer, present
from checkin.ui.widgets import SymbolIcon


def _label(size: int, *, bold: bool = False, wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = QFont(label.font())
    font.setPixelSize(size)
    font.setBold(bold)
    label.setFont(font)
    return label


class AnswerPanel(QFrame):
    """The outcome of the last scan, or "ready"."""

    def __init__(self, event: EventConfig, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.event_config = event
        self.setObjectName("answer")
        self.setAutoFillBackground(True)
        self._current_colours = ("", "")
        self.decision: Any = None
        self.answer: Answer | None = None
        self.note = ""  # the accessibility note of the person on screen
        self.print_state = ""
        self.icon = SymbolIcon()
        self.headline = _label(64, bold=True)
        self.name = _label(48, bold=True)
        self.native = _label(32)
        self.organisation = _label(28)
        self.category = _label(24, bold=True, wrap=False)
        self.category.setAutoFillBackground(True)
        self.category.setMinimumHeight(44)
        self.instruction = _label(34, bold=True)
        self.instruction.setObjectName("instruction")
        # A name in its own script keeps its direction but lines up with the others.
        self.native.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignAbsolute)
        self.handover = _label(30, bold=True)
        self.handover.setObjectName("handover")
        self.access_note = _label(24, bold=True)
        self.access_note.setObjectName("access_note")
        self.printing = _label(20)
        self.hint = _label(15)
        hint_font = self.hint.font()
        hint_font.setItalic(True)
        self.hint.setFont(hint_font)
        self.hint.setObjectName("hint")

        top = QHBoxLayout()
        top.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        words = QVBoxLayout()
        words.addWidget(self.headline)
        words.addWidget(self.name)
        words.addWidget(self.native)
        words.addWidget(self.organisation)
        cat_row = QHBoxLayout()
        cat_row.addWidget(self.category)
        cat_row.addStretch(1)
        words.addLayout(cat_row)
        top.addLayout(words, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 16)
        layout.addLayout(top)
        layout.addStretch(1)
        layout.addWidget(self.instruction)
        layout.addWidget(self.handover)
        layout.addWidget(self.access_note)
        layout.addWidget(self.printing)
        layout.addWidget(self.hint)
        self.show_ready()

    # -- states -----------------------------------------------------------------------
    def show_ready(self) -> None:
        self.decision = None
        self.answer = None
        self.print_state = ""
        self._paint_ready()

    def _paint_ready(self) -> None:
        style = STYLES["ready"]
        self._colours(style.background, style.foreground)
        self.icon.set_symbol("scan", "#1F4E9D")
        self.headline.setText(_("PRÊT"))
        self.name.setText(_("Scannez le code du billet"))
        self.native.setText("")
        self.native.hide()
        self.organisation.setText(_("ou tapez le code ci-dessous — F2 : rechercher par nom"))
        self.category.setText("")
        self.category.hide()
        self.instruction.setText("")
        self.handover.hide()
        self.access_note.hide()
        self.printing.setText("")
        self.hint.setText("")
        self.setAccessibleName(_("Prêt à scanner"))

    def show_decision(self, decision: Any, note: str = "") -> None:
        self.decision = decision
        self.note = note
        self.print_state = ""
        self._paint_decision()

    def _paint_decision(self) -> None:
        a = present(self.decision, self.event_config, self.note)
        self.answer = a
        self._colours(a.style.background, a.style.foreground)
        self.icon.set_symbol(a.style.symbol, a.style.foreground)
        self.headline.setText(a.headline)
        self.name.setText(a.name or a.code)
        self.native.setText(a.native_name)
        self.native.setVisible(bool(a.native_name))
        self.organisation.setText(a.organisation)
        if a.category:
            self.category.setText(f"  {a.category}  ")
            palette = self.category.palette()
            palette.setColor(QPalette.ColorRole.Window, QColor(a.category_colour))
            palette.setColor(QPalette.ColorRole.WindowText, QColor(a.category_text_colour))
            self.category.setPalette(palette)
            self.category.show()
        else:
            self.category.hide()
        self.instruction.setText("→ " + a.instruction)
        self.handover.setText(_("À remettre : {items}", items=", ".join(a.handover)) if a.handover else "")
        self.handover.setVisible(bool(a.handover))
        self.access_note.setText(_("Accessibilité : {note}", note=a.note) if a.note else "")
        self.access_note.setVisible(bool(a.note))
        self.hint.setText(
            _("Scan corrigé (disposition du clavier du scanner) — responsable : régler le scanner")
            if a.repaired
            else ""
        )
        self._paint_print_state()
        self.setAccessibleName(f"{a.headline}. {a.name}. {a.instruction}")

    def set_print_state(self, text: str) -> None:
        self.print_state = text
        self._paint_print_state()

    def _paint_print_state(self) -> None:
        self.printing.setText(self.print_state)

    def retranslate(self) -> None:
        if self.decision is None:
            self._paint_ready()
        else:
            self._paint_decision()

    def _colours(self, background: str, foreground: str) -> None:
        # A palette, not a style sheet: re-polishing a dozen labels on every scan costs
        # milliseconds the volunteer would wait for.
        if self._current_colours == (background, foreground):
            return
        self._current_colours = (background, foreground)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(background))
        palette.setColor(QPalette.ColorRole.WindowText, QColor(foreground))
        self.setPalette(palette)
        for label in (
            self.headline,
            self.name,
            self.native,
            self.organisation,
            self.instruction,
            self.handover,
            self.access_note,
            self.printing,
            self.hint,
        ):
            label.setPalette(palette)


class ScanPage(QWidget):
    """The default page: the answer and a field to type or paste a code by hand."""

    manual_code = Signal(str)

    def __init__(self, event: EventConfig, ready_delay_s: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.panel = AnswerPanel(event)
        self.code_field = QLineEdit()
        self.code_field.setObjectName("code_field")
        self.code_field.setMinimumHeight(44)
        self.code_field.setStyleSheet("font-size: 22px;")
        self.submit = QPushButton()
        self.submit.setMinimumHeight(44)
        self.code_label = QLabel()
        self.code_label.setStyleSheet("font-size: 18px;")
        self.code_label.setBuddy(self.code_field)
        row = QHBoxLayout()
        row.addWidget(self.code_label)
        row.addWidget(self.code_field, 1)
        row.addWidget(self.submit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.panel, 1)
        layout.addLayout(row)
        self.code_field.returnPressed.connect(self._submit)
        self.submit.clicked.connect(self._submit)
        self.ready_timer = QTimer(self)
        self.ready_timer.setSingleShot(True)
        self.ready_timer.timeout.connect(self.panel.show_ready)
        self.set_ready_delay(ready_delay_s)
        self.retranslate()

    def set_ready_delay(self, seconds: int) -> None:
        self.ready_timer.setInterval(max(1, seconds) * 1000)

    def _submit(self) -> None:
        text = self.code_field.text().strip()
        self.code_field.clear()
        if text:
            self.manual_code.emit(text)

    def show_decision(self, decision: Any, note: str = "") -> None:
        self.panel.show_decision(decision, note)
        self.ready_timer.start()

    def retranslate(self) -> None:
        self.code_label.setText(_("Code :"))
        self.code_field.setPlaceholderText(_("Taper ou coller un code, puis Entrée"))
        self.code_field.setAccessibleName(_("Saisie manuelle du code"))
        self.submit.setText(_("Valider"))
        self.submit.setAccessibleName(_("Valider le code saisi"))
        self.panel.retranslate()
