#!/usr/bin/env python3
"""medbenefit compare --chain: claim files streamed under two policies (docs/claims-format.md).

Usage: compare-claims.py MEDBENEFIT (from the source root). Prints "N passed, N failed".

The proposed policy is Wuxi's chronic ruleset with the in-service ratio raised from 70% to 75%
(锡医保服务〔2020〕41号 三 states 70% in service, 85% retired; deductible 500 / 300; annual cap
3500 / 4000). Amounts worked out by hand:

  E1 in service, 糖尿病 certified 2021-01-05, designated H001
    C1 class A 1200.00: 1200 - 500 deductible = 700; x 70% = 490.00 (75%: 525.00)
       burden 1200 - 490 = 710.00 (675.00)
    C2 class A 300, B 100, C 50: B's first self-pay 10% (the ruleset's class_b_first_selfpay
       assumption) = 10.00, so the policy scope is 300 + 90 = 390.00, all above the deductible
       met: x 70% = 273.00 (75%: 292.50); burden 450 - 273 = 177.00 (157.50)
  E2 retired, M01600 (糖尿病) certified: C3 class A 1000: 1000 - 300 = 700 x 85% = 595.00 under
       both; burden 405.00
  E3 in service, no certified disease: C4 chronic 200.00 is not covered: the fund pays 0,
       burden 200.00
  totals: medfee 1200 + 450 + 1000 + 200 = 2850.00; policy scope 1200 + 390 + 1000 + 200 =
       2790.00; pooling 490 + 273 + 595 = 1358.00 (525 + 292.50 + 595 = 1412.50); burden
       710 + 177 + 405 + 200 = 1492.00 (675 + 157.50 + 405 + 200 = 1437.50)
  per enrollee burden: E1 887.00 (832.50) in 500-999.99; E2 405.00 and E3 200.00 in
       100-499.99; the only mover E1, -54.50

Then the same claims as JSON Lines in fen give the same figures; an enrollee whose 33000 rows
cross chunks (of 32768) keeps its year-to-date cap (3500.00 in total, not 3500 per chunk); 33000
enrollees of one claim each; every kind of bad row reported with its line and left out (exit
1); files and headers that cannot be read (exit 2).
"""
import atexit
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

EXE = sys.argv[1]
CHAIN = "wuxi-employee-chronic-2021"
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def run(*args):
    p = subprocess.run([EXE, "compare", "--rulesets", "rulesets", *args], capture_output=True,
                       text=True)
    return p.returncode, p.stdout, p.stderr


tmp = tempfile.mkdtemp()
atexit.register(shutil.rmtree, tmp, True)  # however the run ends: a mutation run makes hundreds
with open("rulesets/wuxi-employee-chronic-2021.yaml", encoding="utf-8") as f:
    text = f.read()
assert "in_service: 70%" in text
with open(os.path.join(tmp, "wuxi-employee-chronic-2021.yaml"), "w", encoding="utf-8") as f:
    f.write(text.replace("in_service: 70%", "in_service: 75%"))


def write(name, text):
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return path


def compare(path, *extra):
    out = os.path.join(tmp, "out.json")
    if os.path.exists(out):
        os.remove(out)
    rc, stdout, stderr = run("--against", tmp, "--chain", CHAIN, "--json", out, *extra, path)
    data = json.load(open(out, encoding="utf-8")) if os.path.exists(out) else None
    return rc, stdout, stderr, data


SMALL = """enrollee,scheme,person_type,designated_facility,diseases,claim_id,date,med_type,facility,level,disease,class_a,class_b,class_c
E1,employee,in_service,H001,糖尿病@2021-01-05,C1,2021-02-01,chronic,H001,tertiary,糖尿病,1200.00,,
E1,,,,,C2,2021-03-01,chronic,H001,tertiary,糖尿病,300,100,50
E2,employee,retired,H001,M01600@2021-01-05,C3,2021-02-01,chronic,H001,tertiary,M01600,1000,,
E3,employee,in_service,H001,,C4,2021-02-01,chronic,H001,tertiary,糖尿病,200,,
"""

# 1. the small file, by hand
rc, stdout, stderr, d = compare(write("small.csv", SMALL), "--amounts", "yuan")
check(rc == 0 and stderr == "", f"small.csv: exit {rc}, stderr {stderr!r}")
check(d is not None, "small.csv: no JSON written")
if d:
    t = d["totals"]
    check((d["claims"], d["changed"], d["errors"], d["enrollees"]) == (4, 2, 0, 3),
          f"counts {d['claims']}, {d['changed']}, {d['errors']}, {d['enrollees']}")
    want_cur = {"medfee_sumamt": 285000, "inscp_scp_amt": 279000, "hifp_pay": 135800,
                "hifob_pay": 0, "hifmi_pay": 0, "maf_pay": 0, "fund_pay_sumamt": 135800,
                "acct_pay": 0, "psn_cash_pay": 149200, "psn_part_amt": 149200}
    want_prop = dict(want_cur, hifp_pay=141250, fund_pay_sumamt=141250, psn_cash_pay=143750,
                     psn_part_amt=143750)
    check(t["current"] == want_cur, f"current totals {t['current']}")
    check(t["proposed"] == want_prop, f"proposed totals {t['proposed']}")
    check(t["change"]["hifp_pay"] == 5450 and t["change"]["psn_part_amt"] == -5450,
          f"change {t['change']}")
    people = {g["name"]: g for g in d["person_types"]}
    check(set(people) == {"in_service", "retired"}, f"person types {set(people)}")
    check(people["in_service"]["current"]["hifp_pay"] == 76300 and
          people["in_service"]["proposed"]["hifp_pay"] == 81750 and
          people["retired"]["current"]["hifp_pay"] == 59500 and
          people["retired"]["proposed"]["hifp_pay"] == 59500, f"person types {people}")
    dis = {g["name"]: g for g in d["diseases"]}
    check(list(dis) == ["M01600 糖尿病"] and dis["M01600 糖尿病"]["claims"] == 4 and
          dis["M01600 糖尿病"]["current"]["psn_part_amt"] == 149200,
          f"diseases (a code and a name are one disease): {list(dis)}")
    bands = [(b["from_fen"], b["current"], b["proposed"]) for b in d["burden_bands"]]
    check(bands[2] == (10000, 2, 2) and bands[3] == (50000, 1, 1) and
          sum(b[1] for b in bands) == 3, f"burden bands {bands}")
    check(d["movers"] == [{"enrollee": "E1", "claims": 2, "current": 88700, "proposed": 83250,
                           "change": -5450}], f"movers {d['movers']}")
    check("hifp_pay                     1,358.00             1,412.50               +54.50"
          in stdout, f"text totals: {stdout}")
    small = d

# 2. the same claims as JSON Lines, amounts in fen by their keys' names, in another order
JSONL = """{"enrollee":"E1","scheme":"employee","person_type":"in_service","designated_facility":"H001","diseases":"糖尿病@2021-01-05","claim_id":"C1","date":"2021-02-01","med_type":"chronic","facility":"H001","level":"tertiary","disease":"糖尿病","class_a_fen":120000}
{"class_c_fen":5000,"enrollee":"E1","claim_id":"C2","date":"2021-03-01","med_type":"14","facility":"H001","level":"3","disease":"\\u7cd6\\u5c3f\\u75c5","class_a_fen":30000,"class_b_fen":"10000"}

{"enrollee":"E2","scheme":"310","person_type":"retired","designated_facility":"H001","diseases":"M01600@2021-01-05","claim_id":"C3","date":"2021-02-01","med_type":"chronic","facility":"H001","level":"tertiary","disease":"M01600","class_a_fen":100000,"treatment":null}
{"enrollee":"E3","scheme":"employee","person_type":"in_service","designated_facility":"H001","claim_id":"C4","date":"2021-02-01","med_type":"chronic","facility":"H001","level":"tertiary","disease":"糖尿病","class_a_fen":20000}"""
rc, _, stderr, d = compare(write("small.jsonl", JSONL))
check(rc == 0 and stderr == "", f"small.jsonl: exit {rc}, stderr {stderr!r}")
if d and small:
    for key in ("totals", "person_types", "diseases", "burden_bands", "movers"):
        check(d[key] == small[key], f"JSON Lines {key} differ from CSV: {d[key]}")

# the examples of docs/claims-format.md are these claims
for example in ("docs/examples/wuxi-claims.csv", "docs/examples/wuxi-claims.jsonl"):
    rc, _, stderr, d = compare(example)
    check(rc == 0 and d is not None and small and d["totals"] == small["totals"] and
          d["movers"] == small["movers"], f"{example}: exit {rc} {stderr!r}")

# 3. one enrollee over several chunks: the cap holds across them (3500.00 a year, in service):
#    350 + 700 x 4 = 3150, then 350 (70%); 375 + 750 x 4 = 3375, then 125 (75%)
rows = ["enrollee,scheme,person_type,designated_facility,diseases,claim_id,date,med_type,level,"
        "facility,disease,class_a_fen"]
rows.append("E9,employee,in_service,H001,糖尿病@2021-01-05,K0,2021-06-01,chronic,tertiary,H001,"
            "糖尿病,100000")
rows += [f"E9,,,,,K{i},2021-06-01,chronic,tertiary,H001,糖尿病,100000" for i in range(1, 33000)]
rc, _, stderr, d = compare(write("long.csv", "\n".join(rows) + "\n"))
check(rc == 0 and stderr == "", f"long.csv: exit {rc}, stderr {stderr[:300]!r}")
if d:
    check(d["claims"] == 33000 and d["enrollees"] == 1, f"long.csv counts {d['claims']}")
    check(d["totals"]["current"]["hifp_pay"] == 350000 and
          d["totals"]["proposed"]["hifp_pay"] == 350000,
          f"long.csv pooling {d['totals']['current']['hifp_pay']} "
          f"{d['totals']['proposed']['hifp_pay']}: the cap must hold across chunks")
    check(d["totals"]["current"]["psn_part_amt"] == 33000 * 100000 - 350000,
          "long.csv burden")
    check(d["movers"] == [], f"long.csv: burden unchanged, no mover: {d['movers']}")

# 4. 33000 enrollees, one claim each (1200.00: 490.00, 75%: 525.00); equal changes rank by order
rows = ["enrollee,scheme,person_type,designated_facility,diseases,claim_id,date,med_type,level,"
        "facility,disease,class_a_yuan"]
rows += [f"P{i:05d},employee,in_service,H001,糖尿病@2021-01-05,Q{i},2021-02-01,chronic,tertiary,"
         f"H001,糖尿病,1200.00" for i in range(33000)]
rc, _, stderr, d = compare(write("many.csv", "\n".join(rows)), "--top", "3")  # no final newline
check(rc == 0 and stderr == "", f"many.csv: exit {rc}, stderr {stderr[:300]!r}")
if d:
    check(d["claims"] == 33000 and d["enrollees"] == 33000, f"many.csv counts {d['claims']}")
    check(d["totals"]["current"]["hifp_pay"] == 33000 * 49000 and
          d["totals"]["proposed"]["hifp_pay"] == 33000 * 52500, "many.csv pooling")
    check([m["enrollee"] for m in d["movers"]] == ["P00000", "P00001", "P00002"],
          f"many.csv movers {d['movers']}")
    check([b["current"] for b in d["burden_bands"]][4] == 0 and
          d["burden_bands"][3]["current"] == 33000, "many.csv bands (710.00 each)")

# 5. bad rows: each said with its line, left out of both policies; the good rows still counted
BAD = SMALL + "\n".join([
    "E4,employee,in_service,H001,糖尿病@2021-01-05,D1,2021-02-01,chronic,H001,tertiary,糖尿病,100,,",
    "E4,,,,,D2,2021-01-01,chronic,H001,tertiary,糖尿病,100,,",       # 7: date before line 6's
    "E4,,,,,D3,2021-03-01,chronic,H001,tertiary,糖尿病,-3,,",        # 8: negative
    "E4,,,,,D4,2021-03-01,chronix,H001,tertiary,糖尿病,3,,",         # 9: unknown med_type
    "E4,,,,,D5,2021-03-01,chronic,H001,tertiary,XX,3,,",             # 10: unknown disease
    "E4,,,,,D6,2021-03-01,chronic,H\udcff01,tertiary,糖尿病,3,,",   # 11: not UTF-8
    'E4,,,,,D7,2021-03-01,"chronic"x,H001,tertiary,糖尿病,3,,',      # 12: text after a quote
    "E4,,,,,D8,2021-03-01,chronic,H001",                            # 13: too few fields
    "E4,,retired,,,D9,2021-03-01,chronic,H001,tertiary,糖尿病,3,,",  # 14: differs from line 6
    "E5,employee,in_service,H001,,D10,2021-02-01,chronic,H001,tertiary,糖尿病,1.234,,",  # 15
    "E6,employee,nobody,H001,,D11,2021-02-01,chronic,H001,tertiary,糖尿病,1,,",          # 16
    "E6,,,,,D12,2021-02-01,chronic,H001,tertiary,糖尿病,1,,",        # 17: its enrollee is bad
    "E1,,,,,D13,2021-04-01,chronic,H001,tertiary,糖尿病,1,,",        # 18: E1 comes back
    '"E7,employee',                                                 # 19: a quote not closed
]) + "\n"
path = os.path.join(tmp, "bad.csv")
with open(path, "wb") as f:
    f.write(BAD.encode("utf-8", "surrogateescape"))
rc, _, stderr, d = compare(path, "--amounts", "yuan")
expected = [
    "bad.csv:7: date: 2021-01-01 is before the date of the enrollee's previous claim, line 6",
    "bad.csv:8: class_a: amount '-3' is negative",
    "bad.csv:9: med_type: unknown code 'chronix'",
    "bad.csv:10: not settled under rulesets: unknown_disease: claim D5: disease 'XX' is not in "
    "the catalogue of wuxi-employee-chronic-2021",
    "bad.csv:11: facility: not valid UTF-8",
    "bad.csv:12: malformed CSV: a quoted field is followed by text before the next comma",
    "bad.csv:13: malformed CSV: 9 fields, the header has 14",
    "bad.csv:14: person_type: 'retired' differs from 'in_service' on line 6",
    "bad.csv:15: class_a: amount '1.234' has more than two decimals",
    "bad.csv:16: person_type: unknown person type 'nobody'",
    "bad.csv:17: enrollee 'E6' is not settled: line 16: person_type: unknown person type",
    "bad.csv:18: rows of enrollee 'E1' come back after another enrollee's",
    "bad.csv:19: malformed CSV: a quoted field is not closed",
]
lines = stderr.splitlines()
check(rc == 1, f"bad.csv: exit {rc}, expected 1")
check(len(lines) == len(expected), f"bad.csv: {len(lines)} lines on stderr:\n{stderr}")
for want, got in zip(expected, lines):
    check(got.startswith("medbenefit: ") and want in got, f"expected '{want}' in '{got}'")
if d and small:
    check(d["errors"] == 13 and len(d["errors_listed"]) == 13 and
          d["errors_listed"][0]["line"] == 7, f"bad.csv errors {d['errors']}")
    # E4's good row D1 (100.00, not covered: no deductible met) is the only one added
    check(d["claims"] == 5 and d["totals"]["current"]["hifp_pay"] == 135800 and
          d["totals"]["current"]["medfee_sumamt"] == 285000 + 10000,
          f"bad.csv: only good rows in the totals: {d['claims']} {d['totals']['current']}")

# an enrollee the library does not take (a resident with an account; an unknown assistance
# category): its first row says why, its other rows name that line
rc, _, stderr, d = compare(write("people.csv", "\n".join([
    "enrollee,scheme,person_type,account_balance_yuan,assistance,claim_id,date,med_type,level,class_a_fen",
    "R1,resident,,5.00,,C1,2021-01-01,11,1,100",
    "R1,,,,,C2,2021-01-02,11,1,100",
    "R2,employee,in_service,,nobody@2021-01-01,C3,2021-01-01,11,1,100",
    "R2,,,,,C4,2021-01-01,11,1,100"])))
expected = [
    "people.csv:2: enrollee: enrollee R1 is a resident: resident insurance has no personal account",
    "people.csv:3: enrollee 'R1' is not settled: line 2: enrollee R1 is a resident",
    "people.csv:4: enrollee: unknown assistance category 'nobody'",
    "people.csv:5: enrollee 'R2' is not settled: line 4: unknown assistance category 'nobody'",
]
lines = stderr.splitlines()
check(rc == 1 and len(lines) == 4 and d and d["claims"] == 0 and d["errors"] == 4,
      f"people.csv: exit {rc}:\n{stderr}")
for want, got in zip(expected, lines):
    check(want in got, f"expected '{want}' in '{got}'")

# 6. bad JSON Lines
BADJ = "\n".join([
    '{"enrollee":"E3", "bogus": 1}',
    '{"enrollee":"E3", "class_a_fen": 1e5}',
    '{"enrollee":"E3", "class_a_fen": 1, "class_a_fen": 2}',
    'not json',
    '{"enrollee":"E3" "x":1}',
    '{"enrollee":"E3", "scheme": true}',
    '{"enrollee":"E3"} x',
    '{"enrollee":"E3", "class_a": 5}',
    '{"enrollee":"E3\\ud800"}',
])
rc, _, stderr, d = compare(write("bad.jsonl", BADJ))
expected = [
    "bad.jsonl:1: malformed JSON: unknown key 'bogus'",
    "bad.jsonl:2: malformed JSON: a number with an exponent",
    "bad.jsonl:3: malformed JSON: class_a: given twice",
    "bad.jsonl:4: malformed JSON: a line is not a JSON object",
    "bad.jsonl:5: malformed JSON: members are not separated by ','",
    "bad.jsonl:6: malformed JSON: scheme: expected a string, a number or null",
    "bad.jsonl:7: malformed JSON: text after the object on its line",
    "bad.jsonl:8: malformed JSON: class_a: the amount's unit is not declared",
    "bad.jsonl:9: malformed JSON: a \\u surrogate is not paired",
]
lines = stderr.splitlines()
check(rc == 1 and len(lines) == len(expected), f"bad.jsonl: exit {rc}:\n{stderr}")
for want, got in zip(expected, lines):
    check(want in got, f"expected '{want}' in '{got}'")

# 7. what cannot be read at all: exit 2, one line, no figures
HEAD = "enrollee,scheme,claim_id,date,med_type,level"
for name, text, extra, want in [
    ("unknown.csv", HEAD + ",clas_a_fen\n", [], "unknown.csv:1: unknown column 'clas_a_fen'"),
    ("unit.csv", HEAD + ",class_a\n", [], "unit.csv:1: column 'class_a': the amount's unit is "
     "not declared: name it class_a_fen or class_a_yuan, or give --amounts fen|yuan"),
    ("required.csv", "enrollee,scheme,claim_id,date,level,class_a_fen\n", [],
     "required.csv:1: the header has no column 'med_type' (required)"),
    ("twice.csv", HEAD + ",class_a_fen,class_a_yuan\n", [], "twice.csv:1: column 'class_a' given twice"),
    ("empty.csv", "", [], "empty.csv: empty file"),
    ("claims.txt", HEAD + "\n", [], "claims.txt: not a claim file by its name"),
    ("small.csv", None, ["--amounts", "cents"], "--amounts is fen or yuan, not 'cents'"),
    ("small.csv", None, ["--top", "-1"], "--top is a whole number"),
    ("missing.csv", None, [], "missing.csv: cannot read: No such file"),
]:
    path = os.path.join(tmp, name)
    if text is not None:
        write(name, text)
    rc, stdout, stderr, d = compare(path, *extra)
    check(rc == 2 and want in stderr and len(stderr.splitlines()) == 1 and stdout == "",
          f"{name} {extra}: exit {rc}, stdout {stdout[:80]!r}, stderr {stderr!r}, expected {want!r}")
rc, stdout, stderr = run("--against", tmp, "--chain", "no-such-ruleset", os.path.join(tmp, "small.csv"))
check(rc == 2 and "ruleset no-such-ruleset" in stderr, f"unknown ruleset: exit {rc} {stderr!r}")
rc, stdout, stderr = run("--against", tmp, "--json", "x.json", os.path.join(tmp, "small.csv"))
check(rc == 2 and "--chain" in stderr, f"--json without --chain: exit {rc} {stderr!r}")
# standard input, with its format given
p = subprocess.run([EXE, "compare", "--rulesets", "rulesets", "--against", tmp, "--chain", CHAIN,
                    "--input-format", "csv", "--amounts", "yuan", "-"], input=SMALL,
                   capture_output=True, text=True)
check(p.returncode == 0 and "4 claims of 3 enrollees compared" in p.stdout,
      f"standard input: exit {p.returncode} {p.stdout[:200]!r} {p.stderr!r}")

# 8. threads change nothing: a generated file of three chunks (70 000 claims of about 2 900
#    enrollees, some crossing chunks), with bad rows among them, gives byte for byte the same
#    text, JSON, HTML and stderr on one thread (the policies one after the other) as on two
#    (both at once) and three (one policy split by enrollee)
gen = subprocess.run([sys.executable, "bench/gen-claims.py", "70000", "--seed", "5"],
                     capture_output=True, text=True, check=True).stdout.splitlines()
for n in (100, 33000, 65537):  # an amount of three decimals: refused, said with its line
    gen[n] = gen[n].rsplit(",", 3)[0] + ",1.234,,"
path = write("threads.csv", "\n".join(gen) + "\n")
outputs = []
for threads in ("1", "2", "3"):
    html = os.path.join(tmp, f"threads-{threads}.html")
    rc, stdout, stderr, d = compare(path, "--threads", threads, "--html", html)
    outputs.append((rc, stdout, stderr, json.dumps(d), open(html, encoding="utf-8").read()))
check(outputs[0][0] == 1 and len(outputs[0][2].splitlines()) == 3 and
      "threads.csv:101: class_a" in outputs[0][2] and json.loads(outputs[0][3])["claims"] == 69997,
      f"threads.csv on one thread: exit {outputs[0][0]}, {outputs[0][2]!r}")
for threads, o in zip(("2", "3"), outputs[1:]):
    check(o == outputs[0], f"threads.csv: --threads {threads} differs from --threads 1")

# 9. how a CSV is written changes nothing: the small file with CRLF line ends, one row with
#    every field quoted (read by the general splitter, the others in one pass) and 1200.00
#    written 1200.0
rows = SMALL.replace("1200.00", "1200.0").splitlines()
rows[2] = ",".join(f'"{v}"' for v in rows[2].split(","))
rc, _, stderr, d = compare(write("crlf.csv", "\r\n".join(rows) + "\r\n"), "--amounts", "yuan")
check(rc == 0 and stderr == "" and d and small and d["totals"] == small["totals"] and
      d["movers"] == small["movers"] and d["person_types"] == small["person_types"],
      f"crlf.csv: exit {rc} {stderr!r}")

# 10. yuan as written: E3's chronic claims are not covered (no certified disease), so medfee
#     is the sum of what is read: 1200 -> 120000 fen, 1200.5 -> 120050, 0.01 -> 1, 1. -> 100,
#     .5 -> 50, 007.10 -> 710, 999999.99 -> 99999999; 120000 + 120050 + 1 + 100 + 50 + 710 +
#     99999999 = 100240910. More than two decimals, an exponent, a sign, a letter: refused.
good = ["1200", "1200.5", "0.01", "1.", ".5", "007.10", "999999.99"]
bad = [("12.345", "amount '12.345' has more than two decimals"),
       ("1e3", "amount '1e3' is not a yuan amount"), ("-1", "amount '-1' is negative"),
       ("12a", "amount '12a' is not a yuan amount"), ("1.2.3", "amount '1.2.3' is not a yuan")]
rows = ["enrollee,scheme,person_type,claim_id,date,med_type,level,class_a_yuan",
        "E3,employee,in_service,Y0,2021-02-01,chronic,tertiary,1"]
rows += [f"E3,,,Y{i + 1},2021-02-01,chronic,tertiary,{v}" for i, v in
         enumerate(good + [v for v, _ in bad])]
rc, _, stderr, d = compare(write("yuan.csv", "\n".join(rows) + "\n"))
lines = stderr.splitlines()
check(rc == 1 and len(lines) == len(bad) and d and d["claims"] == 1 + len(good) and
      d["totals"]["current"]["medfee_sumamt"] == 100 + 100240910,
      f"yuan.csv: exit {rc}, {d and d['totals']['current']['medfee_sumamt']}:\n{stderr}")
for k, ((_, want), got) in enumerate(zip(bad, lines)):
    check(f"yuan.csv:{3 + len(good) + k}: class_a: {want}" in got, f"expected {want!r} in {got!r}")

# 11. a text that is not ASCII is checked again when it differs from the last one found valid
#     in its column: 糖尿病, then 糖尿 and a byte 0xff (byte 50 of line 3: 43 ASCII bytes and
#     the 6 of 糖尿 before it), then 糖尿病 again
rows = [SMALL.splitlines()[0], SMALL.splitlines()[1],
        "E1,,,,,C2,2021-03-01,chronic,H001,tertiary,糖尿\udcff,300,,",
        "E1,,,,,C3,2021-03-02,chronic,H001,tertiary,糖尿病,300,,"]
path = os.path.join(tmp, "utf8.csv")
with open(path, "wb") as f:
    f.write(("\n".join(rows) + "\n").encode("utf-8", "surrogateescape"))
rc, _, stderr, d = compare(path, "--amounts", "yuan")
check(rc == 1 and stderr.splitlines() == [
    f"medbenefit: {path}:3: disease: not valid UTF-8 (byte 50 of the line)"] and d["claims"] == 2,
      f"utf8.csv: exit {rc}: {stderr!r}")

# 12. a record longer than the text in hand (10 MB without a line end): refused with its line,
#     and reading goes on after its line end, or stops at the end of the file (this crashed)
head = "enrollee,scheme,person_type,claim_id,date,med_type,level,class_a_fen\n"
good_row = "E3,employee,in_service,C2,2021-02-01,chronic,tertiary,100\n"
for name, tail, claims in [("long-line.csv", "\n" + good_row, 1), ("no-end.csv", "", 0)]:
    path = write(name, head + "E1,employee,in_service,C1,2021-02-01,chronic,tertiary," +
                 "1" * 10_000_000 + tail)
    rc, _, stderr, d = compare(path)
    check(rc == 1 and stderr.splitlines() == [
        f"medbenefit: {path}:2: a record longer than 1048576 bytes (an unclosed quote?): "
        "skipped to the next line"] and d and d["claims"] == claims,
          f"{name}: exit {rc}, {stderr[:300]!r}")

# 12b. the same limit for a record whose end is in hand (2 MB, inside one 4 MiB read: accepted
#      before, and refused only for its amount), and for JSON Lines, whose line without an end
#      was read into memory whole; each is named by its line, and the good row after it counts
jhead = '{"enrollee":"E3","scheme":"employee","person_type":"in_service","date":"2021-02-01",' \
        '"med_type":"chronic","level":"tertiary",'
jgood = jhead + '"claim_id":"C2","class_a_fen":100}\n'
for name, text, claims in [
        ("whole-long.csv", head + "E1,employee,in_service,C1,2021-02-01,chronic,tertiary," +
         "1" * 2_000_000 + "\n" + good_row, 1),
        ("whole-long.jsonl", jhead + '"claim_id":"C1","class_a_fen":' + "1" * 2_000_000 +
         "}\n" + jgood, 1),
        ("long-line.jsonl", jhead + '"claim_id":"C1","class_a_fen":' + "1" * 10_000_000 +
         "}\n" + jgood, 1),
        ("no-end.jsonl", jhead + '"claim_id":"C1","class_a_fen":' + "1" * 10_000_000, 0)]:
    path = write(name, text)
    line = 2 if name.endswith(".csv") else 1
    rc, _, stderr, d = compare(path)
    check(rc == 1 and stderr.splitlines() == [
        f"medbenefit: {path}:{line}: a record longer than 1048576 bytes (an unclosed quote?): "
        "skipped to the next line"] and d and d["claims"] == claims,
          f"{name}: exit {rc}, {stderr[:300]!r}, {d and d['claims']}")

# 13. a total past 2^63 fen is refused, not wrapped: 1 000 enrollees of 100 claims of 10^14 fen
#     (the largest amount taken) make a total cost of 10^19 > 2^63 - 1 = 9 223 372 036 854 775 807
rows = ["enrollee,scheme,person_type,claim_id,date,med_type,level,class_c_fen"]
rows += [f"B{i // 100},employee,in_service,C{i},2021-02-01,chronic,tertiary,100000000000000"
         for i in range(100000)]
rc, stdout, stderr, d = compare(write("big.csv", "\n".join(rows) + "\n"))
check(rc == 2 and stderr.splitlines() == [
    "medbenefit: a total passes 2^63 fen: the figures cannot be given"],
      f"big.csv: exit {rc}, {stderr[:300]!r}")

# 14. JSON Lines read in one pass: every line the reader refuses is named with its line and why,
#     as a reading that checked the whole line as UTF-8 first, then parsed it, says (a byte that
#     is not UTF-8 anywhere in the line is said before a fault of the JSON); every tricky line it
#     takes adds its amount. E9 is in service without a certified disease, so its chronic claims
#     are not covered and medfee is the sum of what is read.
def row(cid, rest):
    return ('{"enrollee":"E9","claim_id":"%s","date":"2021-02-01","med_type":"chronic",'
            '"level":"tertiary",%s}' % (cid, rest)).encode("utf-8", "surrogateescape")


def bad_byte(line):  # the first byte 0xff of the line (\udcff in text), counted from 1
    return "not valid UTF-8 (byte %d of the line)" % (line.index(b"\xff") + 1)


M = "malformed JSON: "
TRICKY = [
    (b'{"enrollee":"E9","scheme":"employee","person_type":"in_service","claim_id":"T0",'
     b'"date":"2021-02-01","med_type":"chronic","level":"tertiary","class_a_fen":100}', 100),
    # taken: blanks everywhere and a CRLF end; escapes in values and keys; null and "" as not
    # given; an amount as a string; units by key, yuan as a JSON number; keys in another order
    (b'{ "enrollee" :\t"E9" , "claim_id" : "A1" , "date" : "2021-02-01" , "med_type" : '
     b'"chronic" , "level" : "tertiary" , "class_a_fen" : 101 }\r', 101),
    (row(r'A\"2\\\/\u0041\ud83d\ude00', '"class_a_fen":102'), 102),
    (b'{"\\u0065nrollee":"E9","claim_id":"A3","date":"2021-02-01","med_type":"chronic",'
     b'"level":"tertiary","class_a\\u005ffen":103}', 103),
    (row("A4", '"facility":null,"disease":"","treatment":null,"class_a_fen":"104"'), 104),
    (row("A5", '"class_a_yuan":1.05,"class_b_fen":0,"class_c_yuan":"0.5"'), 155),
    (b'{"class_c_fen":106,"level":"tertiary","med_type":"chronic","date":"2021-02-01",'
     b'"claim_id":"A6","enrollee":"E9"}', 106),
    (row("A7", '"disease":"糖尿病","class_a_fen":107'), 107),
    (row("A8", '"disease":"\\u7cd6\\u5c3f\\u75c5","class_a_fen":108'), 108),
    (b"   ", 0),  # a blank line: skipped
    # refused: not an object, keys, strings and escapes, values, numbers, what follows
    (b'[1]', M + "a line is not a JSON object"),
    (b'{1:2}', M + "a key is not a string"),
    (row("B1", '"class_a_fen":1,'), M + "a key is not a string"),
    (b'{"enrollee":"E9', M + "a string is not closed on its line"),
    (row("B2\tx", '"class_a_fen":1'), M + "a control character in a string (escape it)"),
    (row(r"B3\u12G4", '"class_a_fen":1'), M + "\\u is not followed by four hex digits"),
    (row(r"B4\udc00", '"class_a_fen":1'), M + "a \\u surrogate is not paired"),
    (row(r"B5\ud800\u0041", '"class_a_fen":1'), M + "a \\u surrogate is not paired"),
    (row(r"B6\u0000", '"class_a_fen":1'), M + "a string holds \\u0000"),
    (row(r"B7\x", '"class_a_fen":1'), M + "an unknown escape in a string"),
    (b'{"enrollee":"E9\\', M + "an unknown escape in a string"),
    (b'{"enrollee" "E9"}', M + "a key is not followed by ':'"),
    (b'{"\\u0065nrollee","E9"}', M + "a key is not followed by ':'"),
    (row("B8", '"clam_id":1'), M + "unknown key 'clam_id' (did you mean 'claim_id'?) "
     "(docs/claims-format.md)"),
    (row("B9", '"zzzzzzzzzz":1'), M + "unknown key 'zzzzzzzzzz' (docs/claims-format.md)"),
    (row("B10", '"\\u00e9t\\u00e9":1'), M + "unknown key 'été'"),
    (row("B11", '"class_b":5'), M + "class_b: the amount's unit is not declared: name it "
     "class_b_fen or class_b_yuan, or give --amounts fen|yuan"),
    (row("B12", '"class_a_fen":1,"class_a_yuan":2'), M + "class_a: given twice"),
    (row("B13", '"facility":null,"facility":"H1"'), M + "facility: given twice"),
    (row("B14", '"\\u0065nrollee":"E9"'), M + "enrollee: given twice"),
    (row("B15", '"class_a_fen":tru'), M + "class_a: expected a string, a number or null"),
    (row("B16", '"facility":[1]'), M + "facility: expected a string, a number or null"),
    (row("B17", '"facility":{}'), M + "facility: expected a string, a number or null"),
    (row("B18", '"facility":nul'), M + "facility: expected a string, a number or null"),
    (row("B19", '"class_a_fen":.5'), M + "class_a: expected a string, a number or null"),
    (row("B20", '"class_a_fen":+5'), M + "class_a: expected a string, a number or null"),
    (row("B21", '"class_a_fen":-'), M + "a value is not JSON (a string, a number or null)"),
    (row("B22", '"class_a_fen":1.'), M + "a value is not JSON (a string, a number or null)"),
    (row("B23", '"class_a_yuan":1.5E3'), M + "a number with an exponent"),
    (row("B24", '"class_a_fen":007'), M + "members are not separated by ',' or the object "
     "not closed by '}'"),
    (row("B25", '"facility":nullx'), M + "members are not separated by ','"),
    (row("B26", '"class_a_fen":1') + b' {}', M + "text after the object on its line (one "
     "object a line)"),
    (b'{"enrollee":"E9","claim_id":"B27"', M + "members are not separated by ','"),
    # refused: not UTF-8, wherever the byte is, and before any fault of the JSON after it
    (row("B28", '"facility":"H\udcff1","class_a_fen":1'), "UTF-8"),
    (row("B29", '"\udcffx":1'), "UTF-8"),
    (b'{"enrollee" "E9","facility":"\xff"}', "UTF-8"),
    (row("B30", '"facility":"\\x","disease":"\udcff"'), "UTF-8"),
    (row("B31", '"facility":"H\udcff\\u0041"'), "UTF-8"),
    (row("B32", '"class_a_fen":1') + b'\x00\xff', "UTF-8"),
    (row("B33", '"disease":"糖尿\udcff","class_a_fen":1'), "UTF-8"),
    (row("B34", '"class_a_fen":1\udcff'), "UTF-8"),
    (row("A9", '"disease":"糖尿病","class_a_fen":109'), 109),  # after B33: checked again, taken
    # refused by what the values say
    (b'{}', "enrollee: required"),
    (row("B35", '"class_a_fen":-5'), "class_a: amount '-5' is negative"),
    (row("B36", '"class_a_fen":-0'), "class_a: amount '-0' is negative"),
    (row("B37", '"class_a_fen":1.5'), "class_a: '1.5' is not a whole number of fen (at most "
     "10^14)"),
    (row("B38", '"class_a_fen":100000000000001'), "class_a: '100000000000001' is not a whole "
     "number of fen"),
    (row("B39", '"class_a_yuan":1.234'), "class_a: amount '1.234' has more than two decimals"),
    (row("A10", '"class_a_fen":100000000000000'), 100000000000000),
]
path = os.path.join(tmp, "tricky.jsonl")
with open(path, "wb") as f:
    f.write(b"\n".join(t[0] for t in TRICKY))  # no line end after the last
rc, _, stderr, d = compare(path)
want = []
for n, (line, what) in enumerate(TRICKY, 1):
    if isinstance(what, str):
        want.append(f"medbenefit: {path}:{n}: " + (bad_byte(line) if what == "UTF-8" else what))
got = stderr.splitlines()
check(rc == 1 and len(got) == len(want), f"tricky.jsonl: exit {rc}, {len(got)} refusals, "
      f"expected {len(want)}:\n{stderr}")
for w, g in zip(want, got):
    check(g == w or (g.startswith(w) and not w.endswith(")")), f"expected {w!r}, got {g!r}")
taken = [what for _, what in TRICKY if isinstance(what, int)]
if d:
    check(d["claims"] == len(taken) - 1 and  # the blank line is no claim
          d["totals"]["current"]["medfee_sumamt"] == sum(taken),
          f"tricky.jsonl: {d['claims']} claims, medfee {d['totals']['current']['medfee_sumamt']}"
          f", expected {len(taken) - 1} and {sum(taken)}")

# 15. the two formats read the same claims the same: a generated file of two chunks as CSV
#     (amounts in yuan) and as JSON Lines (in fen), read under one name, give byte for byte the
#     same JSON
outputs = []
for fmt in ("csv", "jsonl"):
    text = subprocess.run([sys.executable, "bench/gen-claims.py", "40000", "--seed", "7",
                           "--format", fmt], capture_output=True, text=True, check=True).stdout
    rc, stdout, stderr, d = compare(write("generated", text), "--input-format", fmt)
    outputs.append((rc, stdout, stderr, open(os.path.join(tmp, "out.json"), "rb").read()))
check(outputs[0][0] == 0 and outputs[0][2] == "" and b'"claims": 40000' in outputs[0][3],
      f"generated CSV: exit {outputs[0][0]}, {outputs[0][2][:300]!r}")
check(outputs[1] == outputs[0], "generated JSON Lines: the output differs from the CSV's")

# 16. found by tests/fuzz/fuzz_claims (tests/fuzz/crashes-found/claims/README.md). A quoted CSV
#     field with a doubled quote is unquoted in place, one byte shorter a pair, and its record
#     was then checked as UTF-8 as it had become: the bytes left behind the field's shortened text
#     (the tail of its last character) were taken for bad ones, and these valid rows refused.
#     E3 is in service without a certified disease: its chronic claims are not covered, and
#     medfee is the sum of what is read: 100 + 101 + 102 = 303.
head = "enrollee,scheme,person_type,claim_id,date,med_type,level,facility,class_a_fen\n"
rows = ['E3,employee,in_service,"Q""1\u00e9",2021-02-01,chronic,tertiary,H1,100',
        'E3,,,"""\u7cd6""",2021-02-01,chronic,tertiary,"H""\u00e9\u00e9",101',
        'E3,,,Q3,2021-02-01,chronic,tertiary,"\u7cd6""\u5c3f""\u75c5",102']
rc, _, stderr, d = compare(write("quoted.csv", head + "\n".join(rows) + "\n"))
check(rc == 0 and stderr == "" and d and d["claims"] == 3 and
      d["totals"]["current"]["medfee_sumamt"] == 303,
      f"quoted.csv: exit {rc}, {stderr!r}, {d and d['claims']} claims")

#     A NUL byte ended a CSV field's text where it lay, silently: "12<NUL>34" was read as 12
#     fen, and a line of a NUL and text skipped as an empty one; a JSON line went on after a
#     NUL unread ('{...}<NUL>,"class_b_fen":5}' taken as its object) and a blank one with a NUL
#     was skipped. Each is refused now, naming its line; the rows around them count (100 + 7).
#     A NUL inside a JSON string was refused already, but as "a string not closed on its
#     line", which sends a reader looking for a missing quote: it is said as a NUL now, and a
#     string truly left open at the line's end keeps its own reason (lines 5 and 6).
nul = [b"E3,employee,in_service,C1,2021-02-01,chronic,tertiary,H1,100",
       b"E3,,,C2,2021-02-01,chronic,tertiary,H1,12\x0034",  # 3
       b"\x00garbage",                                      # 4
       b'E3,,,"C\x003",2021-02-01,chronic,tertiary,H1,5',    # 5
       b"E3,,,C4,2021-02-01,chronic,tertiary,H1,7"]
path = os.path.join(tmp, "nul.csv")
with open(path, "wb") as f:
    f.write(head.encode() + b"\n".join(nul) + b"\n")
rc, _, stderr, d = compare(path)
check(rc == 1 and stderr.splitlines() == [
    f"medbenefit: {path}:{n}: malformed CSV: a NUL byte in a field" for n in (3, 4, 5)] and
      d and d["claims"] == 2 and d["totals"]["current"]["medfee_sumamt"] == 107,
      f"nul.csv: exit {rc}, {stderr!r}, {d and d['claims']} claims")
jrow = ('{"enrollee":"E3","claim_id":"%s","date":"2021-02-01","med_type":"chronic",'
        '"level":"tertiary","class_a_fen":%d}')
nul = [(b'{"enrollee":"E3","scheme":"employee","person_type":"in_service","claim_id":"C1",'
        b'"date":"2021-02-01","med_type":"chronic","level":"tertiary","class_a_fen":100}'),
       (jrow % ("C2", 12)).encode() + b'\x00,"class_b_fen":5}',  # 2
       b"  \x00 junk",                                            # 3
       (jrow % ("C3", 7)).encode(),
       (jrow % ("C\x004", 9)).encode(),                          # 5
       (jrow % ("C\\u00e9\x005", 9)).encode(),                 # 6: the careful way
       b'{"enrollee":"E3","claim_id":"C6']                        # 7
path = os.path.join(tmp, "nul.jsonl")
with open(path, "wb") as f:
    f.write(b"\n".join(nul) + b"\n")
rc, _, stderr, d = compare(path)
check(rc == 1 and stderr.splitlines() == [
    f"medbenefit: {path}:2: malformed JSON: a NUL byte in the line",
    f"medbenefit: {path}:3: malformed JSON: a line is not a JSON object",
    f"medbenefit: {path}:5: malformed JSON: a NUL byte in the line",
    f"medbenefit: {path}:6: malformed JSON: a NUL byte in the line",
    f"medbenefit: {path}:7: malformed JSON: a string is not closed on its line"] and
      d and d["claims"] == 2 and d["totals"]["current"]["medfee_sumamt"] == 107,
      f"nul.jsonl: exit {rc}, {stderr!r}, {d and d['claims']} claims")

#     A file's last record without a line end, read after a chunk's rows so far were all refused:
#     more text was asked for, the record moved to the start of the buffer and the read found
#     the end of the file, and the record was split with the bytes its move left behind it
#     (those of the chunk's first row) taken as its own: here the last amount, 1 fen, was read
#     as 1234, and the first row's "234" its tail. 6 MB of refused rows (med_type 'chronix')
#     put the last record past the first read and its end unseen.
first_row = "E0,employee,in_service,C0,2021-02-01,chronix,tertiary,1234\n"
last_row = "E9,employee,in_service,C9,2021-02-01,chronic,tertiary,1"
assert first_row[:len(last_row)].replace("E0", "E9").replace("C0", "C9").replace(
    "chronix", "chronic") == last_row and first_row[len(last_row):] == "234\n"
refused = 6_000_000 // len(first_row)
rc, _, stderr, d = compare(write("tail.csv", head.replace(",facility", "").replace(
    "class_a_fen", "class_c_fen") + first_row * refused + last_row))
check(rc == 1 and len(stderr.splitlines()) == refused and d and d["claims"] == 1 and
      d["totals"]["current"]["medfee_sumamt"] == 1,
      f"tail.csv: exit {rc}, {len(stderr.splitlines())} refusals, "
      f"medfee {d and d['totals']['current']['medfee_sumamt']}, expected 1")

#     A refusal quotes the file's text: a line end in a quoted field, an escape or a byte that
#     is not UTF-8 in a header (never checked) came out as they were, breaking or rewriting the
#     line `medbenefit: FILE:LINE: why` is said on. Each is said as \\xNN now.
rc, _, stderr, d = compare(write("said.csv", head + 'E3,employee,in_service,C1,2021-02-01,'
                                 '"chro\nnic",tertiary,H1,100\n'))
check(rc == 1 and stderr.splitlines() == [
    f"medbenefit: {tmp}/said.csv:2: med_type: unknown code 'chro\\x0anic' (general_outpatient, "
    "emergency, chronic, inpatient, pharmacy … or 11, 14, 21 …)"], f"said.csv: {stderr!r}")
path = os.path.join(tmp, "said-header.csv")
with open(path, "wb") as f:
    f.write(b"enrollee,scheme,claim_id,date,med_type,lev\x1b[2Kel\xff,class_a_fen\n")
rc, stdout, stderr, d = compare(path)
check(rc == 2 and stderr == f"medbenefit: {path}:1: unknown column 'lev\\x1b[2Kel\\xff' "
      "(docs/claims-format.md)\n", f"said-header.csv: {stderr!r}")

# progress: on standard error when it is a terminal (script(1) gives the run one), never else
# (every run above checks an empty stderr)
cmd = " ".join(shlex.quote(a) for a in [EXE, "compare", "--rulesets", "rulesets", "--against", tmp,
                                         "--chain", CHAIN, "--amounts", "yuan",
                                         os.path.join(tmp, "small.csv")])
p = subprocess.run(["script", "-qec", cmd + " >/dev/null", "/dev/null"], capture_output=True,
                   text=True)
check(p.returncode == 0 and "\033[Kmedbenefit compare: " in p.stdout and
      " claims, " in p.stdout and "medbenefit: 4 rows in " in p.stdout,
      f"progress on a terminal: exit {p.returncode}, {p.stdout[:300]!r}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
