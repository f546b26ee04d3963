"""Where ``checkin`` and ``checkin-desk`` start (and ``python -m checkin``).

The command line is imported when it runs, not with this module: a spawned process (an
import's cleaning workers, the work the desk runs apart) first imports its parent's main
script again, and ``checkin.cli`` brings every command's libraries with it (reportlab,
openpyxl, escpos, yaml: 0.9 s of one core per process, before any row is read). Through
this module a spawned process imports only what its own work needs.
"""

import multiprocessing
import sys


def main() -> int:
    """``checkin``: the command line."""
    from checkin.cli import main as command_line

    return command_line()


def gui_main() -> int:
    """``checkin-desk``: the desk window without a console (see ``checkin.cli.gui_main``)."""
    from checkin.cli import gui_main as window

    return window()


if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen bundle's spawned processes start through here
    sys.exit(main())
