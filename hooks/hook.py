"""The command Claude Code runs for every hook event: stdin → spool, exit 0.

Installed as ``"<python>" -I -S "<repo>/hooks/hook.py"``: no site-packages
scan, no ``.pth`` files. Kept tiny because a script is compiled on every run;
the work is in ``cctracker_client.run_hook`` (a cached ``.pyc``).
"""

import sys


def main():
    """Entry point (also the ``cctracker-hook`` console script). Returns 0."""
    try:
        import cctracker_client

        return cctracker_client.run_hook()
    except BaseException:  # noqa: BLE001 - a hook must never fail or print
        return 0


if __name__ == "__main__":
    # -I leaves the script's folder off sys.path; find the repo without os.path.
    parts = __file__.replace("\\", "/").rsplit("/", 2)
    sys.path.insert(0, parts[0] if len(parts) == 3 and parts[0] else ".")
    main()
    # The event is on disk and nothing is buffered: skip interpreter teardown
    # (~1.4 ms, more than the rest of the hook's own work).
    try:
        import posix

        posix._exit(0)
    except ImportError:
        pass
