"""pretix as a peer: its REST API (``api``), the event's positions pulled into the replica
through the importer (``pull``), the desk's admissions sent back (``push``, and in the
background at each live exchange: ``live``), the link's notes in a replica or the hub
(``link``, ``notes``).

Imports ``checkin.importer``, ``checkin.replica``, ``checkin.event`` and ``checkin.base``;
not ``checkin.printing`` nor ``checkin.sync`` (its siblings), never Qt.
"""
