"""The bundle's ``checkin-desk`` executable: the desk window, no console window."""

import multiprocessing
import sys

from checkin.cli import gui_main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # an import's spawned workers re-enter the bundle here
    sys.exit(gui_main())
