"""The bundle's ``checkin-desk`` executable: the desk window, no console window.

Nothing is imported before ``freeze_support()``: a spawned worker re-enters the bundle here
and needs none of the desk's libraries."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # an import's spawned workers re-enter the bundle here
    from checkin.__main__ import gui_main

    sys.exit(gui_main())
