"""The benchmarks behind ``checkin bench``, ``bench-badges``, ``bench-tickets``,
``bench-sync`` and ``bench-desk``: each measures one part on a synthetic event and returns
its figures.

Part of ``checkin.devtools``: may import every layer but ``cli``; ``desk`` reaches Qt through
``checkin.ui`` alone.
"""
