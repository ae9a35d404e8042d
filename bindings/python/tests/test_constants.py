"""The binding's constants and struct layouts are the header's: _constants.py is generated from
include/medbenefit.h (gen_constants.py), and the structs _ffi.py declares to cffi are laid out as
the C compiler lays out the header's. Both checks compile against the header, so a header change
that the binding does not follow fails here."""
import os
import shutil
import subprocess
import sys

import pytest

from medbenefit._ffi import ffi

HERE = os.path.dirname(os.path.abspath(__file__))
BINDING = os.path.dirname(HERE)
ROOT = os.path.dirname(os.path.dirname(BINDING))
HEADER = os.path.join(ROOT, "include", "medbenefit.h")
CC = os.environ.get("CC", "cc")

pytestmark = pytest.mark.skipif(shutil.which(CC) is None, reason=f"no C compiler ({CC})")

STRUCTS = {
    "mb_columns": ["size", "nrows", "enrollee", "claim_id", "date", "med_type", "level", "flags",
                   "facility", "disease", "treatment", "admitted", "discharged", "prescriber",
                   "prescriber_level", "item_start", "item_fen", "item_class",
                   "item_selfpay_bp", "up_compliant", "up_basic", "up_critical", "facilities",
                   "nfacilities", "diseases", "ndiseases", "treatments", "ntreatments",
                   "facility_category", "facility_categories", "nfacility_categories"],
    "mb_column_results": ["size", "amounts", "stride", "status", "covered"],
    "mb_columns_options": ["size", "flags", "threads", "enrollee_from", "enrollee_to"],
    "mb_fund_row": ["fund_pay_type", "fund_name", "inscp_scp_amt", "fund_payamt",
                    "crt_payb_lmt_amt"],
    "mb_trace_step": ["ruleset_id", "rule", "cite", "what", "amount_in", "amount_out",
                      "ratio_bp"],
}


def test_constants_are_generated_from_the_header():
    out = subprocess.run([sys.executable, os.path.join(BINDING, "gen_constants.py"), "--check"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr + out.stdout


def test_struct_layouts_match_the_header(tmp_path):
    src = tmp_path / "layout.c"
    lines = ['#include <stddef.h>', '#include <stdio.h>', f'#include "{HEADER}"',
             "int main(void)", "{"]
    for struct, fields in STRUCTS.items():
        lines.append(f'    printf("{struct} %zu\\n", sizeof({struct}));')
        for f in fields:
            lines.append(f'    printf("{struct}.{f} %zu\\n", offsetof({struct}, {f}));')
    lines += ["    return 0;", "}"]
    src.write_text("\n".join(lines) + "\n")
    exe = tmp_path / "layout"
    subprocess.run([CC, "-std=c11", "-o", str(exe), str(src)], check=True)
    c = dict(line.rsplit(" ", 1) for line in
             subprocess.run([str(exe)], check=True, capture_output=True,
                            text=True).stdout.splitlines())
    py = {}
    for struct, fields in STRUCTS.items():
        py[struct] = str(ffi.sizeof(struct))
        for f in fields:
            py[f"{struct}.{f}"] = str(ffi.offsetof(struct, f))
    assert py == c
    # every field the header's structs have is declared: the C sizes equal cffi's
    assert [ffi.typeof(s).fields[-1][0] for s in STRUCTS] == [f[-1] for f in STRUCTS.values()]
