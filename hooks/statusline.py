"""The command Claude Code runs for its ``statusLine``: record the payload, print one line.

Installed by ``cctracker install --statusline`` as
``"<python>" -I -S "<repo>/hooks/statusline.py" --cctracker-statusline``.
Tiny for the same reason as ``hook.py`` (a script is compiled on every run);
the work is in ``cctracker_client.statusline`` (a cached ``.pyc``).
"""

import sys


def main():
    """Entry point; always returns 0 (a failing status line goes blank)."""
    try:
        from cctracker_client import statusline

        return statusline.main()
    except BaseException:  # noqa: BLE001
        return 0


if __name__ == "__main__":
    # -I leaves the script's folder off sys.path; find the repo without os.path.
    parts = __file__.replace("\\", "/").rsplit("/", 2)
    sys.path.insert(0, parts[0] if len(parts) == 3 and parts[0] else ".")
    main()
    try:
        sys.stdout.flush()
        import posix

        posix._exit(0)  # the line is written and the event is on disk: skip teardown
    except ImportError:
        pass
