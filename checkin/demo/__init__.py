"""The demonstration: a synthetic event and its attendees (``synthetic``, also used by the
benchmarks) and the sample confirmation e-mails (``mail``).

Imports the layers below it (``reports``, ``printing``, ``sync``, ``arrivals``, ``importer``,
``replica``, ``event``, ``base``); never Qt, never ``preflight``, ``rehearsal``, ``ui``,
``devtools`` or ``cli``.
"""
