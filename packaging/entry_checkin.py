"""The bundle's ``checkin`` executable (console): the same command line as a pip install."""

import sys

from checkin.cli import main

if __name__ == "__main__":
    sys.exit(main())
