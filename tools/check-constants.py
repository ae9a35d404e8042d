#!/usr/bin/env python3
"""Check the public header's constants against the committed baseline (lib/medbenefit.constants).

abidiff sees functions and types, not values: swapping two MB_AMT_* values or moving a flag bit
passes it, yet changes what a compiled integrator reads or sends. Every constant an integrator can
compile in (enumerators, MB_* macros with a value) is listed in the baseline with its value. The
compiler evaluates them, so an expression such as (1u << 3) counts by its value, not its spelling.

  check-constants.py --header include/medbenefit.h --baseline lib/medbenefit.constants
      exit 0: every baseline constant is present with its value, and every constant is listed
      exit 1: a constant was removed or changed its value, or a new one is not in the baseline
  check-constants.py --header include/medbenefit.h --baseline lib/medbenefit.constants --add
      add the header's new constants to the baseline; refused while any released value differs

Constants whose value is meant to move are exempt: the version macros (MB_VERSION_*), and
MB_AMT_COUNT_, which may grow (it is checked never to shrink).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ENUMERATOR = re.compile(r"^\s*(MB_[A-Z0-9_]+)\s*(?:=[^,}]*)?[,}]?\s*(?:/\*.*)?$")
MACRO = re.compile(r"^#define (MB_[A-Z0-9_]+) (.+)$")
EXEMPT = re.compile(r"^MB_VERSION_")
GROWS = {"MB_AMT_COUNT_"}


def constant_names(header):
    """Enumerators inside `typedef enum` blocks, and object-like MB_* macros that have a value
    (not a struct initialiser)."""
    names = []
    in_enum = False
    with open(header, encoding="utf-8") as f:
        for line in f:
            if re.match(r"^\s*typedef enum\b", line):
                in_enum = True
                continue
            if in_enum and line.lstrip().startswith("}"):
                in_enum = False
                continue
            if in_enum:
                m = ENUMERATOR.match(line)
                if m:
                    names.append(m.group(1))
                continue
            m = MACRO.match(line.rstrip())
            # a struct initialiser (MB_COLUMNS_INIT) is no value: its first field is checked
            # by abidiff, its size by the library
            if m and "(" not in m.group(1) and m.group(2).strip() and not m.group(2).startswith("{"):
                names.append(m.group(1))
    return [n for n in names if not EXEMPT.match(n) and n != "MB_EXTERN"]


def evaluate(header, names, cc):
    """Compile a program that prints each constant's value, as an integrator's compiler sees it."""
    with tempfile.TemporaryDirectory() as work:
        src = os.path.join(work, "constants.c")
        exe = os.path.join(work, "constants")
        with open(src, "w", encoding="utf-8") as f:
            f.write('#include <stdio.h>\n#include "%s"\nint main(void)\n{\n' % os.path.abspath(header))
            for n in names:
                f.write('    printf("%%s %%lld\\n", "%s", (long long)(%s));\n' % (n, n))
            f.write("    return 0;\n}\n")
        subprocess.run([cc, "-std=c11", "-Wall", "-Werror", "-o", exe, src], check=True)
        out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    values = {}
    for line in out.splitlines():
        name, value = line.split()
        values[name] = int(value)
    return values


def read_baseline(path):
    values = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 2:
                sys.exit("%s:%d: expected 'NAME VALUE'" % (path, number))
            values[parts[0]] = int(parts[1])
    return values


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--header", required=True)
    ap.add_argument("--baseline")
    ap.add_argument("--add", action="store_true", help="append new constants to the baseline")
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"))
    args = ap.parse_args()
    current = evaluate(args.header, constant_names(args.header), args.cc)

    baseline = read_baseline(args.baseline) if os.path.exists(args.baseline) else {}
    problems = []
    for name, value in baseline.items():
        if name not in current:
            problems.append("%s (released as %d) is gone from the header" % (name, value))
        elif name in GROWS and current[name] < value:
            problems.append("%s shrank from %d to %d" % (name, value, current[name]))
        elif name not in GROWS and current[name] != value:
            problems.append("%s was released as %d and is now %d" % (name, value, current[name]))
    added = [n for n in current if n not in baseline]
    for p in problems:
        print("constant changed: " + p)
    if args.add and not problems:
        new = not os.path.exists(args.baseline)
        with open(args.baseline, "a", encoding="utf-8") as f:
            if new:
                f.write("# The released value of every public constant of include/medbenefit.h, checked in CI\n"
                        "# by tools/check-constants.py. Values never change: add lines, never edit them.\n")
            for name in added:
                f.write("%s %d\n" % (name, current[name]))
        print("added %d constants to %s" % (len(added), args.baseline))
        return 0
    if added:
        problems.append("unlisted")
        print("constants not in the baseline (record them with --add): " + ", ".join(added))
    print("%d constants checked, %d changed, %d unlisted" % (len(baseline), len(problems) - bool(added), len(added)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
