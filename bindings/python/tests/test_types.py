"""The package's type hints hold: mypy (Debian's python3-mypy; tools/test-all.sh installs it)
checks every function is annotated and that the annotations agree with the code. Installed
packages (numpy, pandas, cffi, dask) are not analysed (--no-site-packages: their types are Any),
which keeps the check to a few seconds rather than half a minute."""
import os
import subprocess
import sys

import pytest

from conftest import BINDING

pytest.importorskip("mypy")


def test_the_package_type_checks(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--python-version", "3.11", "--ignore-missing-imports",
         "--disallow-untyped-defs", "--disallow-incomplete-defs", "--no-incremental", "--no-site-packages",
         "--cache-dir", str(tmp_path), "medbenefit"],
        cwd=BINDING, capture_output=True, text=True, env={**os.environ, "MYPYPATH": str(BINDING)})
    assert out.returncode == 0, out.stdout + out.stderr
