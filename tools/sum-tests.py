#!/usr/bin/env python3
"""Sum every suite's "N passed, N failed" from meson's testlog.json files (and extra text).

A test that prints no such line counts as one check, passed or failed by its exit status.
"""
import json
import re
import sys

LINE = re.compile(r"^(\d+) passed, (\d+) failed\s*$", re.M)


def main(argv):
    passed = failed = 0
    extra = ""
    paths = []
    i = 0
    while i < len(argv):
        if argv[i] == "--extra":
            extra = argv[i + 1]
            i += 2
        else:
            paths.append(argv[i])
            i += 1
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                for raw in f:
                    t = json.loads(raw)
                    found = LINE.findall(t.get("stdout", "") or "")
                    if found:
                        p, fl = found[-1]
                        passed += int(p)
                        failed += int(fl)
                        if t.get("result") not in ("OK", "EXPECTEDFAIL") and int(fl) == 0:
                            failed += 1  # crashed or timed out after printing its summary
                    elif t.get("result") in ("OK", "EXPECTEDFAIL", "SKIP"):
                        passed += 1
                    else:
                        failed += 1
        except OSError:
            failed += 1
    for p, fl in LINE.findall(extra):
        passed += int(p)
        failed += int(fl)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
