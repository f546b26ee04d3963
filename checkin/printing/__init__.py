"""Badges and slips on paper, Qt-free: badge layouts as data (``layout``) drawn by one renderer
(``badge``, fonts chosen per script by ``fonts`` and ``shaping``), sheets of badges
(``sheets``), the print queue that survives a jammed printer (``queue``), the back-ends it
hands jobs to (``backends``: a folder of PDFs, CUPS, Qt's printers through the ui), every
call to CUPS's tools (``cups``), one error hierarchy (``errors``), the scanner test page
(``scanner_page``) and ESC/POS thermal slips (``escpos/``).

Imports ``checkin.arrivals`` (the scanner check's test texts), ``checkin.replica``,
``checkin.event`` and ``checkin.base``; not ``checkin.sync`` (its sibling), never Qt.
"""
