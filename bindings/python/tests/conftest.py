"""Shared fixtures: where the repository, its rulesets and the C program are.

The library comes from $MEDBENEFIT_LIBRARY (run-tests.sh sets it to build/libmedbenefit.so.1);
the C program used as the reference is $MEDBENEFIT_CLI, else tools/medbenefit next to the
library (the build tree), else `medbenefit` on PATH.
"""
import os
import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
BINDING = HERE.parent
REPO = BINDING.parent.parent
RULESETS = REPO / "rulesets"
SHARED = REPO.parent / "shared"

sys.path.insert(0, str(BINDING))
if "MEDBENEFIT_LIBRARY" not in os.environ and (REPO / "build" / "libmedbenefit.so.1").exists():
    os.environ["MEDBENEFIT_LIBRARY"] = str(REPO / "build" / "libmedbenefit.so.1")


def conformance_files():
    """Every scenario file the C suite runs: tests/conformance/*.yaml, ../shared/conformance/."""
    files = sorted((REPO / "tests" / "conformance").glob("*.yaml"))
    files += sorted((SHARED / "conformance").glob("*.yaml"))
    return files


def find_cli():
    env = os.environ.get("MEDBENEFIT_CLI")
    if env:
        return env
    lib = os.environ.get("MEDBENEFIT_LIBRARY", "")
    libdir = lib if os.path.isdir(lib) else os.path.dirname(lib)
    candidate = os.path.join(libdir, "tools", "medbenefit") if libdir else ""
    if candidate and os.access(candidate, os.X_OK):
        return candidate
    return shutil.which("medbenefit")


@pytest.fixture(scope="session")
def rulesets_dir():
    return str(RULESETS)


@pytest.fixture(scope="session")
def cli():
    path = find_cli()
    if path is None:
        pytest.skip("the C program medbenefit was not found (set MEDBENEFIT_CLI)")
    return path


@pytest.fixture(scope="session")
def wuxi(rulesets_dir):
    import medbenefit as mb
    with mb.Ruleset.from_id("wuxi-employee-chronic-2021", dirs=[rulesets_dir]) as rs:
        yield rs


@pytest.fixture(scope="session")
def wuxi_assistance(rulesets_dir):
    import medbenefit as mb
    with mb.Ruleset.from_id("wuxi-medical-assistance-2023", dirs=[rulesets_dir]) as rs:
        yield rs


@pytest.fixture(scope="session")
def changzhou(rulesets_dir):
    import medbenefit as mb
    with mb.Ruleset.from_id("changzhou-employee-outpatient-2023", dirs=[rulesets_dir]) as rs:
        yield rs
