"""A long random run of the property tests (tests/test_fuzz.py), which CI runs derandomized.

CI runs 60 fixed examples per property so its result never depends on chance; this
script runs many more, with a fresh random seed each time, to find what those miss.
A failure prints hypothesis's minimal example and its seed (re-run it with the same
``--hypothesis-seed``).

    python benchmarks/fuzz.py [--examples 2000] [-k transcript]
"""

import argparse
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="examples per property (default 2000)")
    parser.add_argument("-k", default=None, help="only the properties whose name matches (pytest -k)")
    args = parser.parse_args(argv)
    env = dict(os.environ, CCTRACKER_FUZZ_EXAMPLES=str(args.examples), CCTRACKER_FUZZ_RANDOM="1")
    command = [sys.executable, "-m", "pytest", str(ROOT / "tests" / "test_fuzz.py"), "-q", "-p", "no:cacheprovider",
               "--hypothesis-show-statistics"]
    if args.k:
        command += ["-k", args.k]
    return subprocess.call(command, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
