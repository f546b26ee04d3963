"""What every layer stands on: folders (``paths``), desk settings, translations (``i18n``),
logging, the known-error type (``errors``), text folding and names (``text``), scanned codes
and keyboard-layout repair (``codes``), the lead's PIN (``pin``).

The bottom layer: imports nothing from ``checkin`` outside ``checkin.base`` (the import
contracts in ``pyproject.toml`` hold it).
"""
