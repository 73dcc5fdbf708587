"""The one owner of times: stored UTC text (``utc``) and the user's local days (``local``)."""
