"""Die with ``cctracker serve``: see ``collector.serve.lifeline`` (a no-op when run by hand)."""

from collector.serve.lifeline import die_with_parent

# At import, before the server binds: if serve is already gone, never take the port.
die_with_parent()
