"""The database: connections (apsw, WAL, schema on open) and the rollup recompute."""
