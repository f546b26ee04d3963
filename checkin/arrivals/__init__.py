"""Arrivals at the desk: the scan decision (``scan``), the search by name (``search``),
the scanner check (``scanner_check``) and the paper fallback list typed in afterwards
(``paper``).

Imports ``checkin.replica``, ``checkin.event`` and ``checkin.base``; not the importer (its
sibling) nor anything above.
"""
