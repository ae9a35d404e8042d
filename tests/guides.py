#!/usr/bin/env python3
"""Every example of the integration guides, compiled and run; the two languages kept identical.

Usage: guides.py [options] GUIDE...    (GUIDE is docs/guide-his: GUIDE.md and GUIDE.zh.md)

  --lib DIR --include DIR   the built library and its header: a medbenefit.pc for them is
                            written, so the guides' pkg-config commands find the build
  --pkg-config-path DIR     instead, an installed medbenefit.pc (tools/check-install.sh)
  --rulesets DIR            MEDBENEFIT_RULESETS for the examples (absent: the installed ones)
  --cc 'CC ARGS'            the C compiler the guides' `cc` runs (default: cc)
  --cflags 'FLAGS'          added to it, e.g. -fsanitize=address,undefined for that build
  --skip-needs              skip the runs that need another language's tools (C#, Delphi):
                            the sanitizer build, whose library only an instrumented program loads

A guide marks each fenced block with the HTML comment on the line before it:

  <!-- file: NAME -->        the block is the file NAME of the example
  <!-- run -->               the block is run with `sh -eu` in the example's directory
  <!-- run: needs TOOL... -->  the same, when each TOOL is installed
  <!-- output -->            the block is what the run before it prints on standard output

A block without a mark is an error: every example is run. The files are written first, then
the runs go in order, each in the same directory; a run must exit 0, and a run without an
output block must print nothing. The Chinese guide's blocks must be the English guide's, byte
for byte and in the same order (the prose around them is translated; the examples are one).

The guides' own commands are run as written: `cc` and the other compilers are wrappers that
add warnings as errors (-Wall -Wextra -Wpedantic -Werror, mcs -warnaserror+, fpc -Sew);
LD_LIBRARY_PATH is unset, so a program finds the library the way the guide says it does.
A run whose tools are missing is skipped with a note, unless MB_GUIDES_REQUIRE_TOOLS=1
(tools/test-all.sh), which makes it a failure. Prints "N passed, N failed".
"""
import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

MARK = re.compile(r"^<!-- (file: (?P<file>[A-Za-z0-9._-]+)|run(: needs (?P<needs>[a-z0-9 ._-]+))?|output) -->$")
FENCE = re.compile(r"^```")

passed = failed = 0


def check(cond, what, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)
        if detail:
            print(detail.rstrip("\n"))


def blocks(path):
    """The marked blocks of a guide, in order: (kind, argument, text, line)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    found, errors = [], []
    i = 0
    while i < len(lines):
        if not FENCE.match(lines[i]):
            i += 1
            continue
        start = i
        j = i + 1
        while j < len(lines) and lines[j] != "```":
            j += 1
        if j == len(lines):
            errors.append("%s:%d: a code block that does not end" % (path, start + 1))
            break
        k = start - 1
        while k >= 0 and lines[k].strip() == "":
            k -= 1
        m = MARK.match(lines[k]) if k >= 0 else None
        text = "\n".join(lines[start + 1:j]) + "\n"
        if m is None:
            errors.append("%s:%d: a code block without <!-- file: NAME -->, <!-- run --> or "
                          "<!-- output -->: every example is run" % (path, start + 1))
        elif m.group("file"):
            found.append(("file", m.group("file"), text, start + 1))
        elif m.group(0).startswith("<!-- run"):
            found.append(("run", (m.group("needs") or "").split(), text, start + 1))
        else:
            found.append(("output", None, text, start + 1))
        i = j + 1
    return found, errors


def wrapper(bindir, name, real, flags):
    path = os.path.join(bindir, name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\nexec %s %s \"$@\"\n" % (real, flags))
    os.chmod(path, 0o755)


def environment(args, scratch):
    env = dict(os.environ)
    env.pop("LD_LIBRARY_PATH", None)
    bindir = os.path.join(scratch, "bin")
    os.makedirs(bindir)
    # the real compiler, found before the wrappers go first on PATH (a wrapper named cc that
    # ran "cc" would run itself)
    compiler = args.cc.split()
    compiler[0] = shutil.which(compiler[0]) or compiler[0]
    wrapper(bindir, "cc", " ".join(compiler),
            "-std=c11 -Wall -Wextra -Wpedantic -Werror " + args.cflags)
    for tool, flags in (("mcs", "-warnaserror+"), ("fpc", "-Sew")):
        real = shutil.which(tool)
        if real:
            wrapper(bindir, tool, real, flags)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    if args.pkg_config_path:
        env["PKG_CONFIG_PATH"] = args.pkg_config_path
    else:
        pcdir = os.path.join(scratch, "pkgconfig")
        os.makedirs(pcdir)
        with open(os.path.join(pcdir, "medbenefit.pc"), "w") as f:
            f.write("libdir=%s\nincludedir=%s\n\nName: medbenefit\n"
                    "Description: libmedbenefit as built, for tests/guides.py\nVersion: 0\n"
                    "Libs: -L${libdir} -lmedbenefit\nCflags: -I${includedir}\n"
                    % (os.path.abspath(args.lib), os.path.abspath(args.include)))
        env["PKG_CONFIG_PATH"] = pcdir
    if args.rulesets:
        env["MEDBENEFIT_RULESETS"] = os.path.abspath(args.rulesets)
    else:
        env.pop("MEDBENEFIT_RULESETS", None)
    return env


def run_guide(guide, args):
    en, zh = guide + ".md", guide + ".zh.md"
    ours, errors = blocks(en)
    theirs, zh_errors = blocks(zh)
    for e in errors + zh_errors:
        check(False, e)
    same = [b[:3] for b in ours] == [b[:3] for b in theirs]
    detail = ""
    if not same:
        for a, b in zip(ours + [None] * len(theirs), theirs + [None] * len(ours)):
            if a is None or b is None or a[:3] != b[:3]:
                detail = "  %s: %s\n  %s: %s" % (en, a and "line %d, %s" % (a[3], a[0]) or "ends",
                                                  zh, b and "line %d, %s" % (b[3], b[0]) or "ends")
                break
    check(same and len(ours) > 0, "%s and %s hold the same examples" % (en, zh), detail)

    scratch = tempfile.mkdtemp(prefix="mb-guide.")
    try:
        env = environment(args, scratch)
        work = os.path.join(scratch, "example")
        os.makedirs(work)
        require = os.environ.get("MB_GUIDES_REQUIRE_TOOLS") == "1"
        files = set()
        for kind, arg, text, line in ours:  # the example's files first, as a reader has them
            if kind == "file":
                check(arg not in files, "%s:%d: the file %s is given once" % (en, line, arg))
                files.add(arg)
                with open(os.path.join(work, arg), "w", encoding="utf-8") as f:
                    f.write(text)
        for n, (kind, arg, text, line) in enumerate(ours):
            where = "%s:%d" % (en, line)
            if kind == "file":
                continue
            if kind == "output":
                check(n > 0 and ours[n - 1][0] == "run", "%s: an output block follows a run" % where)
                continue
            missing = [t for t in arg if shutil.which(t, path=env["PATH"]) is None]
            skipping = bool(arg) and (args.skip_needs or bool(missing and not require))
            if skipping:
                why = "this build" if args.skip_needs else ", ".join(missing) + " not installed"
                print("SKIP: %s: a run that needs %s (%s)" % (where, " ".join(arg), why))
                continue
            check(not missing, "%s: the run needs %s, not installed" % (where, " ".join(missing)))
            if missing:
                continue
            try:
                p = subprocess.run(["sh", "-eu", "-c", text], cwd=work, env=env,
                                   capture_output=True, timeout=300)
                out, err, rc = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), p.returncode
            except subprocess.TimeoutExpired:
                out, err, rc = "", "timed out after 300 s", -1
            check(rc == 0, "%s: the run exits 0 (exit %d)" % (where, rc), out + err)
            want = ours[n + 1][2] if n + 1 < len(ours) and ours[n + 1][0] == "output" else ""
            diff = "".join(difflib.unified_diff(want.splitlines(True), out.splitlines(True),
                                                "the guide's output", "the run's output"))
            check(out == want, "%s: the run prints %s" % (where, "the output block after it"
                                                           if want else "nothing"), diff + err)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib")
    ap.add_argument("--include")
    ap.add_argument("--pkg-config-path")
    ap.add_argument("--rulesets")
    ap.add_argument("--cc", default="cc")
    ap.add_argument("--cflags", default="")
    ap.add_argument("--skip-needs", action="store_true")
    ap.add_argument("guides", nargs="+")
    args = ap.parse_args()
    if not args.pkg_config_path and not (args.lib and args.include):
        ap.error("give --lib and --include, or --pkg-config-path")
    for guide in args.guides:
        run_guide(guide, args)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
