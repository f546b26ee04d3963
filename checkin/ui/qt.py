"""The one door to Qt: every module of ``checkin.ui`` imports Qt names from here.

Keeping the binding behind one small module means a port (PyQt6, a newer PySide) or a
workaround touches one file, and a grep shows every Qt name the desk uses.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QByteArray,
    QCoreApplication,
    QElapsedTimer,
    QEvent,
    QEventLoop,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    QRunnable,
    QSize,
    QStringListModel,
    Qt,
    QThreadPool,
    QTimer,
    QtMsgType,
    QUrl,
    Signal,
    Slot,
    qInstallMessageHandler,
)
from PySide6.QtGui import (
    QAction,
    QBrush,
    QCloseEvent,
    QColor,
    QFont,
    QGuiApplication,
    QIcon,
    QImage,
    QInputMethodEvent,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QStatusBar,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import delete as shiboken_delete
from shiboken6 import isValid as shiboken_is_valid  # noqa: N813  (one name per Qt helper)


def _guard_none_refcount() -> bool:
    """Work around PySide6 6.12 on Python 3.11: every Qt call that returns a null object
    as ``None`` (``QApplication.focusWidget()`` with nothing focused,
    ``activeModalWidget()`` with no dialog, ``parent()`` of a window…) gives back one
    reference to ``None`` it never took. ``None`` starts with a few thousand; once they
    are spent the interpreter aborts ("none_dealloc: deallocating None") — a desk dies
    after some hundreds of scans (seen under Xvfb). Measured once, at import: if a
    None-returning call leaks, ``None`` is given a reserve of references it cannot run
    through (``None`` is never freed anyway). Python 3.12 made ``None`` immortal."""
    import sys

    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    import ctypes

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(16):
        probe.parent()
    if sys.getrefcount(None) >= before:
        return False
    # The same binding aborts on True and False too ("bool_dealloc", seen in the test
    # suite's exit and in bench-desk with live sync): they get the same reserve.
    for constant in (None, True, False):
        ctypes.c_ssize_t.from_address(id(constant)).value += 1 << 40
    return True


NONE_REFCOUNT_GUARDED = _guard_none_refcount()


def sound_effect_class() -> Any:
    """``QSoundEffect``, imported on first use: QtMultimedia costs start-up time and
    probes the audio system."""
    from PySide6.QtMultimedia import QSoundEffect

    return QSoundEffect


def local_socket_classes() -> tuple[Any, Any]:
    """``QLocalServer`` and ``QLocalSocket`` (QtNetwork), for one desk window per replica."""
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

    return QLocalServer, QLocalSocket


def serial_port_class() -> Any:
    """``QSerialPort``, imported only when a serial scanner is configured."""
    from PySide6.QtSerialPort import QSerialPort

    return QSerialPort


__all__ = [
    "NONE_REFCOUNT_GUARDED",
    "QAbstractButton",
    "QAbstractItemView",
    "QAbstractListModel",
    "QAbstractSpinBox",
    "QAbstractTableModel",
    "QAction",
    "QApplication",
    "QBrush",
    "QByteArray",
    "QCheckBox",
    "QCloseEvent",
    "QColor",
    "QComboBox",
    "QCoreApplication",
    "QDialog",
    "QDialogButtonBox",
    "QElapsedTimer",
    "QEvent",
    "QEventLoop",
    "QFileDialog",
    "QFont",
    "QFormLayout",
    "QFrame",
    "QGridLayout",
    "QGuiApplication",
    "QHBoxLayout",
    "QHeaderView",
    "QIcon",
    "QImage",
    "QInputMethodEvent",
    "QKeyEvent",
    "QKeySequence",
    "QLabel",
    "QLineEdit",
    "QListView",
    "QMainWindow",
    "QMessageBox",
    "QModelIndex",
    "QObject",
    "QPainter",
    "QPalette",
    "QPen",
    "QPersistentModelIndex",
    "QPixmap",
    "QPlainTextEdit",
    "QPoint",
    "QProgressBar",
    "QPushButton",
    "QRect",
    "QRectF",
    "QRunnable",
    "QScrollArea",
    "QShortcut",
    "QSize",
    "QSizePolicy",
    "QSpinBox",
    "QStackedWidget",
    "QStatusBar",
    "QStringListModel",
    "QStyleOptionViewItem",
    "QStyledItemDelegate",
    "QTabWidget",
    "QTableView",
    "QTextEdit",
    "QThreadPool",
    "QTimer",
    "QToolButton",
    "QUrl",
    "QVBoxLayout",
    "QWidget",
    "Qt",
    "QtMsgType",
    "Signal",
    "Slot",
    "camera_classes",
    "qInstallMessageHandler",
    "serial_port_class",
    "shiboken_delete",
    "shiboken_is_valid",
    "sound_effect_class",
]


def camera_classes() -> tuple[Any, Any, Any, Any]:
    """``QCamera, QMediaCaptureSession, QMediaDevices, QVideoSink``, imported on first use
    (the webcam is a fallback; QtMultimedia costs start-up time)."""
    from PySide6.QtMultimedia import QCamera, QMediaCaptureSession, QMediaDevices, QVideoSink

    return QCamera, QMediaCaptureSession, QMediaDevices, QVideoSink
