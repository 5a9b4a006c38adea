"""Certificates anyone can verify: issuing (services), the PDF (pdf), the
public check of a code (selectors, limits). See docs/documents.md."""
