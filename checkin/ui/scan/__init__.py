"""Reading a code and answering it: the answer page, the scanner burst filter, the scanner
check dialog, the serial and webcam readers, the answer's colours, the sounds, and the scan
flow that ties them to the window.

May import the shared frame (``checkin.ui.qt``, ``tasks``, ``widgets``, ``session``) and the
layers below the ui; not another feature folder.
"""
