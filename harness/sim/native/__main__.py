"""`python -m harness.sim.native [DEST]`: build every sim native library (used by `make simlib`)."""

import sys
from pathlib import Path

from harness.sim.native import PACKAGED, build_all

for p in build_all(Path(sys.argv[1] if len(sys.argv) > 1 else PACKAGED)):
    print(p)
