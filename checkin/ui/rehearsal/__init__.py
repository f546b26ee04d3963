"""The rehearsal desk: the real window, offscreen, driven by ``checkin.rehearsal.run`` as
``python -m checkin.ui.rehearsal.desk``.

May import the whole of ``checkin.ui`` (it starts the application) and the layers below.
"""
