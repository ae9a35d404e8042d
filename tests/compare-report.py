#!/usr/bin/env python3
"""The HTML report of medbenefit compare, as a browser renders it: headless Chromium (Debian's
`chromium`) opens the page through the DevTools protocol (--remote-debugging-pipe), and the
text it renders in each table (innerText, what a reader sees) must be the figures of the JSON
output of the same run, formatted as yuan; the charts must be drawn (SVG bars of non-zero
width, their lengths in the order of their values); the page must fetch nothing.

Usage: compare-report.py MEDBENEFIT (from the source root). Prints "N passed, N failed".
"""
import atexit
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

EXE = sys.argv[1]
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def yuan(fen, sign=False):
    s = f"{abs(fen) // 100:,}.{abs(fen) % 100:02d}"
    return ("-" if fen < 0 else "+" if sign and fen > 0 else "") + s


def percent(a, b):
    """The change as the page gives it: hundredths of a percent, truncated, from integers."""
    if a == 0:
        return "–"
    d = b - a
    q = abs(d) * 10000 // abs(a)
    bp = q if (d >= 0) == (a > 0) else -q
    return ("-" if bp < 0 else "+" if d > 0 else "") + f"{abs(bp) // 100}.{abs(bp) % 100:02d}%"


class Chromium:
    """The browser over the DevTools protocol's pipe: messages are JSON texts ending in NUL."""

    def __init__(self, exe):
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()
        # the browser's ends, out of the way of 3 and 4 where the child puts them
        child_r = fcntl.fcntl(to_r, fcntl.F_DUPFD, 10)
        child_w = fcntl.fcntl(from_w, fcntl.F_DUPFD, 10)
        os.close(to_r)
        os.close(from_w)
        self.profile = tempfile.mkdtemp()

        def child_fds():  # the pipe is fds 3 (read by the browser) and 4 (written by it)
            os.dup2(child_r, 3)
            os.dup2(child_w, 4)

        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             "--user-data-dir=" + self.profile, "--no-first-run", "--window-size=1200,900",
             "about:blank"],
            preexec_fn=child_fds, pass_fds=(3, 4, child_r, child_w), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(child_r)
        os.close(child_w)
        self.w, self.r = os.fdopen(to_w, "wb"), os.fdopen(from_r, "rb")
        self.next_id, self.pending = 0, b""
        self.requests = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.w.write(json.dumps(msg).encode() + b"\0")
        self.w.flush()
        while True:
            while b"\0" not in self.pending:
                chunk = self.r.read1(65536)
                if not chunk:
                    raise RuntimeError("chromium closed its pipe")
                self.pending += chunk
            text, self.pending = self.pending.split(b"\0", 1)
            reply = json.loads(text)
            if reply.get("method") == "Network.requestWillBeSent":
                self.requests.append(reply["params"]["request"]["url"])
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def close(self):
        try:
            self.send("Browser.close")
        except (RuntimeError, BrokenPipeError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


exe = shutil.which("chromium") or shutil.which("chromium-browser")
if exe is None:
    print("FAIL: chromium is not installed (Debian's chromium): the report cannot be rendered")
    print("0 passed, 1 failed")
    sys.exit(1)

tmp = tempfile.mkdtemp()
atexit.register(shutil.rmtree, tmp, True)  # however the run ends: a mutation run makes hundreds
with open("rulesets/wuxi-employee-chronic-2021.yaml", encoding="utf-8") as f:
    text = f.read()
with open(os.path.join(tmp, "wuxi-employee-chronic-2021.yaml"), "w", encoding="utf-8") as f:
    f.write(text.replace("in_service: 70%", "in_service: 75%").replace("retired: 85%", "retired: 80%"))
claims = os.path.join(tmp, "claims.csv")
with open(claims, "w", encoding="utf-8") as f:
    subprocess.run([sys.executable, "bench/gen-claims.py", "3000", "--per-enrollee", "12"],
                   stdout=f, check=True)
with open(claims, "a", encoding="utf-8") as f:  # and a bad row, to be listed
    f.write("Z1,employee,in_service,H001,,Z1-1,2021-01-01,chronic,H001,tertiary,糖尿病,-1.00,,\n")
html, js = os.path.join(tmp, "report.html"), os.path.join(tmp, "report.json")
p = subprocess.run([EXE, "compare", "--rulesets", "rulesets", "--against", tmp, "--chain",
                    "wuxi-employee-chronic-2021", "--html", html, "--json", js, "--top", "10",
                    claims], capture_output=True, text=True)
check(p.returncode == 1 and "claims.csv:3002: class_a: amount '-1.00' is negative" in p.stderr,
      f"compare: exit {p.returncode}, stderr {p.stderr!r}")
d = json.load(open(js, encoding="utf-8"))
page = open(html, encoding="utf-8").read()
check("<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
      and "https://" not in page, "the page is self-contained: no script, no external address")

browser = Chromium(exe)
try:
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    browser.send("Network.enable", {}, session)
    browser.send("Page.enable", {}, session)
    browser.send("Page.navigate", {"url": "file://" + html}, session)

    def evaluate(expr):
        r = browser.send("Runtime.evaluate", {"expression": expr, "returnByValue": True}, session)
        return r["result"].get("value")

    for _ in range(100):
        if evaluate("document.readyState") == "complete" and evaluate("!!document.getElementById('movers')"):
            break
        time.sleep(0.1)
    tables = evaluate("""Object.fromEntries([...document.querySelectorAll('section')].map(s =>
        [s.id, [...s.querySelectorAll('table')].map(t => [...t.querySelectorAll('tr')].map(tr =>
            [...tr.cells].map(c => c.innerText.trim())))]))""")
    facts = evaluate("""Object.fromEntries(['claims','changed','enrollees','errors'].map(k =>
        [k, document.getElementById(k).innerText]))""")
    bars = evaluate("""[...document.querySelectorAll('section svg')].map(svg =>
        [...svg.querySelectorAll('rect.bar')].map(r =>
            r.getBoundingClientRect().width))""")
    shown = evaluate("""[...document.querySelectorAll('section')].every(s =>
        s.getBoundingClientRect().height > 0 && getComputedStyle(s).display != 'none')""")
finally:
    browser.close()

check(shown, "every section is laid out with a height")
check(facts == {"claims": str(d["claims"]), "changed": str(d["changed"]),
                "enrollees": str(d["enrollees"]), "errors": str(d["errors"])},
      f"the counts rendered {facts}")

# totals per fund: one row per amount, the JSON's figures in yuan
t = d["totals"]
rows = tables["totals"][0][1:]
check([r[0].endswith(f"({k})") for r, k in zip(rows, t["current"])] == [True] * len(t["current"])
      and len(rows) == len(t["current"]), f"totals rows: {[r[0] for r in rows]}")
want = [[r[0], "", yuan(t["current"][k]), yuan(t["proposed"][k]), yuan(t["change"][k], True),
         percent(t["current"][k], t["proposed"][k])] for r, k in zip(rows, t["current"])]
check(rows == want, f"totals rendered:\n{rows}\nwanted\n{want}")
check(t["change"]["hifp_pay"] != 0, "the proposed policy changes what the pooling fund pays")


def group_rows(groups, key):
    return [[g["name"], str(g["claims"]), yuan(g["current"][key]), yuan(g["proposed"][key]),
             yuan(g["change"][key], True), percent(g["current"][key], g["proposed"][key])]
            for g in groups]


for section, groups in (("person_types", d["person_types"]), ("diseases", d["diseases"])):
    check(len(groups) >= 2, f"{section}: at least two groups in the generated claims")
    check(tables[section][0][1:] == group_rows(groups, "fund_pay_sumamt"),
          f"{section} funds rendered {tables[section][0][1:]}")
    check(tables[section][1][1:] == group_rows(groups, "psn_part_amt"),
          f"{section} burden rendered {tables[section][1][1:]}")
bands = [[str(b["current"]), str(b["proposed"])] for b in d["burden_bands"]]
check([row[1:] for row in tables["burden"][0][1:]] == bands, f"bands rendered {tables['burden']}")
check(sum(b["current"] for b in d["burden_bands"]) == d["enrollees"], "every enrollee in a band")
movers = [[m["enrollee"], str(m["claims"]), yuan(m["current"]), yuan(m["proposed"]),
           yuan(m["change"], True)] for m in d["movers"]]
check(len(movers) == 10 and tables["movers"][0][1:] == movers, f"movers rendered {tables['movers']}")
check(tables["refused"][0][1:] == [[claims, "3002", e["message"]] for e in d["errors_listed"]],
      f"refused rows rendered {tables.get('refused')}")

# the charts: the fund chart's bars in the order of their values, the movers' as many as listed
totals_bars = bars[0]
values = []
for k in ("hifp_pay", "hifob_pay", "hifmi_pay", "maf_pay", "acct_pay", "psn_cash_pay"):
    values += [t["current"][k], t["proposed"][k]]
check(len(totals_bars) == 12 and all((w > 0) == (v > 0) for w, v in zip(totals_bars, values)),
      f"fund bars drawn where there is an amount: {totals_bars} for {values}")
order = sorted(range(12), key=lambda i: values[i])
check(all(totals_bars[order[i]] <= totals_bars[order[i + 1]] + 0.5 for i in range(11)),
      f"fund bars in the order of their amounts: {totals_bars}")
check(len(bars[-1]) == 10 and all(w > 0 for w in bars[-1]), f"movers' bars {bars[-1]}")
check(browser.requests == ["file://" + html], f"the page fetched {browser.requests}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
