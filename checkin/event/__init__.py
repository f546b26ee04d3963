"""The event a run serves: its configuration read from the event's TOML file (``model``:
days, categories, ticket types, the venue's time zone) and which day a run serves (``days``).

Imports ``checkin.base`` only.
"""
