"""Text utilities for Arabic news: folding, number words, date expressions.

Pure standard-library functions shared by the gazetteer matcher and the
extractors; nothing here knows about spaCy or RDF.
"""
