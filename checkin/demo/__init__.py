"""The demonstration: a synthetic event and its attendees (``synthetic``, also used by the
benchmarks), the sample confirmation e-mails (``mail``) and the key of the demo's files
where there is no keyring (``secret``).

Imports the layers below it (``reports``, ``printing``, ``sync``, ``arrivals``, ``importer``,
``replica``, ``event``, ``base``); never Qt, never ``preflight``, ``rehearsal``, ``ui``,
``devtools`` or ``cli``.
"""
