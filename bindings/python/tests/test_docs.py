"""The examples in the package docstring and in README.md run and print what they say."""
import contextlib
import doctest
import io
import os
import re

import medbenefit

from conftest import BINDING, REPO


@contextlib.contextmanager
def in_repo():
    old = os.getcwd()
    os.chdir(REPO)          # the examples name dirs=["rulesets"]
    try:
        yield
    finally:
        os.chdir(old)


def test_package_docstring():
    with in_repo():
        result = doctest.testmod(medbenefit, verbose=False)
    assert result.attempted > 0 and result.failed == 0


def test_readme_example():
    text = (BINDING / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    assert len(code.strip().splitlines()) <= 11
    out = io.StringIO()
    with in_repo(), contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    lines = out.getvalue().splitlines()
    assert lines[0] == "490.00 710.00"
    assert lines[1].startswith("起付线 锡医保服务〔2020〕41号 三")
