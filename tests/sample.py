"""Where the tests find the sample registration export: the copy inside the repository.

The one constant every test and fixture reads, so that a clone alone runs its tests.
"""

from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent / "data" / "aict2026"
