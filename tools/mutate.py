#!/usr/bin/env python3
"""Mutation testing of the settlement code: how much of it the tests would notice changing.

Each mutant is one small change to one line of lib/ (a comparison made strict or loose, == for
!=, && for ||, + for -, true for false). The library is rebuilt with it in a git worktree of
HEAD (never this checkout) and the fast suites run; a mutant the tests fail is killed, one they
pass survived: either the change is equivalent (it cannot change an answer) or no test looks
at what it changed. A mutant that does not compile is stillborn and not counted.

    python3 tools/mutate.py                                  # the money path, every site
    python3 tools/mutate.py --files lib/deductible.c --limit 40 --seed 3
    python3 tools/mutate.py --list                           # the sites, nothing built
    python3 tools/mutate.py --files lib/criteria.c --sanitize   # under ASan and UBSan

Prints one line per survivor (file:line, the change, the line) and per file the killed,
survived and stillborn counts; --json FILE writes them all. It takes minutes (a rebuild and
about six seconds of tests a mutant), so it is a tool to run by hand, not a CI step.
"""
import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The code that decides amounts, dates and reasons: where an unnoticed change is a wrong answer.
DEFAULT_FILES = [
    "lib/settle.c", "lib/layer.c", "lib/deductible.c", "lib/topup.c", "lib/catalogue.c",
    "lib/money.c", "lib/pending.c", "lib/view.c", "lib/criteria.c", "lib/date.c",
    "lib/reverse.c", "lib/accumulators.c",
]

# Suites that settle: everything but the allocation-failure and slow ones, which test what
# happens when memory runs out or what a report looks like, not what a claim settles to. The
# thread suites and bench-smoke (0.02 to 0.2 s) run: bench-smoke killed a mutant of the
# columnar batch's thread share that the others let through.
SKIP_TESTS = {"oom", "oom_malloc", "oom_platform", "platform_faults", "alloc", "compare-report",
              "compare-rate-smoke", "java-abi", "guides"}

# (name, pattern, replacement): each match of a pattern in a line's code is one mutant.
OPERATORS = [
    ("<= to <", r"(?<![<>=!])<=(?!=)", "<"),
    ("< to <=", r"(?<![<>-])<(?![<=])", "<="),
    (">= to >", r"(?<![<>=!-])>=(?!=)", ">"),
    ("> to >=", r"(?<![<>-])>(?![>=])", ">="),
    ("== to !=", r"==", "!="),
    ("!= to ==", r"!=", "=="),
    ("&& to ||", r"&&", "||"),
    ("|| to &&", r"\|\|", "&&"),
    ("+ to -", r"(?<=[\w)\]] )\+(?= [\w(])", "-"),
    ("- to +", r"(?<=[\w)\]] )-(?= [\w(])", "+"),
    ("true to false", r"\btrue\b", "false"),
    ("false to true", r"\bfalse\b", "true"),
]


def code_mask(line, in_comment):
    """The line with comments and string and character literals blanked (same length), and
    whether a block comment is still open at its end."""
    out, i, n = [], 0, len(line)
    while i < n:
        if in_comment:
            j = line.find("*/", i)
            if j < 0:
                out.append(" " * (n - i))
                return "".join(out), True
            out.append(" " * (j + 2 - i))
            i, in_comment = j + 2, False
        elif line.startswith("/*", i):
            in_comment = True
        elif line.startswith("//", i):
            out.append(" " * (n - i))
            break
        elif line[i] in "\"'":
            q, j = line[i], i + 1
            while j < n and line[j] != q:
                j += 2 if line[j] == "\\" else 1
            out.append(" " * (min(j + 1, n) - i))
            i = j + 1
        else:
            out.append(line[i])
            i += 1
    return "".join(out), in_comment


def sites(root, path):
    """Every (line number, operator, column, replacement) of a file under `root`."""
    found, in_comment = [], False
    with open(os.path.join(root, path), encoding="utf-8") as f:
        lines = f.read().split("\n")
    for no, line in enumerate(lines, 1):
        code, in_comment = code_mask(line, in_comment)
        stripped = code.strip()
        if not stripped or stripped.startswith("#") or "mb_fail(" in code:
            continue  # preprocessor lines; the messages of errors (their texts, not amounts)
        for name, pattern, repl in OPERATORS:
            for m in re.finditer(pattern, code):
                found.append({"file": path, "line": no, "op": name, "col": m.start(),
                              "len": m.end() - m.start(), "repl": repl,
                              "text": line.strip()})
    return found, lines


def run(cmd, cwd, timeout):
    """Exit status and output; None on timeout, when the command and every process it started
    (a test looping forever) are killed."""
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
        return p.returncode, out.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGTERM)  # meson stops the tests it started
        try:
            p.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
        return None, "timeout"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", nargs="+", default=DEFAULT_FILES)
    ap.add_argument("--limit", type=int, default=0, help="at most N mutants, a random sample")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--not-in", action="append", default=[], metavar="SEED:LIMIT",
                    help="leave out the sites an earlier sample of the same files took "
                         "(--seed SEED --limit LIMIT), as they fall on today's lines: a new "
                         "sample of the sites not yet mutated")
    ap.add_argument("--skip", action="append", default=[], metavar="JSON",
                    help="leave out the mutants of an earlier run's --json (or of a JSON list "
                         "of sites), matched by file, operator, column and line text, wherever "
                         "the line has moved since")
    ap.add_argument("--op", action="append", help="only these operators (by name)")
    ap.add_argument("--list", action="store_true", help="print the sites and stop")
    ap.add_argument("--json", help="write every mutant's outcome here")
    ap.add_argument("--sanitize", action="store_true",
                    help="build with AddressSanitizer and UBSan: a mutant that only reads or "
                         "writes out of bounds (a growth check, an index) is killed too; about "
                         "three times slower")
    ap.add_argument("--timeout", type=int, default=0,
                    help="seconds for a mutant's tests (default: five times the unmutated run's, "
                         "at least 60): a mutant that loops forever is killed by it")
    args = ap.parse_args()

    def key(x):  # a site of this tree
        return (x["file"], x["line"], x["col"], x["op"])

    def moved_key(x):  # the same site wherever its line has moved
        return (x["file"], x["op"], x["col"], x["text"])

    def pick(root):
        chosen, texts = [], {}
        for path in args.files:
            s, texts[path] = sites(root, path)
            chosen += [x for x in s if not args.op or x["op"] in args.op]
        taken = set()
        for earlier in args.not_in:
            seed, limit = (int(v) for v in earlier.split(":"))
            if len(chosen) > limit:
                taken |= {key(x) for x in random.Random(seed).sample(chosen, limit)}
            else:
                taken |= {key(x) for x in chosen}
        chosen = [x for x in chosen if key(x) not in taken]
        for path in args.skip:
            with open(path, encoding="utf-8") as f:
                earlier = json.load(f)
            earlier = earlier["mutants"] if isinstance(earlier, dict) else earlier
            seen = {moved_key(x) for x in earlier}
            chosen = [x for x in chosen if moved_key(x) not in seen]
        if args.limit and len(chosen) > args.limit:
            chosen = sorted(random.Random(args.seed).sample(chosen, args.limit),
                            key=lambda x: (x["file"], x["line"], x["col"]))
        return chosen, texts

    if args.list:
        all_sites, _ = pick(ROOT)
        for x in all_sites:
            print(f'{x["file"]}:{x["line"]}: {x["op"]}: {x["text"]}')
        print(f"{len(all_sites)} mutants")
        return 0

    work = tempfile.mkdtemp(prefix="mutate-")
    tree, build = os.path.join(work, "tree"), os.path.join(work, "build")
    subprocess.run(["git", "worktree", "add", "--detach", "-q", tree, "HEAD"], cwd=ROOT,
                   check=True)
    try:
        all_sites, texts = pick(tree)  # HEAD's lines, whatever this checkout has uncommitted
        setup = ["meson", "setup", build, "-Dwerror=false"]
        if args.sanitize:  # as tools/test-all.sh builds build-asan: any report fails a test
            setup += ["-Db_sanitize=address,undefined", "-Db_lundef=false"]
            os.environ["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=1"
            os.environ["UBSAN_OPTIONS"] = "halt_on_error=1:print_stacktrace=1"
        rc, out = run(setup, tree, 600)
        if rc != 0:
            sys.exit("meson setup failed:\n" + out)
        rc, out = run(["ninja", "-C", build], tree, 1200)
        if rc != 0:
            sys.exit("the unmutated build failed:\n" + out)
        rc, out = run(["meson", "test", "-C", build, "--list"], tree, 120)
        tests = [t.split(" / ")[-1] for t in out.split("\n") if " / " in t]
        tests = [t for t in tests if t not in SKIP_TESTS]
        # a test's own timeout (300 s in tests/meson.build) cut to 30 s: a mutant that loops
        # forever is killed by meson, each such test failing
        test_cmd = ["meson", "test", "-C", build, "--no-rebuild", "-q", "--timeout-multiplier",
                    "0.1", "--num-processes", str(os.cpu_count() or 2)] + tests
        clean_started = time.time()
        rc, out = run(test_cmd, tree, 1200)
        if rc != 0:
            sys.exit("the unmutated tests fail, so no mutant can be judged:\n" + out[-3000:])
        timeout = args.timeout or max(60, int(5 * (time.time() - clean_started)))

        counts, outcomes, started = {}, [], time.time()
        for k, x in enumerate(all_sites, 1):
            path = os.path.join(tree, x["file"])
            lines = list(texts[x["file"]])
            line = lines[x["line"] - 1]
            lines[x["line"] - 1] = line[:x["col"]] + x["repl"] + line[x["col"] + x["len"]:]
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(lines))
            try:
                rc, out = run(["ninja", "-C", build], tree, 600)
                if rc != 0:
                    outcome = "stillborn"
                else:
                    rc, out = run(test_cmd, tree, timeout)  # None: timed out, killed too
                    outcome = "survived" if rc == 0 else "killed"
            finally:
                with open(path, "w", encoding="utf-8") as f:
                    f.write("\n".join(texts[x["file"]]))
            if outcome == "stillborn":
                # a mutant that does not compile, or a machine that no longer builds anything
                # (a full disk): only the unmutated tree building again says which
                rc, out = run(["ninja", "-C", build], tree, 600)
                if rc != 0:
                    sys.exit(f"after mutant {k}, the unmutated tree no longer builds, so no "
                             f"mutant can be judged:\n{out[-2000:]}")
            c = counts.setdefault(x["file"], {"killed": 0, "survived": 0, "stillborn": 0})
            c[outcome] += 1
            outcomes.append(dict(x, outcome=outcome))
            if outcome == "survived":
                print(f'survived {x["file"]}:{x["line"]}: {x["op"]}: {x["text"]}', flush=True)
            elif sys.stderr.isatty():
                print(f"\r{k}/{len(all_sites)} {time.time() - started:.0f} s", end="",
                      file=sys.stderr, flush=True)
        run(["ninja", "-C", build], tree, 600)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", tree], cwd=ROOT)
        subprocess.run(["rm", "-rf", work])

    print()
    total = {"killed": 0, "survived": 0, "stillborn": 0}
    for path, c in counts.items():
        judged = c["killed"] + c["survived"]
        score = 100.0 * c["killed"] / judged if judged else 100.0
        print(f'{path}: {c["killed"]} killed, {c["survived"]} survived, '
              f'{c["stillborn"]} stillborn ({score:.1f}% killed)')
        for key in total:
            total[key] += c[key]
    judged = total["killed"] + total["survived"]
    print(f'in all: {total["killed"]} killed, {total["survived"]} survived, '
          f'{total["stillborn"]} stillborn ({100.0 * total["killed"] / max(judged, 1):.1f}% '
          f'killed) in {time.time() - started:.0f} s')
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"counts": counts, "mutants": outcomes}, f, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
