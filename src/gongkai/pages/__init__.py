"""What a page says: the report's parts, tables, comparison, charts, provenance, county summary, index."""
