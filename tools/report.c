/* Printing settlements: JSON in the national platform's field names, and a readable trace. */
#include <stdio.h>
#include <string.h>

#include "report.h"

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", out);
        else if (ch < 0x20)
            fprintf(out, "\\u%04x", ch);
        else
            fputc(ch, out);
    }
    fputc('"', out);
}

void report_json(FILE *out, const char *scenario, const char *claim_id, const mb_result *r)
{
    char b[32];
    fputs("{\"scenario\":", out);
    json_string(out, scenario);
    fputs(",\"claim_id\":", out);
    json_string(out, claim_id);
    fputs(",\"setlinfo\":{", out);
    for (int a = 0; a < MB_AMT_COUNT_; a++)
        fprintf(out, "%s\"%s\":%s", a ? "," : "", mb_amount_name(a), yuan(mb_result_amount(r, a), b));
    fputs("},\"setldetail\":[", out);
    for (size_t i = 0; i < mb_result_fund_count(r); i++) {
        mb_fund_row row;
        mb_result_fund(r, i, &row);
        fprintf(out, "%s{\"fund_pay_type\":", i ? "," : "");
        json_string(out, row.fund_pay_type);
        fputs(",\"fund_pay_type_name\":", out);
        json_string(out, row.fund_name);
        fprintf(out, ",\"inscp_scp_amt\":%s", yuan(row.inscp_scp_amt, b));
        fprintf(out, ",\"fund_payamt\":%s", yuan(row.fund_payamt, b));
        if (row.crt_payb_lmt_amt < 0)
            fputs(",\"crt_payb_lmt_amt\":null}", out);
        else
            fprintf(out, ",\"crt_payb_lmt_amt\":%s}", yuan(row.crt_payb_lmt_amt, b));
    }
    fprintf(out, "],\"covered\":%s,\"reason\":", mb_result_covered(r) ? "true" : "false");
    json_string(out, mb_result_reason(r));
    fputs("}\n", out);
}

void report_error_json(FILE *out, const char *scenario, const char *claim_id, int status,
                       const char *message)
{
    fputs("{\"scenario\":", out);
    json_string(out, scenario);
    fputs(",\"claim_id\":", out);
    json_string(out, claim_id);
    fputs(",\"error\":", out);
    json_string(out, mb_status_name(status));
    fputs(",\"message\":", out);
    json_string(out, message);
    fputs("}\n", out);
}

void report_explain(FILE *out, const char *scenario, const char *claim_id, const mb_result *r)
{
    char b1[32], b2[32];
    fprintf(out, "== %s / %s\n", scenario, claim_id);
    fprintf(out, "   医疗费总额 %s  全自费 %s  超限价自费 %s  先行自付 %s  符合政策范围 %s\n",
            yuan(mb_result_amount(r, MB_AMT_MEDFEE_SUMAMT), b1),
            yuan(mb_result_amount(r, MB_AMT_FULAMT_OWNPAY), b2),
            yuan(mb_result_amount(r, MB_AMT_OVERLMT_SELFPAY), (char[32]){0}),
            yuan(mb_result_amount(r, MB_AMT_PRESELFPAY), (char[32]){0}),
            yuan(mb_result_amount(r, MB_AMT_INSCP_SCP), (char[32]){0}));
    for (size_t i = 0; i < mb_result_trace_count(r); i++) {
        mb_trace_step s;
        mb_result_trace(r, i, &s);
        fprintf(out, "   %2zu. %-28s %-14s in %12s  out %12s", i + 1, s.rule, s.what,
                yuan(s.amount_in, b1), yuan(s.amount_out, b2));
        if (s.ratio_bp >= 0)
            fprintf(out, "  比例 %d.%02d%%", s.ratio_bp / 100, s.ratio_bp % 100);
        if (s.cite && *s.cite)
            fprintf(out, "\n       依据 %s", s.cite);
        fputc('\n', out);
    }
    for (size_t i = 0; i < mb_result_fund_count(r); i++) {
        mb_fund_row row;
        mb_result_fund(r, i, &row);
        fprintf(out, "   基金 %s %s 支付 %s", row.fund_pay_type, row.fund_name,
                yuan(row.fund_payamt, b1));
        if (row.crt_payb_lmt_amt >= 0)
            fprintf(out, "（剩余限额 %s）", yuan(row.crt_payb_lmt_amt, b2));
        fputc('\n', out);
    }
    fprintf(out, "   基金支付 %s  个人账户 %s  现金 %s\n",
            yuan(mb_result_amount(r, MB_AMT_FUND_PAY_SUMAMT), b1),
            yuan(mb_result_amount(r, MB_AMT_ACCT_PAY), b2),
            yuan(mb_result_amount(r, MB_AMT_PSN_CASH_PAY), (char[32]){0}));
    if (!mb_result_covered(r))
        fprintf(out, "   待遇未享受: %s\n", mb_result_reason(r));
}
