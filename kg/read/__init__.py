"""The read side: a built graph in a store (store, with uploads to other stores), SPARQL
text, parameters and results (sparql), and the read-only endpoint (serve)."""
