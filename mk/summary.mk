# Summaries: the integration tests read the PDFs back with poppler (pdftotext, pdftoppm).
TEST_PACKAGES += poppler-utils
