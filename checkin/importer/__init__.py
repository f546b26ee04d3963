"""Importing registration exports, the programme and the B2B grid into a replica."""

from checkin.importer.apply import ImportSummary, import_file

__all__ = ["ImportSummary", "import_file"]
