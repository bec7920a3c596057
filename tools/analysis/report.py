#!/usr/bin/env python3
"""The report moved into the package: `reerisk report OUT.h5 -o DIR` (or
`python -m reerisk.report`). This wrapper runs it from the source tree for old scripts."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from reerisk.report import main  # noqa: E402

if __name__ == "__main__":
    main()
