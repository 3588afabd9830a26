"""`python -m gongkai.checks [DIR]`: rewrite expectations/*.json from the format definition."""

import sys
from pathlib import Path

from gongkai.checks.suites import write_suites
from gongkai.resources import EXPECTATIONS

for written in write_suites(Path(sys.argv[1]) if len(sys.argv) > 1 else EXPECTATIONS):
    print(written)
