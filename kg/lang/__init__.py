"""Language data and language-specific text handling: one folder per language (``ar``)."""
