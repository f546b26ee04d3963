"""Tools for the developers: the benchmarks (``bench``), the fault campaign (``faults``)
and the window's screenshots (``screenshots``).

May import every layer but ``cli``. Qt only through ``checkin.ui`` (``screenshots`` and
``bench.desk`` draw and time the window), inside their functions.
"""
