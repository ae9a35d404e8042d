#!/usr/bin/env python3
"""Write the seeds of fuzz_claims into tests/fuzz/corpus/claims (from the source root).

Usage: python3 tests/fuzz/claims-seeds.py

Each seed is the target's four bytes of choices (fuzz_claims.c: format and --amounts; the
reader's block and rows a chunk; how the harness writes the claims back) and a claim file: the
files of tests/compare-claims.py (its small file in both formats, its bad rows, its bad and
tricky JSON lines), docs/examples/wuxi-claims.*, and a few claims of bench/gen-claims.py in
both formats. The tricky lines are taken from tests/compare-claims.py itself, so that the seeds
follow that table when it grows.
"""
import ast
import os
import subprocess
import sys

OUT = "tests/fuzz/corpus/claims"
CSV, JSONL = 0, 1
FEN, YUAN = 1 << 1, 2 << 1  # --amounts fen, yuan (bits 1-2 of the first byte)


def tables():
    """SMALL, JSONL, BAD, BADJ and TRICKY of tests/compare-claims.py, as it builds them."""
    src = open("tests/compare-claims.py", encoding="utf-8").read()
    tree = ast.parse(src)
    env = {}
    wanted = {"SMALL", "JSONL", "BAD", "BADJ", "TRICKY", "M"}
    for node in tree.body:
        names = set()
        if isinstance(node, ast.Assign):
            names = {t.id for t in node.targets if isinstance(t, ast.Name)}
        if names & wanted or (isinstance(node, ast.FunctionDef) and node.name == "row"):
            exec(compile(ast.Module([node], []), "compare-claims.py", "exec"), env)
    return env


def seed(name, mode, block, rows, writer, text):
    if isinstance(text, str):
        text = text.encode("utf-8", "surrogateescape")
    head = bytes([mode, block & 0xff, (block >> 8 & 7) | rows << 3, writer])
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(head + text)


def main():
    os.makedirs(OUT, exist_ok=True)
    t = tables()
    seed("small.csv", CSV | YUAN, 0, 0, 0x00, t["SMALL"])
    seed("small-cut.csv", CSV | YUAN, 61, 1, 0x29, t["SMALL"])
    seed("small.jsonl", JSONL, 0, 0, 0x01, t["JSONL"])
    seed("small-cut.jsonl", JSONL, 97, 2, 0xd3, t["JSONL"])
    seed("bad.csv", CSV | YUAN, 0, 0, 0x88, t["BAD"])
    seed("bad-cut.csv", CSV | YUAN, 40, 3, 0x5a, t["BAD"])
    seed("bad.jsonl", JSONL, 0, 0, 0x12, t["BADJ"])
    tricky = b"\n".join(line for line, _ in t["TRICKY"])
    seed("tricky.jsonl", JSONL, 0, 0, 0x00, tricky)
    seed("tricky-cut.jsonl", JSONL, 150, 4, 0x7b, tricky)
    for i, (line, _) in enumerate(t["TRICKY"]):  # one line each, as the first line of a file
        seed(f"tricky-{i:02d}.jsonl", JSONL, 0, 0, i & 0xff, line + b"\n")
    for ext, mode in (("csv", CSV), ("jsonl", JSONL)):
        with open(f"docs/examples/wuxi-claims.{ext}", "rb") as f:
            seed(f"example.{ext}", mode, 0, 0, 0x04, f.read())
        text = subprocess.run([sys.executable, "bench/gen-claims.py", "12", "--seed", "3",
                               "--format", ext], capture_output=True, check=True).stdout
        seed(f"generated.{ext}", mode, 0, 0, 0x02, text)
        seed(f"generated-cut.{ext}", mode, 333, 5, 0x6f, text)


main()
