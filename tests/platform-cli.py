#!/usr/bin/env python3
"""medbenefit platform, each call a new process sharing only --state (docs/platform.md).

Usage: platform-cli.py MEDBENEFIT (from the source root). Prints "N passed, N failed".

1. The reference's end-to-end example (docs/platform-example, from public integrations'
   messages), for two visits: 1101 -> 5301 -> 5206 -> 2201 -> 2203 -> 2204 -> 2206 -> 2207,
   settled under 焦医保〔2021〕97号 (--chain jiaozuo-chronic-2022); a repeated 2207 refused;
   then 2208 of the first visit and of the second (not last-first): the person's saved
   enrollee is byte for byte as before the first 2207, and the first 2206 repeats to the fen;
   the amounts equal the same claims settled through a scenario file (medbenefit settle).
2. The chain picked from the rulesets' declarations (insuplc_admdvs 3202…, 310, med_type 14):
   Wuxi chronic then Wuxi assistance for a 低保 recipient (psn_idet_type 2303), as the
   conformance scenario chain-wuxi-chronic-assistance C1 settles it.
   Then 山西: 5206's inpatient and 门诊慢特病 payments add into the one annual maximum a
   dialysis visit is paid within; and 常州: 5206's cumulative outpatient cost, the base of the
   large-amount band.
3. An inpatient stay in Changzhou (3204…): a 中途结算 from the request's four amounts, then the
   discharge settlement from uploaded 2301 details; the stay closed after it, and opened
   again by 2305 of both.
4. Refused requests (malformed JSON, wrong infno, unknown psn_no and mdtrt_id, three decimals,
   an exponent, not UTF-8, a huge number…) answer infcode -1, exit 1, and leave the state
   directory byte for byte as it was.
Every answer with a setlinfo is held to the platform's identities, in exact decimals.
"""
import atexit
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal

EXE = sys.argv[1]
EXAMPLE = "docs/platform-example/"
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def example(name):
    with open(EXAMPLE + name, encoding="utf-8") as f:
        return json.load(f, parse_float=Decimal)


def recorded(infno):
    """The request with the platform's answer to it, as the HIS records it offline."""
    q = example(infno + "-request.json")
    q["output"] = example(infno + "-response.json")["output"]
    return q


def dumps(obj):
    """JSON with every Decimal written as the number it is (json writes no Decimal itself)."""
    def mark(o):
        if isinstance(o, Decimal):
            return "\x00" + str(o) + "\x00"
        raise TypeError(o)
    text = json.dumps(obj, ensure_ascii=False, default=mark)
    return re.sub(r'"\\u0000([^"]*)\\u0000"', r"\1", text).encode("utf-8")


def run(args, data):
    p = subprocess.run([EXE, "platform", "--rulesets", "rulesets"] + args + ["-"], input=data,
                       capture_output=True, timeout=60)
    try:
        answer = json.loads(p.stdout.decode("utf-8"), parse_float=Decimal)
    except ValueError:
        answer = None
    return p.returncode, answer, p.stderr.decode("utf-8", "replace")


IDENTITIES_CHECKED = [0]


def identities(info, what):
    """medfee = 全自费 + 超限价 + 先行自付 + 符合范围; funds = Σ; 个人负担 = medfee − funds − 医院;
    现金 = 个人负担 − 账户 (nhsa reference §3.3; include/medbenefit.h mb_amount)."""
    d = {k: v for k, v in info.items() if isinstance(v, Decimal)}
    funds = sum(d[k] for k in ("hifp_pay", "cvlserv_pay", "hifes_pay", "hifmi_pay", "hifob_pay",
                               "maf_pay", "oth_pay", "hifdm_pay"))
    ok = (d["medfee_sumamt"] == d["fulamt_ownpay_amt"] + d["overlmt_selfpay"] +
          d["preselfpay_amt"] + d["inscp_scp_amt"] and d["fund_pay_sumamt"] == funds and
          d["psn_part_amt"] == d["medfee_sumamt"] - funds - d["hosp_part_amt"] and
          d["psn_cash_pay"] == d["psn_part_amt"] - d["acct_pay"])
    ok = ok and all(v == v.quantize(Decimal("0.01")) and str(v).count(".") == 1 and
                    len(str(v).split(".")[1]) == 2 for k, v in d.items() if k != "age" and
                    k != "pool_prop_selfpay")
    check(ok, what + ": the setlinfo identities, every amount with two decimals: " + str(d))
    IDENTITIES_CHECKED[0] += 1


class Platform:
    def __init__(self, *args):
        self.dir = tempfile.mkdtemp(prefix="mb-platform-cli.")
        atexit.register(shutil.rmtree, self.dir, True)
        self.args = list(args) + ["--state", self.dir]

    def call(self, request, want=0, what=""):
        rc, answer, err = run(self.args, request if isinstance(request, bytes) else dumps(request))
        label = what or (request.get("infno", "?") if isinstance(request, dict) else "raw")
        check(answer is not None, label + ": the answer is JSON (stderr: " + err + ")")
        if answer is None:
            return {}
        check(rc == (0 if want == 0 else 1), label + ": exit %d" % rc)
        check(answer.get("infcode") == want, label + ": infcode %s, err_msg %s" %
              (answer.get("infcode"), answer.get("err_msg")))
        out = answer.get("output") or {}
        if isinstance(out, dict) and "setlinfo" in out:
            identities(out["setlinfo"], label)
        return answer

    def snapshot(self):
        files = {}
        for name in sorted(os.listdir(self.dir)):
            with open(os.path.join(self.dir, name), "rb") as f:
                files[name] = f.read()
        return files


def amounts(info, *keys):
    return {k: info[k] for k in keys}


D = Decimal


# ---- 1. the reference's example, two visits -------------------------------------------------

def with_levels(req):
    """2204 offline needs each item's chrgitm_lv (the platform reads it from its catalogue)."""
    for row, lv in zip(req["input"]["feedetail"], ("01", "02", "03")):
        row["chrgitm_lv"] = lv
    return req


def second_visit(req, mdtrt_id="900000000002"):
    """The same envelope a day later, for the second visit."""
    q = copy.deepcopy(req)
    q["inf_time"] = q["inf_time"].replace("2025-03-18", "2025-03-19")
    q["msgid"] = q["msgid"].replace("20250318", "20250319")
    data = q["input"].get("data") or q["input"].get("mdtrtinfo")
    for row in ([data] if data else []) + q["input"].get("feedetail", []):
        if "mdtrt_id" in row:
            row["mdtrt_id"] = mdtrt_id
        if "begntime" in row:
            row["begntime"] = row["begntime"].replace("2025-03-18", "2025-03-19")
    return q


def reference_example():
    p = Platform("--chain", "jiaozuo-chronic-2022", "--facility", "H00000000001=secondary")
    a = p.call(recorded("1101"))
    check(a["output"]["insuinfo"][0]["balc"] == D("50.00"), "1101 answers the recorded balance")
    # 焦医保〔2021〕97号 四（四） revokes a certification idle for twelve months; the example's
    # registration from 2024-01-01 with no recorded activity would be revoked on 2025-01-01, so
    # this registration starts on 2025-01-01 (benefit from 2025-02-01, 三（五） next month).
    q = recorded("5301")
    q["output"]["feedetail"][0]["begndate"] = "2025-01-01"
    p.call(q)
    a = p.call(recorded("5206"))
    check("C0000_BIZ14 (insutype 310) seeds no accumulator" in (a["warn_msg"] or ""),
          "5206: a count no ruleset maps is passed over, and said so")
    a = p.call(example("2201-request.json"))
    check(a["output"]["data"]["mdtrt_id"] == "900000000001", "2201 answers the first mdtrt_id")
    p.call(example("2203-request.json"))
    a = p.call(with_levels(example("2204-request.json")))
    split = [(r["fulamt_ownpay_amt"], r["preselfpay_amt"], r["inscp_scp_amt"])
             for r in a["output"]["result"]]
    # 甲类 51.20 in scope; 乙类 114.00 x 10% (class_b_first_selfpay) = 11.40 first, 102.60 in
    # scope; 丙类 45.00 in full to the person — as the reference's 2204 answer splits them
    ref = [(r["fulamt_ownpay_amt"], r["preselfpay_amt"], r["inscp_scp_amt"])
           for r in example("2204-response.json")["output"]["result"]]
    check(split == ref, "2204 splits each item as the reference's answer: %s" % split)
    pre1 = p.call(example("2206-request.json"))["output"]
    before = json.loads(p.snapshot()["platform-state.json"])["persons"]["99010100000000000001"]
    # jiaozuo-chronic-2022: deductible 0 (assumption: 97号 sets none); 153.80 x 80% (employee
    # ratio, assumption) = 123.04; cap 附件 高血压Ⅲ期 1320: 1196.96 left; psn_part 210.20 -
    # 123.04 = 87.16; the account last (account: last) 50.00; cash 37.16; balc 0.00
    want1 = {"medfee_sumamt": D("210.20"), "fulamt_ownpay_amt": D("45.00"),
             "overlmt_selfpay": D("0.00"), "preselfpay_amt": D("11.40"),
             "inscp_scp_amt": D("153.80"), "act_pay_dedc": D("0.00"), "hifp_pay": D("123.04"),
             "fund_pay_sumamt": D("123.04"), "psn_part_amt": D("87.16"), "acct_pay": D("50.00"),
             "psn_cash_pay": D("37.16"), "balc": D("0.00")}
    check(amounts(pre1["setlinfo"], *want1) == want1, "2206: %s" % amounts(pre1["setlinfo"], *want1))
    check(pre1["setldetail"][0]["crt_payb_lmt_amt"] == D("1196.96"), "the disease cap left")
    check([r["fund_pay_type"] for r in pre1["setldetail"]] == ["310100", "310200"],
          "setldetail: the pooling fund, then the account (platform.account_fund)")
    check("setl_id" not in pre1["setlinfo"], "a pre-settlement has no setl_id")
    s1 = p.call(example("2207-request.json"))["output"]["setlinfo"]
    check(s1["setl_id"] == "800000000001" and amounts(s1, *want1) == want1,
          "2207 settles what 2206 showed")
    a = p.call(example("2207-request.json"), want=-1, what="2207 repeated")
    check("already settled (setl_id 800000000001)" in (a.get("err_msg") or ""),
          "a repeated 2207 is refused, naming the settlement: %s" % a.get("err_msg"))
    a = p.call(example("1101-request.json"), what="1101 asked offline")
    check(a["output"]["insuinfo"][0]["balc"] == D("0.00"), "1101: the balance after 2207")
    a = p.call({**example("5206-request.json")}, what="5206 asked offline")
    rows = {r["cum_type_code"]: r["cum"] for r in a["output"]["cuminfo"]}
    # 1200.00 recorded + 123.04 settled
    check(rows.get("D310101_BIZ14") == D("1323.04"), "5206: the figure as settlement left it %s" % rows)

    # visit 2, the same items a day later: the account is empty
    a = p.call(second_visit(example("2201-request.json")))
    check(a["output"]["data"]["mdtrt_id"] == "900000000002", "2201 answers the second mdtrt_id")
    p.call(second_visit(example("2203-request.json")))
    p.call(second_visit(with_levels(example("2204-request.json"))))
    want2 = dict(want1, acct_pay=D("0.00"), psn_cash_pay=D("87.16"))
    s2 = p.call(second_visit(example("2207-request.json")))["output"]
    check(s2["setlinfo"]["setl_id"] == "800000000002" and amounts(s2["setlinfo"], *want2) == want2,
          "visit 2: %s" % amounts(s2["setlinfo"], *want2))
    check(s2["setldetail"][0]["crt_payb_lmt_amt"] == D("1073.92"), "1196.96 - 123.04 left")

    # 2208 of the first visit, then of the second (not last-first): each takes back its own
    # settlement, answered negated with the balance after the refund
    r1 = p.call(example("2208-request.json"))["output"]
    neg1 = {k: -v for k, v in want1.items() if k != "balc"}
    check(r1["setlinfo"]["setl_id"] == "800000000003" and
          amounts(r1["setlinfo"], *neg1) == neg1 and r1["setlinfo"]["balc"] == D("50.00") and
          r1["setlinfo"]["pdn_cash_pay"] == D("-37.16"),
          "2208 of visit 1: %s" % r1["setlinfo"])
    check([row["fund_payamt"] for row in r1["setldetail"]] == [D("-123.04"), D("-50.00")],
          "its setldetail negated")
    a = p.call(example("2208-request.json"), want=-1, what="2208 repeated")
    check("was reversed already (setl_id 800000000003)" in (a.get("err_msg") or ""),
          a.get("err_msg"))
    q = second_visit(example("2208-request.json"))
    q["input"]["data"]["setl_id"] = "800000000002"
    r2 = p.call(q)["output"]["setlinfo"]
    check(r2["setl_id"] == "800000000004" and r2["hifp_pay"] == D("-123.04") and
          r2["acct_pay"] == D("0.00") and r2["psn_cash_pay"] == D("-87.16") and
          r2["balc"] == D("50.00"), "2208 of visit 2: %s" % r2)
    after = json.loads(p.snapshot()["platform-state.json"])["persons"]["99010100000000000001"]
    check(after["enrollee"] == before["enrollee"],
          "the person is byte for byte as before the first 2207 (the enrollee's saved blob)")
    again = p.call(example("2206-request.json"), what="the first 2206 again")["output"]
    check(again == pre1, "the first 2206 repeats to the fen")
    s3 = p.call(example("2207-request.json"), what="2207 after its reversal")["output"]
    check(s3["setlinfo"]["setl_id"] == "800000000005" and
          amounts(s3["setlinfo"], *want1) == want1, "a reversed batch settles again")

    # the same claims through a scenario file: the same amounts to the fen
    scenario = """name: the platform example as a scenario
rulesets: [jiaozuo-chronic-2022]
enrollee:
  id: "99010100000000000001"
  scheme: employee
  person_type: in_service
  account_balance: 50.00
  diseases: [{code: M03900, certified_on: 2025-01-01, valid_until: 2099-12-31}]
  accumulators: [{ruleset: jiaozuo-chronic-2022, key: chronic.paid, period: 2025, amount: 1200.00}]
claims:
"""
    for day, cid in (("2025-03-18", "V1"), ("2025-03-19", "V2")):
        scenario += ("  - {id: %s, date: %s, med_type: chronic, disease: M03900, "
                     "facility: {id: H00000000001, level: secondary}, items: [{amount: 51.20, "
                     "class: A}, {amount: 114.00, class: B}, {amount: 45.00, class: C}]}\n"
                     % (cid, day))
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as f:
        f.write(scenario)
    out = subprocess.run([EXE, "settle", "--rulesets", "rulesets", f.name], capture_output=True)
    os.unlink(f.name)
    lines = [json.loads(x, parse_float=Decimal) for x in out.stdout.decode().splitlines()]
    check(len(lines) == 2, "the scenario settles two claims: %s" % out.stderr.decode())
    for got, line in zip((s1, s2["setlinfo"]), lines):
        same = all(got[k] == line["setlinfo"][k] for k in line["setlinfo"])
        check(same, "platform %s = scenario %s" % (amounts(got, *line["setlinfo"]),
                                                    line["setlinfo"]))
    return p


# ---- 2. the chain from the declarations ------------------------------------------------------

def envelope(infno, when, node, body, admdvs="320205", output=None):
    q = {"infno": infno, "msgid": "H00000000001%s0001" % when.replace("-", "").replace(" ", "")
         .replace(":", "")[:14], "mdtrtarea_admvs": admdvs[:4] + "00", "insuplc_admdvs": admdvs,
         "inf_time": when, "fixmedins_code": "H00000000001", "input": {node: body}}
    if output is not None:
        q["output"] = output
    return q


def person(psn, admdvs, balc="0.00", idet=()):
    return envelope("1101", "2023-01-05 09:00:00", "data", {"psn_no": psn}, admdvs, {
        "baseinfo": {"psn_no": psn, "psn_name": "测试患者", "certno": psn, "psn_cert_type": "01"},
        "insuinfo": [{"insutype": "310", "psn_type": "1101", "balc": D(balc),
                      "insuplc_admdvs": admdvs, "cvlserv_flag": "0"}],
        "idetinfo": [{"psn_idet_type": code, "begntime": begn} for code, begn in idet]})


def chain_from_declarations():
    p = Platform("--facility", "H00000000001=tertiary")
    psn = "32020500000000000001"
    a = p.call(person(psn, "320205", idet=[("2303", "2023-01-01 00:00:00"), ("31", "2020-01-01")]))
    check("psn_idet_type 31 is no assistance identity" in (a["warn_msg"] or ""),
          "1101: an identity no ruleset maps is passed over, and said so")
    p.call(envelope("5301", "2023-01-05 09:01:00", "data", {"psn_no": psn}, output={
        "feedetail": [{"opsp_dise_code": "M01600", "opsp_dise_name": "糖尿病",
                       "begndate": "2022-12-01", "enddate": None,
                       "fixmedins_code": "H00000000001"}]}))
    v = p.call(envelope("2201", "2023-02-01 09:00:00", "data", {
        "psn_no": psn, "insutype": "310", "begntime": "2023-02-01 09:00:00"}))
    mdtrt = v["output"]["data"]["mdtrt_id"]
    p.call(envelope("2203", "2023-02-01 09:10:00", "mdtrtinfo", {
        "mdtrt_id": mdtrt, "psn_no": psn, "med_type": "14", "dise_codg": "M01600"}))
    p.call(envelope("2204", "2023-02-01 09:20:00", "feedetail", [{
        "feedetl_sn": "1", "mdtrt_id": mdtrt, "psn_no": psn, "chrg_bchno": "B1",
        "det_item_fee_sumamt": D("1200.00"), "chrgitm_lv": "01"}]))
    s = p.call(envelope("2207", "2023-02-01 09:30:00", "data", {
        "psn_no": psn, "mdtrt_id": mdtrt, "chrg_bchno": "B1", "med_type": "14",
        "medfee_sumamt": D("1200.00"), "insutype": "310", "acct_used_flag": "1"}))["output"]
    # chain-wuxi-chronic-assistance C1: 锡医保服务〔2020〕41号 三 (1200 - 500) x 70% = 490.00;
    # 实施意见 四（五）（六） the 710.00 left x 85% (minimum_living) = 603.50; cash 106.50
    want = {"hifp_pay": D("490.00"), "maf_pay": D("603.50"), "fund_pay_sumamt": D("1093.50"),
            "act_pay_dedc": D("500.00"), "psn_cash_pay": D("106.50")}
    check(amounts(s["setlinfo"], *want) == want, "Wuxi chain: %s" % amounts(s["setlinfo"], *want))
    check([r["fund_pay_type"] for r in s["setldetail"]] == ["310100", "610100"],
          "the Wuxi pooling fund, then the assistance fund")
    check("锡医保服务〔2020〕41号" in s["setldetail"][0]["setl_proc_info"] and
          "实施意见" in s["setldetail"][1]["setl_proc_info"],
          "setl_proc_info: each fund's steps with their clauses")
    # no ruleset declares the insured place 990101: the call says so, and which fields decide
    q = envelope("2206", "2023-02-01 09:40:00", "data", {
        "psn_no": psn, "mdtrt_id": mdtrt, "chrg_bchno": "B2", "med_type": "14",
        "medfee_sumamt": D("1.00"), "insutype": "310"}, admdvs="990101")
    a = p.call(q, want=-1, what="2206 for an area no ruleset declares")
    check("no fee details of chrg_bchno B2" in (a.get("err_msg") or ""), a.get("err_msg"))


# ---- 2b. year-to-date figures from 5206, several codes adding into one key ------------------

def outpatient_visit(p, psn, admdvs, day, insutype, med_type, amount, dise=None):
    """A visit on `day` (yyyy-MM-dd) registered (2201), diagnosed (2203), one item of `amount`
    uploaded (2204) and pre-settled (2206): the 2206 answer's output."""
    v = p.call(envelope("2201", day + " 09:00:00", "data", {
        "psn_no": psn, "insutype": insutype, "begntime": day + " 09:00:00"}, admdvs))
    mdtrt = v["output"]["data"]["mdtrt_id"]
    info = {"mdtrt_id": mdtrt, "psn_no": psn, "med_type": med_type}
    if dise:
        info["dise_codg"] = dise
    p.call(envelope("2203", day + " 09:10:00", "mdtrtinfo", info, admdvs))
    p.call(envelope("2204", day + " 09:20:00", "feedetail", [{
        "feedetl_sn": "1", "mdtrt_id": mdtrt, "psn_no": psn, "chrg_bchno": "B1",
        "det_item_fee_sumamt": amount, "chrgitm_lv": "01"}], admdvs))
    return p.call(envelope("2206", day + " 09:30:00", "data", {
        "psn_no": psn, "mdtrt_id": mdtrt, "chrg_bchno": "B1", "med_type": med_type,
        "medfee_sumamt": amount, "insutype": insutype}, admdvs))["output"]


def shanxi_annual_maximum():
    """《通知》（据报道）统一基金支付范围: 门诊慢特病 payments count in the resident fund's annual maximum,
    which admissions count in as well: 5206's inpatient payments (D390101_BIZ21) and 门诊慢特病
    payments (BIZ14) both seed annual_fund.paid, and a dialysis visit is paid what is left."""
    p = Platform("--chain", "shanxi-chronic-special-2025", "--facility", "H00000000001=tertiary")
    psn = "14070200000000000001"
    q = envelope("1101", "2025-06-01 09:00:00", "data", {"psn_no": psn}, "140702", {
        "baseinfo": {"psn_no": psn, "psn_name": "测试患者", "certno": psn, "psn_cert_type": "01"},
        "insuinfo": [{"insutype": "390", "psn_type": "1401", "balc": D("0.00"),
                      "insuplc_admdvs": "140702", "cvlserv_flag": "0"}],
        "idetinfo": []})
    p.call(q)
    p.call(envelope("5301", "2025-06-01 09:01:00", "data", {"psn_no": psn}, "140702", {
        "feedetail": [{"opsp_dise_code": "SXS04", "opsp_dise_name": "尿毒症透析",
                       "begndate": "2025-04-01", "enddate": None}]}))
    a = p.call(envelope("5206", "2025-06-01 09:02:00", "data", {"psn_no": psn, "cum_ym": "202506"},
                        "140702", {"cuminfo": [
                            {"insutype": "390", "year": "2025", "cum_ym": "202506",
                             "cum_type_code": "D390101_BIZ21", "cum": D("185000.00")},
                            {"insutype": "390", "year": "2025", "cum_ym": "202506",
                             "cum_type_code": "D390101_BIZ14", "cum": D("5000.00")}]}))
    check("seeds no accumulator" not in (a["warn_msg"] or ""),
          "5206: the inpatient payments seed the annual maximum (%s)" % a["warn_msg"])
    s = outpatient_visit(p, psn, "140702", "2025-06-02", "390", "14", D("20000.00"), "SXS04")
    # 20000 x 70% = 14000, above the 200000 (assumption) - 185000 - 5000 = 10000 left: 10000
    want = {"hifp_pay": D("10000.00"), "fund_pay_sumamt": D("10000.00"),
            "psn_cash_pay": D("10000.00")}
    check(amounts(s["setlinfo"], *want) == want, "Shanxi annual maximum: %s" %
          amounts(s["setlinfo"], *want))


def changzhou_outpatient_seeded():
    """常政办发〔2022〕91号 二（六）2: the large-amount fund pays on the year's outpatient cost above
    11000, so the base 5206 seeds is the year's cumulative cost (S0000_BIZ11, 分段计算费用累计),
    not the deductible paid (Q0000, at most 600); the pooling's payments (D310101_BIZ11) are its
    cap's figure."""
    p = Platform("--facility", "H00000000001=tertiary")
    psn = "32040200000000000001"
    p.call(person(psn, "320402"))
    a = p.call(envelope("5206", "2023-06-01 09:02:00", "data", {"psn_no": psn, "cum_ym": "202306"},
                        "320402", {"cuminfo": [
                            {"insutype": "310", "year": "2023", "cum_ym": "202306",
                             "cum_type_code": "S0000_BIZ11", "cum": D("15000.00")},
                            {"insutype": "310", "year": "2023", "cum_ym": "202306",
                             "cum_type_code": "D310101_BIZ11", "cum": D("9000.00")}]}))
    check("seeds no accumulator" not in (a["warn_msg"] or ""),
          "5206: both figures seed an accumulator (%s)" % a["warn_msg"])
    s = outpatient_visit(p, psn, "320402", "2023-06-02", "310", "11", D("5000.00"))
    # a 三级 visit without referral: the pooling's 9000 (in service) is paid, 0; the year's cost
    # 15000 -> 20000, all above 11000: 5000 x (60% - 20 points) = 2000 (二（六）2)
    want = {"hifp_pay": D("0.00"), "hifob_pay": D("2000.00"), "fund_pay_sumamt": D("2000.00")}
    check(amounts(s["setlinfo"], *want) == want, "Changzhou seeded outpatient: %s" %
          amounts(s["setlinfo"], *want))


# ---- 3. an inpatient stay ---------------------------------------------------------------------

def inpatient_stay():
    p = Platform("--facility", "H00000000001=tertiary")
    psn = "32040200000000000001"
    p.call(person(psn, "320402"))
    v = p.call(envelope("2401", "2023-01-03 08:00:00", "mdtrtinfo", {
        "psn_no": psn, "insutype": "310", "begntime": "2023-01-03 08:00:00", "med_type": "21",
        "ipt_no": "ZY1"}, admdvs="320402"))
    mdtrt = v["output"]["data"]["mdtrt_id"]
    mid = {"psn_no": psn, "mdtrt_id": mdtrt, "insutype": "310", "medfee_sumamt": D("8650.00"),
           "acct_used_flag": "0", "mid_setl_flag": "1", "fulamt_ownpay_amt": D("620.00"),
           "overlmt_selfpay": D("80.00"), "preselfpay_amt": D("450.00"),
           "inscp_scp_amt": D("7500.00")}
    pre = p.call(envelope("2303", "2023-01-10 10:00:00", "data", mid, "320402"))["output"]
    s = p.call(envelope("2304", "2023-01-10 10:05:00", "data", mid, "320402"))["output"]
    # 常政办发〔2022〕91号 二（五）: deductible 0 (assumption), 7500.00 below 150000 x 90% (in
    # service, assumption) = 6750.00; the person 620 + 80 + 450 + 750 = 1900.00, no account
    want = {"medfee_sumamt": D("8650.00"), "fulamt_ownpay_amt": D("620.00"),
            "overlmt_selfpay": D("80.00"), "preselfpay_amt": D("450.00"),
            "inscp_scp_amt": D("7500.00"), "hifp_pay": D("6750.00"), "psn_part_amt": D("1900.00"),
            "acct_pay": D("0.00"), "psn_cash_pay": D("1900.00")}
    check(amounts(pre["setlinfo"], *want) == want == amounts(s["setlinfo"], *want),
          "中途结算: %s" % amounts(s["setlinfo"], *want))
    check(s["setlinfo"]["clr_type"] == "21", "clr_type 21 住院")
    p.call(envelope("2301", "2023-01-20 09:00:00", "feedetail", [{
        "feedetl_sn": "Z1", "mdtrt_id": mdtrt, "psn_no": psn, "chrg_bchno": "B9",
        "det_item_fee_sumamt": D("1000.00"), "chrgitm_lv": "01"}], "320402"))
    final = {"psn_no": psn, "mdtrt_id": mdtrt, "insutype": "310", "medfee_sumamt": D("1000.00"),
             "acct_used_flag": "0", "mid_setl_flag": "0", "dscgTime": "2023-01-20"}
    s2 = p.call(envelope("2304", "2023-01-20 10:00:00", "data", final, "320402"))["output"]
    # the uploaded 1000.00 甲类 x 90% = 900.00, the part the 中途结算 did not take
    check(s2["setlinfo"]["hifp_pay"] == D("900.00") and s2["setlinfo"]["setl_id"] == "800000000002",
          "the discharge settles what was left: %s" % s2["setlinfo"]["hifp_pay"])
    a = p.call(envelope("2304", "2023-01-20 10:01:00", "data", final, "320402"), want=-1,
               what="2304 after the discharge settlement")
    check("was settled at discharge" in (a.get("err_msg") or ""), a.get("err_msg"))
    a = p.call(envelope("2301", "2023-01-21 09:00:00", "feedetail", [{
        "feedetl_sn": "Z2", "mdtrt_id": mdtrt, "psn_no": psn, "chrg_bchno": "B9",
        "det_item_fee_sumamt": D("1.00"), "chrgitm_lv": "01"}], "320402"), want=-1,
        what="2301 after the discharge settlement")
    check("was settled at discharge" in (a.get("err_msg") or ""), a.get("err_msg"))
    # 2305 of the 中途结算 first, then of the discharge: the stay opens again
    undo = {"psn_no": psn, "mdtrt_id": mdtrt, "setl_id": "800000000001"}
    r = p.call(envelope("2305", "2023-01-21 10:00:00", "data", undo, "320402"))["output"]
    check(r["setlinfo"]["hifp_pay"] == D("-6750.00") and r["setlinfo"]["overlmt_selfpay"] ==
          D("-80.00") and r["setlinfo"]["setl_id"] == "800000000003", "2305 of the 中途结算")
    a = p.call(envelope("2208", "2023-01-21 10:01:00", "data", dict(undo, setl_id="800000000002"),
                        "320402"), want=-1, what="2208 of an inpatient settlement")
    check("2208 reverses 2207 settlements" in (a.get("err_msg") or ""), a.get("err_msg"))
    p.call(envelope("2305", "2023-01-21 10:02:00", "data", dict(undo, setl_id="800000000002"),
                    "320402"))
    p.call(envelope("2301", "2023-01-21 10:03:00", "feedetail", [{
        "feedetl_sn": "Z2", "mdtrt_id": mdtrt, "psn_no": psn, "chrg_bchno": "B9",
        "det_item_fee_sumamt": D("1.00"), "chrgitm_lv": "01"}], "320402"),
        what="2301 once the discharge settlement is reversed")
    # the scenario file settles the same two claims to the same fen
    scenario = """name: the stay as a scenario
rulesets: [changzhou-employee-outpatient-2023]
enrollee: {id: S, scheme: employee, person_type: in_service, account_balance: 0.00}
claims:
  - {id: M, date: 2023-01-10, med_type: inpatient, admitted: 2023-01-03, discharged: 2023-01-10,
     facility: {id: H00000000001, level: tertiary},
     items: [{amount: 700.00, class: C}, {amount: 450.00, class: B, first_selfpay_ratio: 100%},
             {amount: 7500.00, class: A}]}
  - {id: F, date: 2023-01-20, med_type: inpatient, admitted: 2023-01-03, discharged: 2023-01-20,
     facility: {id: H00000000001, level: tertiary}, items: [{amount: 1000.00, class: A}]}
"""
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as f:
        f.write(scenario)
    out = subprocess.run([EXE, "settle", "--rulesets", "rulesets", f.name], capture_output=True)
    os.unlink(f.name)
    lines = [json.loads(x, parse_float=Decimal) for x in out.stdout.decode().splitlines()]
    for got, line in zip((s["setlinfo"], s2["setlinfo"]), lines):
        keys = ("hifp_pay", "hifob_pay", "fund_pay_sumamt", "psn_part_amt", "psn_cash_pay")
        check(all(got[k] == line["setlinfo"][k] for k in keys), "stay = scenario: %s %s" %
              (amounts(got, *keys), line["setlinfo"]))


# ---- 4. refused requests leave the state alone -----------------------------------------------

def refused(p):
    before = p.snapshot()
    good = example("2206-request.json")

    def with_data(**fields):
        q = copy.deepcopy(good)
        q["input"]["data"].update(fields)
        return q

    cases = [
        (b'{"infno": "2206", "input": {', "not valid JSON at line 1"),
        (b'{"infno": "2206", "input": {}} trailing', "not valid JSON"),
        (dumps(dict(good, infno="2299")), "infno 2299 is not answered offline"),
        (dumps(with_data(psn_no="00000000000000000000")), "psn_no 00000000000000000000"),
        (dumps(with_data(mdtrt_id="900000009999")), "mdtrt_id 900000009999 is not a visit"),
        (dumps(with_data(medfee_sumamt=D("210.200"))), "more than two decimals"),
        (dumps(good).replace(b'"medfee_sumamt": 210.20', b'"medfee_sumamt": 2.102e2'),
         "written with an exponent"),
        (dumps(with_data(medfee_sumamt=D("1" + "0" * 30))), "at most 10^12"),
        (dumps(with_data(medfee_sumamt="二百一十元")), "not a yuan amount"),
        (dumps(with_data(medfee_sumamt=D("-210.20"))), "negative"),
        (dumps(with_data(psn_setlway="02")), "02 按定额结算 is not settled offline"),
        (dumps(good).replace("测试".encode(), b"\xb2\xe2\xca\xd4"), "is not UTF-8"),
        (dumps(good).replace(b'"2206"', b'"2206", "infno": "2207"', 1), "appears twice"),
        (dumps({k: v for k, v in good.items() if k != "inf_time"}), "inf_time is required"),
    ]
    for data, says in cases:
        a = p.call(data, want=-1, what="refused: " + says)
        check(says in (a.get("err_msg") or ""), "err_msg says '%s': %s" % (says, a.get("err_msg")))
        check(a.get("output") is None, "a refused request has no output")
    check(p.snapshot() == before, "the state directory is byte for byte as it was")
    # usage errors are said on stderr, with exit 2
    rc, answer, err = run(["--state", "/nonexistent/state"], dumps(good))
    check(rc == 2 and "does not exist" in err, "a missing state directory: exit 2, %s" % err)
    rc, answer, err = run(["--bogus"], b"")
    check(rc == 2 and "unknown option '--bogus'" in err, "an unknown option: %s" % err)


p = reference_example()
refused(p)
chain_from_declarations()
shanxi_annual_maximum()
changzhou_outpatient_seeded()
inpatient_stay()
check(IDENTITIES_CHECKED[0] == 15, "the identities were checked on every setlinfo (%d)" %
      IDENTITIES_CHECKED[0])
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
