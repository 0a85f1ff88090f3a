# Summaries: the integration tests read the PDFs back with poppler (pdftotext, pdftoppm).
SYSTEM_PACKAGES += poppler-utils
