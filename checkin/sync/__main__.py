"""``python -m checkin.sync``: the sync commands on their own."""

import sys

from checkin.sync.commands import main

sys.exit(main())
