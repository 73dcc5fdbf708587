"""Domain errors, turned into HTTP 400/404 or a CLI message only at the edges."""


class CCTrackerError(Exception):
    """Base class: its message is shown to the user as is."""


class InvalidInput(CCTrackerError):
    """Client input that cannot be used; ``field`` names what was wrong."""

    def __init__(self, field, message):
        super().__init__("%s: %s" % (field, message))
        self.field = field
        self.message = message


class NotFound(CCTrackerError):
    def __init__(self, what, key):
        super().__init__("%s %s not found" % (what, key))
        self.what = what
        self.key = key
