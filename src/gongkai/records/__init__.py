"""One township-year: the record, its strict YAML, where records live (catalog) and parameter sets."""
