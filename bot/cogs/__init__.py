"""Feature cogs: one per feature (ask, browse, ingest, admin, the "Find sources" menu)."""
