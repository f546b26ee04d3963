"""Importing registration exports, the programme and the B2B grid into a replica.

Inside, from the bottom: ``platforms`` (each ticketing platform's layout), ``sources`` (a
file as a header and rows), ``mapping`` and ``records`` (a row's cells as a registration),
``saved`` (staff's column and ticket-type choices), ``summary`` (what an import did),
``grid`` (the programme and the B2B grid, and which kind a file is), ``opened`` (an export
opened once: table, kind, mapping), ``workers`` (rows cleaned in spawned worker
processes, one per core), ``apply`` (registrations written in short steps),
``dispatch`` (``import_file``: the one way in), ``preview`` and ``report`` (the dry run as
the window and the command line show it). May import ``checkin.base``, ``checkin.event``
and ``checkin.replica``, never Qt.
"""

from checkin.importer.dispatch import import_file
from checkin.importer.summary import ImportSummary

__all__ = ["ImportSummary", "import_file"]
