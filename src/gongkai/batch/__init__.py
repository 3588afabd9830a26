"""Making many reports: the plan (what is current), executors, the manifest, county summaries and the index."""
