"""The reception desk window (PySide6). The only part of checkin that imports Qt, always
through :mod:`checkin.ui.qt`; nothing is imported from Qt when this package is imported."""
