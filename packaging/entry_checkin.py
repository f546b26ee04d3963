"""The bundle's ``checkin`` executable (console): the same command line as a pip install.

Nothing is imported before ``freeze_support()``: a spawned worker re-enters the bundle here
and needs none of the command line's libraries."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # an import's spawned workers re-enter the bundle here
    from checkin.__main__ import main

    sys.exit(main())
