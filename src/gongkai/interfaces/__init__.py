"""Interfaces over production: the live preview and the audit of published reports (beside `gongkai.cli`)."""
