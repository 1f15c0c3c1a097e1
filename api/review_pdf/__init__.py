"""GET /exports/performance-reviews/{id}.pdf: a performance review as the handout a manager
gives an agent in a 1:1 (SPEC §7), rendered from the review's frozen evidence.

Library: ReportLab (reportlab.platypus for the flowing document, reportlab.graphics for the
trend chart). It is a pure-Python wheel that needs no system libraries, so the slim Docker
image and every developer machine render the same PDF; it draws charts itself, so no
matplotlib; its text is real PDF text (searchable, `pdftotext` reads it). WeasyPrint would
need Pango and its fonts installed on every machine.
"""
