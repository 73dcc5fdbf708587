"""cctracker's collector: drain, store, analyse and serve what the hooks captured."""
