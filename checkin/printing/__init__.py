"""Badges and printing, Qt-free: layouts, the PDF renderer, sheets, back-ends and the queue."""
