"""Sessions out of the tracker: JSON/NDJSON/CSV rows, Markdown/HTML, and the reading timeline."""
