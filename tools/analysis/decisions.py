#!/usr/bin/env python3
"""The decision tools moved into the package: tools/decisions.sh (or `python -m
reerisk.decisions`). This wrapper runs them from the source tree for old scripts."""
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
os.environ.setdefault("REERISK_SOURCE_DIR", os.path.abspath(ROOT))
sys.path.insert(0, os.path.join(ROOT, "python"))
from reerisk.decisions import main  # noqa: E402

if __name__ == "__main__":
    main()
