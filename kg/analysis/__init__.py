"""The read side's analyses of a built graph: networkx views (``views``), chains of
who attacked what and what answered it (``chains``), pictures and pages (``viz``),
and accuracy against a gold file (``evaluation``)."""
