"""The bundle's ``checkin-desk`` executable: the desk window, no console window."""

import sys

from checkin.cli import gui_main

if __name__ == "__main__":
    sys.exit(gui_main())
