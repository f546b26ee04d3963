"""``python -m checkin.cli``: the command line, as the ``checkin`` script runs it."""

import multiprocessing
import sys

from checkin.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # worker processes of a frozen bundle start through here
    sys.exit(main())
