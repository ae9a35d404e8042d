/*
 * Settlement messages: 2206/2207 (outpatient pre-settle and settle), 2303/2304 (inpatient,
 * with 中途结算), and the answers they share, setlinfo and setldetail.
 *
 * The claim is the visit's uploaded fee details, item by item as 2204/2301 classified them
 * (or, for a stay whose details were not uploaded, the four amounts the request carries). The
 * chain is the fixed one, or the rulesets whose declarations match the insured place,
 * insutype and med_type. The answer keeps the platform's identities on every field:
 *   medfee_sumamt   = fulamt_ownpay_amt + overlmt_selfpay + preselfpay_amt + inscp_scp_amt
 *   fund_pay_sumamt = hifp_pay + cvlserv_pay + hifes_pay + hifmi_pay + hifob_pay + maf_pay
 *                     + oth_pay + hifdm_pay
 *   psn_part_amt    = medfee_sumamt - fund_pay_sumamt - hosp_part_amt
 *   psn_cash_pay    = psn_part_amt - acct_pay
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

static const char *const tier_names[] = {"", "basic", "critical illness", "assistance"};

int mb_visit_chain(mb_call *c, const mb_json *person, const char *med_code, int32_t date,
                   const mb_ruleset *chain[MB_CHAIN_MAX], size_t *n, int *med_type)
{
    const mb_platform *p = c->p;
    *n = 0;
    *med_type = -1;
    if (p->fixed_chain) {
        for (size_t i = 0; i < p->nrulesets; i++) {
            chain[(*n)++] = p->rulesets[i];
            if (*med_type < 0)
                *med_type = mb_platform_med_type(p->rulesets[i], med_code);
        }
        if (*med_type < 0)
            return mb_fail(c->err, MB_E_UNKNOWN_CODE,
                           "med_type %s is settled by none of the chain's rulesets (their "
                           "platform.med_type, docs/ruleset-format.md)",
                           med_code);
        return MB_OK;
    }
    const char *admdvs = c->insuplc_admdvs && *c->insuplc_admdvs
                             ? c->insuplc_admdvs
                             : mb_state_text(person, "insuplc_admdvs");
    const char *insutype = mb_state_text(person, "insutype");
    const mb_ruleset *by_tier[4] = {NULL};
    for (size_t i = 0; i < p->nrulesets; i++) {
        const mb_ruleset *rs = p->rulesets[i];
        if (date < rs->effective_from || date > rs->effective_to ||
            !mb_platform_serves_region(rs, admdvs) || !mb_platform_serves_insutype(rs, insutype) ||
            mb_platform_med_type(rs, med_code) < 0)
            continue;
        if (by_tier[rs->tier] != NULL)
            return mb_fail(c->err, MB_E_CHAIN,
                           "two %s rulesets declare insuplc_admdvs %s, insutype %s and med_type "
                           "%s in force on %d: %s and %s; name the chain instead (--chain)",
                           tier_names[rs->tier], admdvs, insutype, med_code, date,
                           mb_ruleset_id(by_tier[rs->tier]), mb_ruleset_id(rs));
        by_tier[rs->tier] = rs;
    }
    if (by_tier[MB_TIER_BASIC] == NULL)
        return mb_fail(c->err, MB_E_NOT_FOUND,
                       "no basic ruleset declares insuplc_admdvs %s, insutype %s and med_type %s "
                       "in force on %d (the rulesets' platform block, docs/ruleset-format.md); "
                       "name the chain instead (--chain)",
                       *admdvs ? admdvs : "(none)", insutype, med_code, date);
    for (int t = MB_TIER_BASIC; t <= MB_TIER_ASSISTANCE; t++)
        if (by_tier[t])
            chain[(*n)++] = by_tier[t];
    *med_type = mb_platform_med_type(by_tier[MB_TIER_BASIC], med_code);
    return MB_OK;
}

/* ---- the claim ---------------------------------------------------------------------------- */

typedef struct totals {
    int64_t total, own, over, pre, inscp;
} totals;

static bool add_to(int64_t *sum, int64_t v) { return mb_add_checked(*sum, v, sum); }

/* The level of the institution a visit is at (mb_platform_set_facility). */
static int facility_level(mb_call *c, const char *code, int *level)
{
    for (size_t i = 0; i < c->p->nfacilities; i++)
        if (strcmp(c->p->facilities[i].code, code) == 0) {
            *level = c->p->facilities[i].level;
            return MB_OK;
        }
    return mb_fail(c->err, MB_E_NOT_FOUND,
                   "fixmedins_code %s has no level: the platform knows each institution's level "
                   "and the messages do not carry it; set it (mb_platform_set_facility, or "
                   "medbenefit platform --facility %s=tertiary)",
                   *code ? code : "(none)", *code ? code : "CODE");
}

/* 异地就医: the treating area outside the insured place's pooling region (the basic ruleset's
 * declared prefix, else the whole code); 省外 when the province differs (GB/T 2260). */
static unsigned area_flags(const mb_call *c, const mb_ruleset *basic, const char *insured)
{
    const char *treated = c->mdtrtarea_admvs ? c->mdtrtarea_admvs : "";
    if (strlen(treated) != 6 || strlen(insured) != 6)
        return 0;
    size_t region = 6;
    for (uint32_t i = 0; i < basic->platform->nadmdvs; i++)
        if (strncmp(insured, basic->platform->admdvs[i], strlen(basic->platform->admdvs[i])) == 0)
            region = strlen(basic->platform->admdvs[i]);
    unsigned flags = 0;
    if (strncmp(treated, insured, region) != 0)
        flags |= MB_CLAIM_OUT_OF_AREA;
    if (strncmp(treated, insured, 2) != 0)
        flags |= MB_CLAIM_OUT_OF_PROVINCE;
    return flags;
}

static int64_t fen_of(const mb_json *record, const char *key)
{
    int64_t fen = 0;
    const char *t = mb_state_text(record, key);
    if (mb_amount_parse(*t == '-' ? t + 1 : t, &fen, NULL) != MB_OK)
        return 0;
    return *t == '-' ? -fen : fen;
}

/* The rows a settlement takes: one batch of an outpatient visit, or all a stay has not yet
 * settled. Refuses a batch already settled (an HIS retrying must not pay twice). */
static int pick_rows(mb_call *c, mb_json *visit, bool inpatient, const char *batch,
                     const mb_json **rows, size_t *nrows, totals *t)
{
    mb_json *fees = mb_json_member(visit, "fees");
    *nrows = 0;
    *t = (totals){0};
    for (const mb_json *f = fees ? fees->first : NULL; f; f = f->next) {
        if (!inpatient && strcmp(mb_state_text(f, "chrg_bchno"), batch) != 0)
            continue;
        const mb_json *s = mb_json_member(f, "setl_id");
        if (s && s->type == MB_JSON_STRING) {
            if (inpatient)
                continue;
            return mb_fail(c->err, MB_E_STATE,
                           "mdtrt_id %s chrg_bchno %s is already settled (setl_id %s): reverse it "
                           "with 2208 before settling it again",
                           visit->key, batch, s->text);
        }
        rows[(*nrows)++] = f;
        if (!add_to(&t->total, fen_of(f, "det_item_fee_sumamt")) ||
            !add_to(&t->own, fen_of(f, "fulamt_ownpay_amt")) ||
            !add_to(&t->pre, fen_of(f, "preselfpay_amt")) ||
            !add_to(&t->inscp, fen_of(f, "inscp_scp_amt")))
            return mb_fail(c->err, MB_E_OVERFLOW, "the fee details of mdtrt_id %s add up past "
                                                  "10^12 yuan", visit->key);
    }
    return MB_OK;
}

typedef struct request {
    const char *psn_no, *mdtrt_id, *insutype, *batch, *med_code, *cert_type, *setlway;
    int64_t medfee, own, over, pre, inscp;
    bool has_own, has_over, has_pre, has_inscp;
    int acct_used, mid_setl;
    int32_t discharged;
} request;

static int read_request(mb_call *c, const mb_json *data, bool inpatient, request *q)
{
    const char *w = "input.data";
    int rc;
    *q = (request){0};
    if ((rc = mb_field_text(c, data, w, "psn_no", true, 30, &q->psn_no)) ||
        (rc = mb_field_text(c, data, w, "mdtrt_id", true, 30, &q->mdtrt_id)) ||
        (rc = mb_field_text(c, data, w, "insutype", true, 6, &q->insutype)) ||
        (rc = mb_field_text(c, data, w, "chrg_bchno", !inpatient, 30, &q->batch)) ||
        (rc = mb_field_text(c, data, w, "med_type", !inpatient, 6, &q->med_code)) ||
        (rc = mb_field_text(c, data, w, "mdtrt_cert_type", false, 3, &q->cert_type)) ||
        (rc = mb_field_text(c, data, w, "psn_setlway", false, 6, &q->setlway)) ||
        (rc = mb_field_amount(c, data, w, "medfee_sumamt", true, &q->medfee, NULL)) ||
        (rc = mb_field_amount(c, data, w, "fulamt_ownpay_amt", false, &q->own, &q->has_own)) ||
        (rc = mb_field_amount(c, data, w, "overlmt_selfpay", false, &q->over, &q->has_over)) ||
        (rc = mb_field_amount(c, data, w, "preselfpay_amt", false, &q->pre, &q->has_pre)) ||
        (rc = mb_field_amount(c, data, w, "inscp_scp_amt", false, &q->inscp, &q->has_inscp)) ||
        (rc = mb_field_flag(c, data, w, "acct_used_flag", 1, &q->acct_used)) ||
        (rc = mb_field_flag(c, data, w, "mid_setl_flag", 0, &q->mid_setl)) ||
        (inpatient && (rc = mb_field_date(c, data, w, "dscgTime", false, &q->discharged))))
        return rc;
    if (q->setlway && strcmp(q->setlway, "01") != 0)
        return mb_fail(c->err, MB_E_UNKNOWN_CODE,
                       "input.data.psn_setlway %s: the library settles by item (01 按项目结算) "
                       "only; 02 按定额结算 is not settled offline",
                       q->setlway);
    return MB_OK;
}

/* The request's own copy of the amounts must be the uploaded details' (费用与明细不符). */
static int check_amounts(mb_call *c, const request *q, const totals *t)
{
    static const char *const names[] = {"medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay",
                                        "preselfpay_amt", "inscp_scp_amt"};
    int64_t want[] = {t->total, t->own, t->over, t->pre, t->inscp};
    int64_t got[] = {q->medfee, q->own, q->over, q->pre, q->inscp};
    bool given[] = {true, q->has_own, q->has_over, q->has_pre, q->has_inscp};
    for (int i = 0; i < 5; i++)
        if (given[i] && got[i] != want[i]) {
            char a[32], b[32];
            mb_fen_text(got[i], a);
            mb_fen_text(want[i], b);
            return mb_fail(c->err, MB_E_INVALID_AMOUNT,
                           "input.data.%s %s does not match the fee details uploaded for "
                           "mdtrt_id %s (%s)",
                           names[i], a, q->mdtrt_id, b);
        }
    return MB_OK;
}

static int build_claim(mb_call *c, const request *q, const mb_json *visit, bool inpatient,
                       int med_type, const mb_ruleset *basic, const mb_json *person,
                       const mb_json *const *rows, size_t nrows, const totals *t, mb_claim **out)
{
    int level = 0, rc;
    const char *facility = mb_state_text(visit, "fixmedins_code");
    if ((rc = facility_level(c, facility, &level)))
        return rc;
    int32_t visit_date = (int32_t)atoi(mb_state_text(visit, "date"));
    int32_t date = inpatient ? c->date : visit_date;
    char id[MB_ID_MAX];
    if (inpatient) {
        const mb_json *settled = mb_json_member(visit, "settlements");
        snprintf(id, sizeof id, "%s:%zu", q->mdtrt_id, (settled ? settled->count : 0) + 1);
    } else {
        snprintf(id, sizeof id, "%s:%s", q->mdtrt_id, q->batch);
    }
    mb_claim *claim = NULL;
    if ((rc = mb_claim_new(&claim, id, date, med_type, facility, level, c->err)))
        return rc;
    unsigned flags = area_flags(c, basic, mb_state_text(person, "insuplc_admdvs"));
    if (!q->acct_used)
        flags |= MB_CLAIM_NO_ACCOUNT;
    if ((rc = mb_claim_set_flags(claim, flags, c->err)))
        goto fail;
    const char *dise = mb_state_text(visit, "dise_codg");
    if (med_type == MB_MED_CHRONIC && *dise && (rc = mb_claim_set_disease(claim, dise, NULL, c->err)))
        goto fail;
    if (inpatient) {
        int32_t discharged = q->discharged ? q->discharged : c->date;
        if (discharged > c->date || discharged < visit_date) {
            rc = mb_fail(c->err, MB_E_INVALID_DATE,
                         "input.data.dscgTime %d is %s", discharged,
                         discharged > c->date ? "after the settlement's inf_time"
                                              : "before the admission (2401 begntime)");
            goto fail;
        }
        if ((rc = mb_claim_set_admission(claim, visit_date, discharged, c->err)))
            goto fail;
    }
    for (size_t i = 0; i < nrows; i++) {
        int64_t det = fen_of(rows[i], "det_item_fee_sumamt");
        int cls = mb_item_class_parse(mb_state_text(rows[i], "chrgitm_lv"));
        int bp = atoi(mb_state_text(rows[i], "selfpay_bp"));
        if (det > 0 &&
            (rc = mb_claim_add_item(claim, det, cls, cls == MB_CLASS_B ? bp : -1, c->err)))
            goto fail;
    }
    if (nrows == 0) {
        /* a stay without uploaded details: the four amounts of the request, as items that
         * settle exactly as they say (超限价 is, like 丙类, outside policy scope) */
        struct {
            int64_t fen;
            int cls, bp;
        } parts[] = {{t->own + t->over, MB_CLASS_C, -1},
                     {t->pre, MB_CLASS_B, MB_BP_ONE},
                     {t->inscp, MB_CLASS_A, -1}};
        for (size_t i = 0; i < 3; i++)
            if (parts[i].fen > 0 &&
                (rc = mb_claim_add_item(claim, parts[i].fen, parts[i].cls, parts[i].bp, c->err)))
                goto fail;
    }
    *out = claim;
    return MB_OK;
fail:
    mb_claim_free(claim);
    return rc;
}

/* ---- the answer ---------------------------------------------------------------------------- */

/* The trace of one ruleset, in the platform's 结算过程信息 (at most 4000 bytes, whole
 * characters). */
static void proc_info(const mb_result *r, const char *ruleset_id, bool account_row, char *out,
                      size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < mb_result_trace_count(r); i++) {
        mb_trace_step s;
        if (mb_result_trace(r, i, &s) != MB_OK || strcmp(s.ruleset_id, ruleset_id) != 0)
            continue;
        /* the account's steps go to the account's row, the rest to the funds' */
        bool account = strncmp(s.rule, "account", 7) == 0;
        if (account_row != account)
            continue;
        char in[32], outv[32], ratio[24] = "";
        mb_fen_text(s.amount_in, in);
        mb_fen_text(s.amount_out, outv);
        if (s.ratio_bp >= 0)
            snprintf(ratio, sizeof ratio, " %d.%02d%%", s.ratio_bp / 100, s.ratio_bp % 100);
        char step[1024];
        int len = snprintf(step, sizeof step, "%s%s %s %s→%s%s（%s）", n ? "；" : "", s.rule,
                           s.what, in, outv, ratio, s.cite);
        if (len < 0 || (size_t)len >= sizeof step || n + (size_t)len + 1 > cap) {
            /* cut at a character boundary, with an ellipsis, within the cap */
            size_t room = cap - n - 1;
            if (room >= 3) {
                size_t k = (size_t)len < room - 3 ? (size_t)len : room - 3;
                while (k > 0 && ((unsigned char)step[k] & 0xC0) == 0x80)
                    k--;
                memcpy(out + n, step, k);
                memcpy(out + n + k, "…", 3);
                out[n + k + 3] = '\0';
            }
            return;
        }
        memcpy(out + n, step, (size_t)len + 1);
        n += (size_t)len;
    }
}

/* setldetail: each fund that took part, then the personal account where the basic ruleset
 * names its fund_pay_type. */
static void answer_detail(mb_call *c, mb_json *detail, const mb_result *r,
                          const mb_ruleset *const *chain, size_t n, int scheme, int64_t inscp)
{
    mb_json_doc *d = &c->out;
    char info[4001];
    for (size_t i = 0; i < mb_result_fund_count(r); i++) {
        mb_fund_row f;
        if (mb_result_fund(r, i, &f) != MB_OK)
            continue;
        const char *owner = "";
        for (size_t k = 0; k < n && !*owner; k++)
            for (uint32_t j = 0; j < chain[k]->nfunds; j++)
                if (chain[k]->funds[j].code[scheme] &&
                    strcmp(chain[k]->funds[j].code[scheme], f.fund_pay_type) == 0)
                    owner = chain[k]->id;
        mb_json *row = mb_json_append(d, detail, mb_json_object(d));
        mb_json_set_string(d, row, "fund_pay_type", f.fund_pay_type);
        mb_json_set_fen(d, row, "inscp_scp_amt", f.inscp_scp_amt);
        if (f.crt_payb_lmt_amt < 0)
            mb_json_set(d, row, "crt_payb_lmt_amt", mb_json_null(d));
        else
            mb_json_set_fen(d, row, "crt_payb_lmt_amt", f.crt_payb_lmt_amt);
        mb_json_set_fen(d, row, "fund_payamt", f.fund_payamt);
        mb_json_set_string(d, row, "fund_pay_type_name", f.fund_name);
        proc_info(r, owner, false, info, sizeof info);
        mb_json_set_string(d, row, "setl_proc_info", info);
    }
    const mb_platform_rules *pr = chain[0]->platform;
    int64_t acct = mb_result_amount(r, MB_AMT_ACCT_PAY);
    if (acct != 0 && pr->account_code[scheme]) {
        mb_json *row = mb_json_append(d, detail, mb_json_object(d));
        mb_json_set_string(d, row, "fund_pay_type", pr->account_code[scheme]);
        mb_json_set_fen(d, row, "inscp_scp_amt", inscp);
        mb_json_set(d, row, "crt_payb_lmt_amt", mb_json_null(d));
        mb_json_set_fen(d, row, "fund_payamt", acct);
        mb_json_set_string(d, row, "fund_pay_type_name", pr->account_name[scheme]);
        proc_info(r, chain[0]->id, true, info, sizeof info);
        mb_json_set_string(d, row, "setl_proc_info", info);
    }
}

/* The whole setlinfo. The funds the library has no tier for (公务员医疗补助, 企业补充, 其他,
 * 伤残人员) and the hospital's share are 0; docs/platform.md. */
static int answer_setlinfo(mb_call *c, mb_json *info, const request *q, const mb_json *person,
                           const char *med_code, const char *setl_id, const mb_result *r,
                           const totals *t, bool inpatient, int med_type)
{
    mb_json_doc *d = &c->out;
    const mb_json *base = mb_json_member(person, "baseinfo");
    const mb_json *row = NULL;
    for (const mb_json *x = mb_json_member(person, "insuinfo")->first; x; x = x->next)
        if (strcmp(mb_state_text(x, "insutype"), mb_state_text(person, "insutype")) == 0)
            row = x;
    mb_json_set_string(d, info, "mdtrt_id", q->mdtrt_id);
    if (setl_id)
        mb_json_set_string(d, info, "setl_id", setl_id);
    mb_json_set_string(d, info, "psn_no", q->psn_no);
    static const char *const person_fields[] = {"psn_name", "psn_cert_type", "certno", "gend",
                                                "naty",     "brdy",          "age"};
    for (size_t i = 0; i < sizeof person_fields / sizeof person_fields[0]; i++) {
        const mb_json *v = mb_json_member(base, person_fields[i]);
        mb_json_set(d, info, person_fields[i], v ? mb_json_copy(d, v) : mb_json_null(d));
    }
    mb_json_set_string(d, info, "insutype", mb_state_text(person, "insutype"));
    mb_json_set_string(d, info, "psn_type", mb_state_text(person, "psn_type"));
    const char *cvl = mb_state_text(row, "cvlserv_flag");
    mb_json_set_string(d, info, "cvlserv_flag", *cvl ? cvl : "0");
    mb_json_set_string(d, info, "setl_time", c->inf_time);
    mb_json_set_string(d, info, "mdtrt_cert_type", q->cert_type);
    mb_json_set_string(d, info, "med_type", med_code);
    /* amounts: the library's result, with 超限价 told apart from 丙类 again */
    int64_t a[MB_AMT_COUNT_];
    mb_result_amounts(r, a, MB_AMT_COUNT_);
    int64_t medfee = a[MB_AMT_MEDFEE_SUMAMT], own = a[MB_AMT_FULAMT_OWNPAY] - t->over,
            over = t->over + a[MB_AMT_OVERLMT_SELFPAY], pre = a[MB_AMT_PRESELFPAY],
            inscp = a[MB_AMT_INSCP_SCP];
    int64_t zero = 0, hosp = 0;
    int64_t fund = a[MB_AMT_HIFP_PAY] + zero + zero + a[MB_AMT_HIFMI_PAY] + a[MB_AMT_HIFOB_PAY] +
                   a[MB_AMT_MAF_PAY] + zero + zero;
    int64_t part = medfee - fund - hosp, cash = part - a[MB_AMT_ACCT_PAY];
    /* the claim is what the details said, and every identity holds, or nothing is answered */
    if (medfee != t->total || own != t->own || pre != t->pre || inscp != t->inscp ||
        medfee != own + over + pre + inscp || fund != a[MB_AMT_FUND_PAY_SUMAMT] ||
        part != a[MB_AMT_PSN_PART] || cash != a[MB_AMT_PSN_CASH_PAY])
        return mb_fail(c->err, MB_E_STATE,
                       "internal: the settlement of mdtrt_id %s does not add up (medfee %lld, "
                       "details %lld); nothing was settled",
                       q->mdtrt_id, (long long)medfee, (long long)t->total);
    mb_json_set_fen(d, info, "medfee_sumamt", medfee);
    mb_json_set_fen(d, info, "fulamt_ownpay_amt", own);
    mb_json_set_fen(d, info, "overlmt_selfpay", over);
    mb_json_set_fen(d, info, "preselfpay_amt", pre);
    mb_json_set_fen(d, info, "inscp_scp_amt", inscp);
    mb_json_set_fen(d, info, "act_pay_dedc", a[MB_AMT_ACT_PAY_DEDC]);
    mb_json_set_fen(d, info, "hifp_pay", a[MB_AMT_HIFP_PAY]);
    mb_json_set_number(d, info, "pool_prop_selfpay", "0");
    mb_json_set_fen(d, info, "cvlserv_pay", zero);
    mb_json_set_fen(d, info, "hifes_pay", zero);
    mb_json_set_fen(d, info, "hifmi_pay", a[MB_AMT_HIFMI_PAY]);
    mb_json_set_fen(d, info, "hifob_pay", a[MB_AMT_HIFOB_PAY]);
    mb_json_set_fen(d, info, "maf_pay", a[MB_AMT_MAF_PAY]);
    mb_json_set_fen(d, info, "oth_pay", zero);
    mb_json_set_fen(d, info, "hifdm_pay", zero);
    mb_json_set_fen(d, info, "fund_pay_sumamt", fund);
    mb_json_set_fen(d, info, "psn_part_amt", part);
    mb_json_set_fen(d, info, "acct_pay", a[MB_AMT_ACCT_PAY]);
    mb_json_set_fen(d, info, "psn_cash_pay", cash);
    mb_json_set_fen(d, info, "hosp_part_amt", hosp);
    mb_json_set_fen(d, info, "balc", a[MB_AMT_BALC]);
    mb_json_set_fen(d, info, "acct_mulaid_pay", a[MB_AMT_ACCT_MULAID_PAY]);
    mb_json_set_string(d, info, "medins_setl_id", c->msgid);
    mb_json_set_string(d, info, "clr_optins", mb_state_text(person, "insuplc_admdvs"));
    mb_json_set_string(d, info, "clr_way", "1");
    mb_json_set_string(d, info, "clr_type",
                       inpatient ? "21" : med_type == MB_MED_PHARMACY ? "41" : "11");
    return MB_OK;
}

int mb_msg_settle(mb_call *c)
{
    bool inpatient = c->infno[1] == '3';
    bool commit = strcmp(c->infno, "2207") == 0 || strcmp(c->infno, "2304") == 0;
    const mb_json *data;
    request q;
    mb_json *visit, *person;
    int rc;
    if ((rc = mb_field_node(c, c->input, "input", "data", MB_JSON_OBJECT, true, &data)) ||
        (rc = read_request(c, data, inpatient, &q)) ||
        (rc = mb_state_person(c, q.psn_no, c->infno, &person)) ||
        (rc = mb_message_visit(c, "input.data", q.mdtrt_id, q.psn_no, inpatient, &visit)))
        return rc;
    if (strcmp(q.insutype, mb_state_text(visit, "insutype")) != 0)
        return mb_fail(c->err, MB_E_INVALID_ARGUMENT,
                       "input.data.insutype %s: mdtrt_id %s was registered under insutype %s",
                       q.insutype, q.mdtrt_id, mb_state_text(visit, "insutype"));
    const char *med_code = q.med_code ? q.med_code : mb_state_text(visit, "med_type");
    if (*med_code == '\0')
        return mb_fail(c->err, MB_E_INVALID_ARGUMENT,
                       "input.data.med_type is required: mdtrt_id %s has no med_type (2203)",
                       q.mdtrt_id);
    const mb_json **rows = mb_calloc(mb_json_member(visit, "fees")->count + 1, sizeof *rows);
    if (rows == NULL)
        return mb_fail(c->err, MB_E_NOMEM, "out of memory");
    size_t nrows;
    totals t;
    mb_claim *claim = NULL;
    mb_enrollee *e = NULL;
    const mb_ruleset *chain[MB_CHAIN_MAX];
    size_t n;
    int med_type;
    int32_t date = inpatient ? c->date : (int32_t)atoi(mb_state_text(visit, "date"));
    if ((rc = pick_rows(c, visit, inpatient, q.batch, rows, &nrows, &t)))
        goto out;
    if (nrows == 0 && !inpatient) {
        rc = mb_fail(c->err, MB_E_NOT_FOUND,
                     "mdtrt_id %s has no fee details of chrg_bchno %s: upload them with 2204 "
                     "before settling",
                     q.mdtrt_id, q.batch);
        goto out;
    }
    if (nrows == 0) {
        if (!(q.has_own && q.has_over && q.has_pre && q.has_inscp)) {
            rc = mb_fail(c->err, MB_E_NOT_FOUND,
                         "mdtrt_id %s has no fee details left to settle: upload them with 2301, "
                         "or give fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt and "
                         "inscp_scp_amt",
                         q.mdtrt_id);
            goto out;
        }
        t = (totals){q.own + q.over + q.pre + q.inscp, q.own, q.over, q.pre, q.inscp};
        if (t.total != q.medfee) {
            char a[32], b[32];
            mb_fen_text(q.medfee, a);
            mb_fen_text(t.total, b);
            rc = mb_fail(c->err, MB_E_INVALID_AMOUNT,
                         "input.data.medfee_sumamt %s is not fulamt_ownpay_amt + overlmt_selfpay "
                         "+ preselfpay_amt + inscp_scp_amt (%s)",
                         a, b);
            goto out;
        }
    } else if ((rc = check_amounts(c, &q, &t))) {
        goto out;
    }
    if ((rc = mb_visit_chain(c, person, med_code, date, chain, &n, &med_type)) ||
        (rc = build_claim(c, &q, visit, inpatient, med_type, chain[0], person, rows, nrows, &t,
                          &claim)) ||
        (rc = mb_state_enrollee(c, person, &e)))
        goto out;
    mb_result *r = c->p->result;
    rc = commit ? mb_settle(r, chain, n, e, claim, c->err)
                : mb_presettle(r, chain, n, e, claim, c->err);
    if (rc != MB_OK)
        goto out;
    char setl_id[32] = "";
    if (commit && (rc = mb_state_next_id(c, "setl", setl_id)))
        goto out;
    mb_json_doc *d = &c->out;
    mb_json *info = mb_json_set(d, c->output, "setlinfo", mb_json_object(d));
    mb_json *detail = mb_json_set(d, c->output, "setldetail", mb_json_array(d));
    if ((rc = answer_setlinfo(c, info, &q, person, med_code, commit ? setl_id : NULL, r, &t,
                              inpatient, med_type)))
        goto out;
    answer_detail(c, detail, r, chain, n, e->scheme,
                  mb_result_amount(r, MB_AMT_INSCP_SCP));
    if (commit) {
        /* what the platform keeps of a settlement: its answer, the rows it took, its claim */
        mb_json_doc *s = &c->st;
        mb_json *rec = mb_json_set(s, mb_state_table(c, "settlements"), setl_id,
                                   mb_json_object(s));
        mb_json_set_string(s, rec, "infno", c->infno);
        mb_json_set_string(s, rec, "mdtrt_id", q.mdtrt_id);
        mb_json_set_string(s, rec, "psn_no", q.psn_no);
        mb_json_set_string(s, rec, "claim_id", mb_claim_id(claim));
        mb_json_set_string(s, rec, "journal_id", mb_result_setl_id(r));
        mb_json_set_string(s, rec, "mid_setl_flag", q.mid_setl ? "1" : "0");
        mb_json_set(s, rec, "setlinfo", mb_json_copy(s, info));
        mb_json_set(s, rec, "setldetail", mb_json_copy(s, detail));
        mb_json_set(s, rec, "reversed_by", mb_json_null(s));
        for (size_t i = 0; i < nrows; i++)
            mb_json_set_string(s, (mb_json *)rows[i], "setl_id", setl_id);
        mb_json *settled = mb_json_member(visit, "settlements");
        if (settled == NULL)
            settled = mb_json_set(s, visit, "settlements", mb_json_array(s));
        mb_json_append(s, settled, mb_json_string(s, setl_id));
        if (inpatient && !q.mid_setl)
            mb_json_set_string(s, visit, "closed", setl_id);
        if ((rc = mb_state_keep_enrollee(c, person, e)))
            goto out;
    }
    if (mb_json_failed(&c->out) || mb_json_failed(&c->st))
        rc = mb_fail(c->err, MB_E_NOMEM, "out of memory");
out:
    mb_free(rows);
    mb_claim_free(claim);
    mb_enrollee_free(e);
    return rc;
}

/* The amounts of a setlinfo or setldetail row a reversal answers negated (the reference's
 * 2208/2305 samples): every amount but the balance, the ratio and the person's age. */
static bool negated(const char *key)
{
    static const char *const kept[] = {"balc", "pool_prop_selfpay", "age", "crt_payb_lmt_amt"};
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
        if (strcmp(key, kept[i]) == 0)
            return false;
    return true;
}

static void negate_amounts(mb_json_doc *d, mb_json *obj)
{
    for (mb_json *m = obj->first; m; m = m->next) {
        if (m->type != MB_JSON_NUMBER || !negated(m->key))
            continue;
        int64_t fen = fen_of(obj, m->key);
        mb_json_set_fen(d, obj, m->key, -fen);
    }
}

int mb_msg_reverse(mb_call *c)
{
    bool inpatient = strcmp(c->infno, "2305") == 0;
    const char *settles = inpatient ? "2304" : "2207";
    const mb_json *data;
    const char *setl_id, *mdtrt_id, *psn_no, *w = "input.data";
    mb_json *person, *rec;
    int rc;
    if ((rc = mb_field_node(c, c->input, "input", "data", MB_JSON_OBJECT, true, &data)) ||
        (rc = mb_field_text(c, data, w, "setl_id", true, 30, &setl_id)) ||
        (rc = mb_field_text(c, data, w, "mdtrt_id", true, 30, &mdtrt_id)) ||
        (rc = mb_field_text(c, data, w, "psn_no", true, 30, &psn_no)) ||
        (rc = mb_state_person(c, psn_no, c->infno, &person)))
        return rc;
    rec = mb_json_member(mb_state_table(c, "settlements"), setl_id);
    if (rec == NULL)
        return mb_fail(c->err, MB_E_NOT_FOUND,
                       "%s: setl_id %s is not a settlement of this offline platform", c->infno,
                       setl_id);
    if (strcmp(mb_state_text(rec, "infno"), settles) != 0)
        return mb_fail(c->err, MB_E_INVALID_ARGUMENT,
                       "%s reverses %s settlements; setl_id %s is %s", c->infno, settles,
                       setl_id,
                       *mb_state_text(rec, "reverses") ? "itself a reversal"
                                                       : "a settlement of another kind");
    if (strcmp(mb_state_text(rec, "mdtrt_id"), mdtrt_id) != 0 ||
        strcmp(mb_state_text(rec, "psn_no"), psn_no) != 0)
        return mb_fail(c->err, MB_E_INVALID_ARGUMENT,
                       "%s: setl_id %s settled mdtrt_id %s of psn_no %s, not mdtrt_id %s of %s",
                       c->infno, setl_id, mb_state_text(rec, "mdtrt_id"),
                       mb_state_text(rec, "psn_no"), mdtrt_id, psn_no);
    const mb_json *by = mb_json_member(rec, "reversed_by");
    if (by && by->type == MB_JSON_STRING)
        return mb_fail(c->err, MB_E_STATE, "%s: setl_id %s was reversed already (setl_id %s)",
                       c->infno, setl_id, by->text);
    /* the answer is the settlement's own, negated: a record without it is damaged */
    const mb_json *kept_info = mb_json_member(rec, "setlinfo");
    const mb_json *kept_detail = mb_json_member(rec, "setldetail");
    if (kept_info == NULL || kept_info->type != MB_JSON_OBJECT || kept_detail == NULL ||
        kept_detail->type != MB_JSON_ARRAY)
        return mb_fail(c->err, MB_E_CORRUPT,
                       "the platform state's settlement %s has no setlinfo object or no "
                       "setldetail array", setl_id);
    mb_enrollee *e = NULL;
    if ((rc = mb_state_enrollee(c, person, &e)))
        return rc;
    if ((rc = mb_reverse_id(e, mb_state_text(rec, "journal_id"), c->err)))
        goto out;
    char id[32];
    if ((rc = mb_state_next_id(c, "setl", id)))
        goto out;
    /* the answer: the settlement's own, negated, with the balance after the refund */
    mb_json_doc *d = &c->out;
    mb_json *info = mb_json_set(d, c->output, "setlinfo", mb_json_copy(d, kept_info));
    mb_json *detail = mb_json_set(d, c->output, "setldetail", mb_json_copy(d, kept_detail));
    if (info == NULL || detail == NULL) {
        rc = mb_fail(c->err, MB_E_NOMEM, "out of memory");
        goto out;
    }
    negate_amounts(d, info);
    mb_json_set_string(d, info, "setl_id", id);
    mb_json_set_string(d, info, "setl_time", c->inf_time);
    mb_json_set_fen(d, info, "balc", mb_enrollee_account_balance(e));
    mb_json_set_string(d, info, "medins_setl_id", c->msgid);
    if (!inpatient) /* the spec table's own spelling, which HIS code is written against too */
        mb_json_set_fen(d, info, "pdn_cash_pay", fen_of(info, "psn_cash_pay"));
    for (mb_json *row = detail->first; row; row = row->next) {
        negate_amounts(d, row);
        mb_json_set(d, row, "crt_payb_lmt_amt", mb_json_null(d));
    }
    /* the state: the settlement reversed, its fee details free to settle again */
    mb_json_doc *s = &c->st;
    mb_json_set_string(s, rec, "reversed_by", id);
    mb_json *rev = mb_json_set(s, mb_state_table(c, "settlements"), id, mb_json_object(s));
    mb_json_set_string(s, rev, "infno", c->infno);
    mb_json_set_string(s, rev, "mdtrt_id", mdtrt_id);
    mb_json_set_string(s, rev, "psn_no", psn_no);
    mb_json_set_string(s, rev, "reverses", setl_id);
    mb_json_set(s, rev, "setlinfo", mb_json_copy(s, info));
    mb_json_set(s, rev, "setldetail", mb_json_copy(s, detail));
    mb_json *visit = mb_json_member(mb_state_table(c, "visits"), mdtrt_id);
    mb_json *fees = mb_json_member(visit, "fees");
    for (mb_json *f = fees ? fees->first : NULL; f; f = f->next)
        if (strcmp(mb_state_text(f, "setl_id"), setl_id) == 0)
            mb_json_set(s, f, "setl_id", mb_json_null(s));
    if (strcmp(mb_state_text(visit, "closed"), setl_id) == 0)
        mb_json_remove(visit, "closed");
    if ((rc = mb_state_keep_enrollee(c, person, e)) == MB_OK &&
        (mb_json_failed(s) || mb_json_failed(d)))
        rc = mb_fail(c->err, MB_E_NOMEM, "out of memory");
out:
    mb_enrollee_free(e);
    return rc;
}
