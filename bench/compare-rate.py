#!/usr/bin/env python3
"""The rate of `medbenefit compare --chain`: claims a second, by the clock and per CPU-second,
and the largest resident memory, over a generated year of Wuxi chronic claims
(bench/gen-claims.py) under the current policy and a proposed one (the in-service ratio raised
from 70% to 75%).

    python3 bench/compare-rate.py [--medbenefit build/tools/medbenefit] [--claims 1000000]
        [--format csv|jsonl] [--threads N] [--repeat 3] [--dir DIR] [--callgrind N]

The claim file is generated once into DIR (default $TMPDIR/medbenefit-compare-bench) and kept
for later runs. Each run's figures are printed, then the best by the clock; the load average
is printed with them, since on a shared machine the clock mostly measures the wait for a core.
--callgrind N also counts the instructions per claim of the file's first N claims under
callgrind, for the reading thread and the settling ones apart: unlike times, they do not
depend on what else the machine runs.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

CHAIN = "wuxi-employee-chronic-2021"
SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def claim_file(args):
    os.makedirs(args.dir, exist_ok=True)
    path = os.path.join(args.dir, f"claims-{args.claims}.{args.format}")
    if not os.path.exists(path):
        print(f"generating {path} ...", file=sys.stderr)
        with open(path + ".part", "w", encoding="utf-8") as out:
            subprocess.run([sys.executable, os.path.join(SRC, "bench", "gen-claims.py"),
                            str(args.claims), "--format", args.format], stdout=out, check=True)
        os.rename(path + ".part", path)
    proposed = os.path.join(args.dir, "proposed")
    os.makedirs(proposed, exist_ok=True)
    with open(os.path.join(SRC, "rulesets", CHAIN + ".yaml"), encoding="utf-8") as f:
        text = f.read()
    assert "in_service: 70%" in text
    with open(os.path.join(proposed, CHAIN + ".yaml"), "w", encoding="utf-8") as f:
        f.write(text.replace("in_service: 70%", "in_service: 75%"))
    return path, proposed


def command(args, path, proposed, extra=()):
    cmd = [args.medbenefit, "compare", "--rulesets", os.path.join(SRC, "rulesets"), "--against",
           proposed, "--chain", CHAIN, *extra, path]
    if args.threads is not None:
        cmd[2:2] = ["--threads", str(args.threads)]
    return cmd


def one_run(cmd):
    """Wall and CPU seconds, largest RSS (KB) and the first line of the output of one run."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.monotonic()
        p = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)  # this child's own usage, not the generator's
        wall = time.monotonic() - start
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if p.returncode != 0:  # the generated claims all settle
            sys.exit(f"compare failed (exit {p.returncode}): {err.read()[:500]}")
        return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, out.readline()


def callgrind(args, path, proposed):
    """Instructions per claim of the first N claims, per thread, under callgrind."""
    with tempfile.TemporaryDirectory() as tmp:
        head = os.path.join(tmp, "head." + args.format)
        with open(path, encoding="utf-8") as f, open(head, "w", encoding="utf-8") as out:
            for k, line in enumerate(f):
                if k > args.callgrind - (args.format == "jsonl"):
                    break
                out.write(line)
        out_file = os.path.join(tmp, "callgrind.out")
        subprocess.run(["valgrind", "--tool=callgrind", "--separate-threads=yes", "--compress-strings=no",
                        f"--callgrind-out-file={out_file}", *command(args, head, proposed)],
                       capture_output=True, check=True)
        parts = {}
        for name in sorted(os.listdir(tmp)):
            if not name.startswith("callgrind.out"):
                continue
            with open(os.path.join(tmp, name), encoding="utf-8", errors="replace") as f:
                text = f.read()
            total = re.search(r"^(?:summary|totals): *(\d+)", text, re.M)
            thread = re.search(r"^thread: *(\d+)", text, re.M)
            if thread is None or thread.group(1) == "1":
                what = "main thread: enrollees, sums, the current policy (--threads 1: both)"
            elif re.search(r"^fn=.*\b(feed_main|claims_next)\b", text, re.M):
                what = "reading thread"
            else:
                what = "other threads: the proposed policy"
            parts[what] = parts.get(what, 0) + int(total.group(1)) if total else 0
    n = args.callgrind
    print(f"\ninstructions per claim (callgrind, the first {n} claims, --threads "
          f"{args.threads if args.threads is not None else 'default'}):")
    for what, ir in sorted(parts.items()):
        print(f"  {ir / n:8.0f}  {what}")
    print(f"  {sum(parts.values()) / n:8.0f}  in all")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--medbenefit", default=os.path.join(SRC, "build", "tools", "medbenefit"))
    ap.add_argument("--claims", type=int, default=1000000)
    ap.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    ap.add_argument("--threads", type=int)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(),
                                                  "medbenefit-compare-bench"))
    ap.add_argument("--callgrind", type=int, metavar="N")
    args = ap.parse_args()
    path, proposed = claim_file(args)
    cmd = command(args, path, proposed)
    print(f"{path}: {os.path.getsize(path) / 1e6:.0f} MB, {args.claims} claims, "
          f"--threads {args.threads if args.threads is not None else 'default (one per core)'}, "
          f"{os.cpu_count()} cores")
    print(f"{'run':>3} {'load':>5} {'wall s':>7} {'M claims/s':>10} {'CPU s':>7} "
          f"{'M claims/CPU-s':>14} {'max RSS':>8}")
    best = None
    for k in range(args.repeat):
        load = os.getloadavg()[0]
        wall, cpu, rss, first = one_run(cmd)
        m = re.match(r"(\d+) claims", first)
        claims = int(m.group(1)) if m else 0
        if claims != args.claims:
            sys.exit(f"compare read {claims} claims of {args.claims}: {first}")
        print(f"{k + 1:>3} {load:5.1f} {wall:7.2f} {claims / wall / 1e6:10.2f} {cpu:7.2f} "
              f"{claims / cpu / 1e6:14.2f} {rss / 1024:6.0f} MB")
        if best is None or wall < best[0]:
            best = (wall, cpu, claims)
    wall, cpu, claims = best
    print(f"best: {claims / wall / 1e6:.2f} M claims/s by the clock, "
          f"{claims / cpu / 1e6:.2f} M per CPU-second ({claims} claims, each settled under both "
          f"policies)")
    if args.callgrind:
        callgrind(args, path, proposed)


if __name__ == "__main__":
    main()
