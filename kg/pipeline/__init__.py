"""The build, in the order data flows: corpus → nlp → extract → merge → rdf → dumps and
tables, written as one generation of the output folder (outputs), with the per-article
cache (cache) and the build driver (build)."""
