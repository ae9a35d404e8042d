#!/usr/bin/env python3
"""Write a seeded year of Wuxi chronic claims as a claim file for `medbenefit compare --chain`
(docs/claims-format.md): employees in service and retired, one or two certified diseases each,
a claim every week or two at their designated facility, class A, B and C amounts.

    python3 bench/gen-claims.py CLAIMS [--format csv|jsonl] [--per-enrollee N] [--seed S] > FILE

CSV amounts are written in yuan (class_a_yuan ...), JSON Lines amounts in fen (class_a_fen ...),
so that both of the file's ways of declaring units are exercised.
"""
import argparse
import json
import random
import sys
from datetime import date, timedelta

DISEASES = ["糖尿病", "M03900", "冠心病（心绞痛、心肌梗塞）", "M05300", "恶性肿瘤", "帕金森病"]
HEADER = ["enrollee", "scheme", "person_type", "designated_facility", "diseases", "claim_id",
          "date", "med_type", "facility", "level", "disease", "class_a", "class_b", "class_c"]


def yuan(fen):
    return f"{fen // 100}.{fen % 100:02d}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("claims", type=int)
    ap.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    ap.add_argument("--per-enrollee", type=int, default=24)
    ap.add_argument("--seed", type=int, default=12)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    out = sys.stdout
    csv = a.format == "csv"
    unit = "_yuan" if csv else "_fen"
    if csv:
        out.write(",".join(h + unit if h.startswith("class_") else h for h in HEADER) + "\n")
    written, person = 0, 0
    start = date(2021, 1, 1)
    lines = []
    while written < a.claims:
        person += 1
        pid = f"P{person:08d}"
        ptype = "retired" if rnd.random() < 0.4 else "in_service"
        facility = f"H{rnd.randrange(1, 400):04d}"
        held = rnd.sample(DISEASES, 2 if rnd.random() < 0.3 else 1)
        certified = ";".join(f"{d}@2020-{rnd.randrange(1, 13):02d}-15" for d in held)
        n = min(a.claims - written, max(1, int(rnd.gauss(a.per_enrollee, a.per_enrollee / 4))))
        day = rnd.randrange(0, 14)
        for k in range(n):
            d = start + timedelta(days=min(day, 364))
            day += rnd.randrange(7, 15) if n <= 26 else rnd.randrange(0, 2 * 364 // n + 1)
            cls = [rnd.randrange(2000, 60000), rnd.randrange(0, 30000) if rnd.random() < 0.6 else 0,
                   rnd.randrange(0, 5000) if rnd.random() < 0.3 else 0]
            row = {"enrollee": pid, "claim_id": f"{pid}-{k + 1:03d}", "date": d.isoformat(),
                   "med_type": "chronic", "facility": facility, "level": "tertiary",
                   "disease": rnd.choice(held)}
            if k == 0:
                row.update({"scheme": "employee", "person_type": ptype,
                            "designated_facility": facility, "diseases": certified})
            for name, fen in zip(("class_a", "class_b", "class_c"), cls):
                if fen:
                    row[name + unit] = yuan(fen) if csv else fen
            if csv:
                lines.append(",".join(str(row.get(h + unit if h.startswith("class_") else h, ""))
                                      for h in HEADER))
            else:
                lines.append(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
            written += 1
        if len(lines) >= 10000:
            out.write("\n".join(lines) + "\n")
            lines = []
    if lines:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
