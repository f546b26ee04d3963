"""The bundle's ``checkin`` executable (console): the same command line as a pip install."""

import multiprocessing
import sys

from checkin.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # an import's spawned workers re-enter the bundle here
    sys.exit(main())
