"""The REST API (Falcon)."""
