/*
 * The settlement pipeline. For one claim and a chain of rulesets:
 *
 *   1. classify the items: class C out of scope, class B first self-pay, the rest in scope;
 *   2. for each tier in order (basic, critical illness, assistance), skipping tiers already
 *      settled upstream: for each layer of the ruleset that matches the claim and whose
 *      requirements hold, take the deductible, pay each band at its ratio, apply the caps;
 *      every tier works on the policy-scope self-pay the tiers before it left;
 *   3. the personal account pays the person's share, the rest is cash.
 *
 * All reads of year-to-date figures go through the pending deltas of this claim, so two layers
 * sharing a cap see each other's payments; nothing touches the enrollee until commit. No heap
 * allocation and no string comparison happens here: strings were hashed when they came in.
 */
#include <string.h>

#include "journal.h"
#include "pipeline.h"
#include "program.h"

/* ---- one tier ----------------------------------------------------------------------------- */

/* The layers of the claim's scheme and med_type, in order: each that applies pays. */
static int layers(settle_ctx *x, const mb_ruleset *rs, const mb_roster *roster, int disease,
                  bool *applied)
{
    mb_view view;
    int rc = mb_view_build(x, rs, roster, disease, &view);
    if (rc != MB_OK)
        return rc;
    int64_t tier_compliant = x->remaining;
    bool account_done = false;
    const uint32_t *span = &rs->layers_for[x->e->scheme][x->c->med_type % 32];
    for (uint32_t k = span[0]; k < span[1]; k++) { /* those of the claim's med_type and scheme */
        const mb_layer *l = &rs->layers[rs->layer_order[k]];
        if (!mb_layer_takes_disease(rs, l, disease))
            continue;
        layer_terms t;
        if (!mb_layer_check(x, rs, l, roster, &view, &t))
            continue;
        if (!account_done)
            tier_compliant = mb_account_first(x, rs, tier_compliant);
        account_done = true;
        if ((rc = mb_layer_run(x, rs, l, &t, tier_compliant)))
            return rc;
        *applied = true;
    }
    return MB_OK;
}

static int settle_tier(settle_ctx *x, const mb_ruleset *rs)
{
    const mb_bill *c = x->c;
    const mb_enrollee *e = x->e;
    int rc;
    if (!((rs->schemes >> e->scheme) & 1u)) {
        if (x->first_tier)
            mb_not_covered(x, MB_REASON_SCHEME, rs->id, rs->document, NULL, 0);
        return MB_OK;
    }
    int disease = -1;
    if (c->disease_hash != 0 && rs->ndiseases > 0) {
        disease = c->diseases ? c->diseases[x->tier] : mb_catalogue_lookup(rs, c->disease_hash);
        if (disease < 0)
            return mb_fail(x->err, MB_E_UNKNOWN_DISEASE,
                           "claim %s: disease '%s' is not in the catalogue of %s", mb_bill_name(c),
                           c->disease, rs->id);
    }
    uint64_t activity_key = rs->activity_key, revoked_key = rs->revoked_key;
    mb_activity act = {0, 0}; /* read only where idleness revokes */
    const mb_acc *activity_at = NULL, *revoked_at = NULL; /* their entries, looked up once */
    if (rs->revoke_idle_months > 0)
        act = (mb_activity){(int32_t)mb_pending_read(x, activity_key, 0, &activity_at),
                            (int32_t)mb_pending_read(x, revoked_key, 0, &revoked_at)};
    mb_roster roster;
    if (rs->ndiseases > 0)
        mb_roster_hold(&roster, rs, e, c->date, &act, x->held ? &x->held[x->tier] : NULL);
    else { /* no catalogue: no disease is held under it */
        roster.nheld = roster.n = 0;
        roster.decided = true;
    }
    /* a claim its plain layers take is settled without a view (program.c) */
    const mb_plain_span *plain = rs->plain_for ? rs->plain_for[e->scheme][c->med_type % 32] : NULL;
    bool applied = false;
    if (plain != NULL) {
        if ((rc = mb_plain_run(x, rs, plain, &roster, disease, &applied)))
            return rc;
        x->r->plain_tiers |= 1u << x->tier;
    } else if ((rc = layers(x, rs, &roster, disease, &applied))) {
        return rc;
    }
    if (rs->revoke_idle_months > 0 &&
        ((c->med_type == MB_MED_CHRONIC && applied) || mb_med_inpatient(c->med_type))) {
        bool stay = mb_med_inpatient(c->med_type) && c->discharged;
        int32_t day = stay ? c->discharged : c->date;
        /* activity after an idle spell too long does not restore a lapsed qualification:
         * record the lapse first, counted from the last activity or, before any, from the
         * latest benefit start (a certification is itself recent evidence; the list order of
         * the certifications must not matter). A stay is activity from its admission: one
         * begun within the spell ends it (期间无住院记录), whenever it is discharged. */
        int32_t anchor = act.last;
        for (uint32_t i = 0; act.last == 0 && i < roster.nheld; i++)
            if (roster.held[i].start <= day && roster.held[i].start > anchor)
                anchor = roster.held[i].start;
        int32_t lapse = anchor ? mb_add_months(anchor, rs->revoke_idle_months) : 0;
        if (lapse && (stay ? c->admitted : day) > lapse &&
            (rc = mb_pending_raise_at(x, revoked_key, 0, lapse, revoked_at)))
            return rc;
        if ((rc = mb_pending_raise_at(x, activity_key, 0, day, activity_at)))
            return rc;
    }
    if (!applied && x->first_tier)
        mb_not_covered(x, MB_REASON_NO_LAYER, rs->id, rs->document, NULL, 0);
    if (applied && x->first_tier)
        x->r->covered = 1;
    return MB_OK;
}

/* ---- the pipeline ------------------------------------------------------------------------- */

/* The part above a price limit (overlmt_selfpay) of a claim settled upstream: what its total
 * holds beyond class C, the first self-pay and the platform's policy-scope cost, so that
 * medfee_sumamt = fulamt_ownpay + overlmt_selfpay + preselfpay + inscp_scp as on the platform.
 * A negative part means the amounts contradict each other. */
static int over_limit(const mb_bill *c, int64_t pre, int64_t *over, mb_error *err)
{
    *over = c->total - c->class_c - pre - c->up_compliant; /* each term <= 10^14: no overflow */
    if (*over >= 0)
        return MB_OK;
    int64_t sum = c->class_c + pre + c->up_compliant;
    return mb_fail(err, MB_E_INVALID_AMOUNT,
                   "claim %s: upstream policy-scope cost %lld.%02lld + class C %lld.%02lld + class B "
                   "first self-pay %lld.%02lld = %lld.%02lld yuan exceed the claim's total "
                   "%lld.%02lld (medfee_sumamt = fulamt_ownpay + overlmt_selfpay + preselfpay + "
                   "inscp_scp); check the upstream amount and the items' classes and ratios",
                   mb_bill_name(c), MB_YUAN_ARGS(c->up_compliant), MB_YUAN_ARGS(c->class_c),
                   MB_YUAN_ARGS(pre), MB_YUAN_ARGS(sum), MB_YUAN_ARGS(c->total));
}

/* The class B first self-pay ratio of the first tier that settles a claim, which classifies
 * its items: the row its class_b_first_selfpay chooses for the claim (the default when none). */
static const mb_row *class_b_row(const mb_bill *c, const mb_enrollee *e, const mb_ruleset *rs)
{
    if (rs->class_b.n <= 1)
        return rs->class_b.n ? &rs->class_b.row[0] : NULL;
    mb_view v;
    mb_view_claim(rs, e, c, &v);
    return mb_rows_pick(&rs->class_b, &v);
}

/* The class B first self-pay (先行自付) of a claim: the items' own ratios, and the ratio of the
 * first tier that settles it for the rest. */
static int64_t first_selfpay(const mb_bill *c, const mb_enrollee *e, const mb_row *row)
{
    int32_t bp = row ? (int32_t)row->v[e->person_type - 1] : 0;
    return c->class_b_explicit_pre + mb_apply_ratio(c->class_b_default, bp);
}

/* Whether two rulesets are revisions of one line: the same tier, their accumulators kept under
 * the same id (a successor names the first of its line in `continues`). */
static bool same_line(const mb_ruleset *a, const mb_ruleset *b)
{
    return a->tier == b->tier && a->ns == b->ns; /* ns: the hash of the line's first id */
}

int mb_chain_check(const mb_ruleset *const *chain, size_t n, mb_error *err)
{
    if (chain == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "settle: a chain is required");
    if (n == 0 || n > MB_CHAIN_MAX)
        return mb_fail(err, MB_E_CHAIN, "a chain holds 1 to %d rulesets, not %zu", MB_CHAIN_MAX, n);
    for (size_t i = 0; i < n; i++) {
        if (chain[i] == NULL)
            return mb_fail(err, MB_E_INVALID_ARGUMENT, "chain[%zu] is NULL", i);
        if (i > 0 && !same_line(chain[i], chain[i - 1]) && chain[i]->tier <= chain[i - 1]->tier)
            return mb_fail(err, MB_E_CHAIN,
                           "%s (tier %d) cannot follow %s (tier %d): tiers go basic, critical "
                           "illness, assistance, each at most once (or as revisions of one "
                           "line, each continuing the first: 'continues')",
                           chain[i]->id, chain[i]->tier, chain[i - 1]->id, chain[i - 1]->tier);
    }
    return MB_OK;
}

/* The dates around `date` on which the rulesets of `chain` in force are the same: each
 * ruleset's period, or the gap before or after it. */
static void in_force_dates(const mb_ruleset *const *chain, size_t n, int32_t date, mb_in_force *f)
{
    int32_t from = INT32_MIN, to = INT32_MAX;
    for (size_t i = 0; i < n; i++) {
        int32_t start = chain[i]->effective_from, end = chain[i]->effective_to;
        if (date < start)
            end = start - 1, start = INT32_MIN; /* dates are 1900..2999: no overflow */
        else if (date > end)
            start = end + 1, end = INT32_MAX;
        from = from > start ? from : start;
        to = to < end ? to : end;
    }
    f->from = from, f->to = to;
}

/* Work out `f` for claim c's date: of each line of revisions, the one in force (the claim is
 * refused where a line has none, or two). */
static int work_out_in_force(const mb_ruleset *const *chain, size_t n, const mb_bill *c,
                             mb_in_force *f, mb_error *err)
{
    const mb_ruleset **eff = f->eff;
    size_t m = 0, line = 0; /* line: where the current line of revisions starts in chain */
    for (size_t i = 0; i < n; i++) {
        bool revision = i > 0 && same_line(chain[i], chain[i - 1]);
        if (!revision) {
            line = i;
            eff[m++] = NULL;
        }
        bool in_force = c->date >= chain[i]->effective_from && c->date <= chain[i]->effective_to;
        char d0[16], d1[16], d2[16];
        if (in_force && eff[m - 1] != NULL)
            return mb_fail(err, MB_E_CHAIN,
                           "%s and %s, revisions of one line, are both in force on %s: their "
                           "periods must not overlap", eff[m - 1]->id, chain[i]->id,
                           mb_date_text(c->date, d0));
        if (in_force)
            eff[m - 1] = chain[i];
        bool last_of_line = i + 1 == n || !same_line(chain[i + 1], chain[i]);
        if (last_of_line && eff[m - 1] == NULL) {
            if (line == i)
                return mb_fail(err, MB_E_INVALID_DATE,
                               "claim %s is dated %s, outside %s's period in force %s to %s",
                               mb_bill_name(c), mb_date_text(c->date, d0), chain[i]->id,
                               mb_date_text(chain[i]->effective_from, d1),
                               chain[i]->effective_to == 29991231
                                   ? "(open)"
                                   : mb_date_text(chain[i]->effective_to, d2));
            return mb_fail(err, MB_E_INVALID_DATE,
                           "claim %s is dated %s, when no revision of %s (%s to %s) is in force",
                           mb_bill_name(c), mb_date_text(c->date, d0), chain[line]->ns_id,
                           chain[line]->id, chain[i]->id);
        }
    }
    f->n = m;
    if (f->kept)
        in_force_dates(chain, n, c->date, f);
    return MB_OK;
}

int mb_bill_check_all(const mb_ruleset *const *chain, size_t n, const mb_enrollee *e,
                      const mb_bill *c, mb_in_force *f, mb_error *err)
{
    int rc;
    if ((c->date < f->from || c->date > f->to) &&
        (rc = work_out_in_force(chain, n, c, f, err))) {
        mb_in_force_none(f, f->kept);
        return rc;
    }
    if (c->nitems == 0)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "claim %s has no line items", mb_bill_name(c));
    if (mb_med_inpatient(c->med_type) && c->admitted == 0)
        return mb_fail(err, MB_E_INVALID_DATE, "inpatient claim %s needs admitted and discharged dates",
                       mb_bill_name(c));
    int64_t over;
    if (c->has_upstream)
        return over_limit(c, first_selfpay(c, e, class_b_row(c, e, f->eff[0])), &over, err);
    return MB_OK;
}

/* What every public settle call checks first, and only once (the calls within trust it): the
 * handles, then the chain's shape. */
static int check_call(const mb_result *r, const mb_ruleset *const *chain, size_t n,
                      const mb_enrollee *e, const mb_claim *claim, mb_error *err)
{
    if (r == NULL || chain == NULL || e == NULL || claim == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "settle: result, chain, enrollee and claim are required");
    return mb_chain_check(chain, n, err);
}

uint32_t mb_chain_trace_steps(const mb_ruleset *const *chain, size_t n)
{
    uint32_t steps = 5; /* items, first_selfpay, upstream, account, account.family */
    for (size_t i = 0; i < n; i++)
        steps += chain[i]->trace_steps; /* or its upstream.skipped: one step */
    return steps;
}

static const mb_ruleset *basic_tier(const mb_ruleset *const *chain, size_t n)
{
    for (size_t i = 0; chain != NULL && i < n; i++)
        if (chain[i] != NULL && chain[i]->tier == MB_TIER_BASIC)
            return chain[i];
    return NULL;
}

/* Whether the claim's upstream amounts already settled this tier. */
static bool settled_upstream(const mb_bill *c, const mb_ruleset *rs)
{
    return c->has_upstream && (rs->tier == MB_TIER_BASIC ||
                               (rs->tier == MB_TIER_CRITICAL_ILLNESS && c->up_critical >= 0));
}

/* 1. The items: the first tier that settles here classifies them (class C out of scope, the
 * class B first self-pay, the rest in scope). */
static int64_t classify(settle_ctx *x, const mb_ruleset *classifier, int64_t *pre)
{
    const mb_bill *c = x->c;
    const mb_enrollee *e = x->e;
    mb_settlement *r = x->r;
    const mb_row *class_b = class_b_row(c, e, classifier);
    *pre = first_selfpay(c, e, class_b);
    int64_t compliant = c->total - c->class_c - *pre;
    r->amt[MB_AMT_MEDFEE_SUMAMT] = c->total;
    r->amt[MB_AMT_FULAMT_OWNPAY] = c->class_c;
    mb_trace_add(x, classifier, "items", class_b ? class_b->cite : classifier->class_b_cite,
                 "甲乙丙类划分", c->total, compliant, class_b ? (int32_t)class_b->v[x->slot] : 0);
    if (classifier->first_selfpay.n && !c->has_upstream) {
        /* 个人先自付: a share of the policy-scope cost the person pays before any layer */
        mb_view v;
        mb_view_claim(classifier, e, c, &v);
        const mb_row *row = mb_rows_pick(&classifier->first_selfpay, &v);
        if (row != NULL) {
            int64_t first = mb_apply_ratio(compliant, (int32_t)row->v[x->slot]);
            mb_trace_add(x, classifier, "first_selfpay", row->cite, "个人先自付", compliant,
                         first, (int32_t)row->v[x->slot]);
            *pre += first;
            compliant -= first;
        }
    }
    r->amt[MB_AMT_PRESELFPAY] = *pre;
    return compliant;
}

/* What the tiers settled upstream paid: their funds' rows, and the policy-scope cost they
 * settled on, which replaces the classified one. Returns what they paid. */
static int64_t upstream(settle_ctx *x, const mb_ruleset *const *chain, size_t n, int64_t pre,
                        int64_t *compliant)
{
    const mb_bill *c = x->c;
    mb_settlement *r = x->r;
    int scheme = x->e->scheme;
    int64_t over;
    (void)over_limit(c, pre, &over, x->err); /* mb_bill_check refused a negative part */
    r->amt[MB_AMT_OVERLMT_SELFPAY] = over;
    *compliant = c->up_compliant;
    int64_t ci = c->up_critical > 0 ? c->up_critical : 0;
    r->amt[MB_AMT_HIFP_PAY] += c->up_basic;
    r->amt[MB_AMT_HIFMI_PAY] += ci;
    static const char *const basic_code[3] = {NULL, "310100", "390100"};
    static const char *const basic_name[3] = {NULL, "职工基本医疗保险统筹基金", "城乡居民基本医疗保险基金"};
    /* national fund_pay_type codes; critical illness for employees is paid as 大额 */
    static const char *const ci_code[3] = {NULL, "330100", "390200"};
    static const char *const ci_name[3] = {NULL, "大额医疗费用补助基金", "城乡居民大病医疗保险基金"};
    r->funds[r->nfunds++] = (mb_fund_row){basic_code[scheme], basic_name[scheme], *compliant,
                                          c->up_basic, MB_UNLIMITED};
    if (c->up_critical >= 0)
        r->funds[r->nfunds++] = (mb_fund_row){ci_code[scheme], ci_name[scheme],
                                              *compliant - c->up_basic, ci, MB_UNLIMITED};
    if (c->up_assistance > 0) { /* 民政救助 paid upstream: the national 医疗救助基金 row */
        r->amt[MB_AMT_MAF_PAY] += c->up_assistance;
        r->funds[r->nfunds++] = (mb_fund_row){"610100", "医疗救助基金", *compliant - c->up_basic - ci,
                                              c->up_assistance, MB_UNLIMITED};
    }
    /* cited by the first tier that settles what upstream left, by the clause that says it
     * does (or, when upstream settled every tier, by the last one's document) */
    const mb_ruleset *after = NULL;
    for (size_t i = 0; i < n && after == NULL; i++)
        if (!settled_upstream(c, chain[i]))
            after = chain[i];
    if (after == NULL)
        after = chain[n - 1];
    const char *cite = after->upstream_cite ? after->upstream_cite : after->document;
    int64_t paid = c->up_basic + ci + c->up_assistance; /* at most *compliant */
    mb_trace_add(x, after, "upstream", cite, "上游已结算", *compliant, paid, -1);
    return paid;
}

/* 2. Each tier in order, skipping those settled upstream. */
static int tiers(settle_ctx *x, const mb_ruleset *const *chain, size_t n)
{
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        const mb_ruleset *rs = chain[i];
        if (settled_upstream(x->c, rs)) {
            mb_trace_add(x, rs, "upstream.skipped", rs->document, "已由上游结算，跳过", 0, 0, -1);
            continue;
        }
        x->first_tier = first;
        x->tier = i;
        int rc = settle_tier(x, rs);
        if (rc != MB_OK)
            return rc;
        first = false;
    }
    if (first) /* every tier was settled upstream */
        x->r->covered = 1;
    return MB_OK;
}

/* 3. The person's share: the account (the basic tier's rules), a family member's account,
 * then cash. */
static int person_share(settle_ctx *x, const mb_ruleset *const *chain, size_t n,
                        const mb_enrollee *payer)
{
    const mb_bill *c = x->c;
    const mb_enrollee *e = x->e;
    mb_settlement *r = x->r;
    int64_t funds = 0;
    for (int a = MB_AMT_HIFP_PAY; a <= MB_AMT_MAF_PAY; a++)
        funds += r->amt[a];
    r->amt[MB_AMT_FUND_PAY_SUMAMT] = funds;
    int64_t part = c->total - funds;
    const mb_ruleset *basic = basic_tier(chain, n); /* its account rules apply */
    int account_mode = basic ? basic->account : MB_ACCOUNT_NONE;
    int64_t acct = x->acct_first;
    if (account_mode != MB_ACCOUNT_NONE && !(c->flags & MB_CLAIM_NO_ACCOUNT)) {
        int64_t more = mb_min64(e->balance - acct, part - acct);
        if (more > 0) {
            acct += more;
            mb_trace_add(x, basic, "account", basic->account_cite, "个人账户支付",
                         part - x->acct_first, more, -1);
        }
    }
    int64_t family = 0;
    if (payer != NULL && account_mode != MB_ACCOUNT_NONE) {
        /* 共济: a family member's account pays what the patient's own left */
        family = mb_max64(0, mb_min64(payer->balance, part - acct));
        if (family > 0)
            mb_trace_add(x, basic, "account.family", basic->family_cite, "家庭成员个人账户共济支付",
                         part - acct, family, -1);
        r->payer_before = payer->balance;
        r->payer_after = payer->balance - family;
        r->payer_tag = payer->tag;
    }
    r->amt[MB_AMT_ACCT_MULAID_PAY] = family;
    acct += family;
    r->amt[MB_AMT_PSN_PART] = part;
    r->amt[MB_AMT_ACCT_PAY] = acct;
    r->amt[MB_AMT_PSN_CASH_PAY] = part - acct;
    r->balance_before = e->balance;
    r->balance_after = e->balance - (acct - family);
    r->amt[MB_AMT_BALC] = r->balance_after;
    if (part < 0 || acct < 0 || part - acct < 0)
        return mb_fail(x->err, MB_E_RULESET, "claim %s: funds paid more than the claim's total",
                       mb_bill_name(c));
    return MB_OK;
}

int mb_compute(mb_settlement *r, const mb_ruleset *const *chain, size_t n, const mb_enrollee *e,
               const mb_enrollee *payer, const mb_bill *c, bool tracing, mb_held_cache *held,
               mb_error *err)
{
    mb_zero(r, offsetof(mb_settlement, reason_text));
    /* each field set, not the struct zeroed: ded_base and ded_paid are read below nded only */
    settle_ctx x;
    x.r = r, x.e = e, x.c = c, x.err = err, x.slot = e->person_type - 1;
    x.year = mb_date_year(c->date), x.med_bit = mb_med_bit(c->med_type);
    x.remaining = x.acct_first = 0, x.first_tier = false, x.nded = 0;
    x.tracing = tracing, x.tier = 0, x.held = held;
    int64_t pre, compliant = classify(&x, chain[0], &pre), upstream_funds = 0;
    if (c->has_upstream)
        upstream_funds = upstream(&x, chain, n, pre, &compliant);
    r->amt[MB_AMT_INSCP_SCP] = compliant;
    x.remaining = compliant - upstream_funds;
    int rc = tiers(&x, chain, n);
    return rc != MB_OK ? rc : person_share(&x, chain, n, payer);
}

/* Compute a checked claim into the result's spare settlement (current only on success) under
 * `eff`, the chain it settles under. */
static inline __attribute__((always_inline)) int
compute(mb_result *res, const mb_ruleset *const *eff, size_t neff, const mb_enrollee *e,
        const mb_enrollee *payer, const mb_claim *claim, mb_error *err)
{
    /* the whole trace fits: it is never cut (the room is there but for a first long chain) */
    uint32_t steps = mb_chain_trace_steps(eff, neff);
    int rc = steps <= res->s[!res->cur].trace_cap ? MB_OK : mb_result_trace_room(res, steps, err);
    if (rc != MB_OK)
        return rc;
    return mb_compute(&res->s[!res->cur], eff, neff, e, payer, &claim->b, true, res->held, err);
}

/* Presettle a claim under a checked chain, `f` as settle_checked takes it. */
static int presettle_checked(mb_result *out, const mb_ruleset *const *chain, size_t n,
                             const mb_enrollee *e, const mb_claim *claim, mb_in_force *f,
                             mb_error *err)
{
    int rc = mb_bill_check(chain, n, e, &claim->b, f, err);
    if (rc == MB_OK)
        rc = compute(out, f->eff, f->n, e, NULL, claim, err);
    if (rc == MB_OK)
        out->cur = !out->cur;
    return rc;
}

int mb_presettle(mb_result *out, const mb_ruleset *const *chain, size_t n,
                 const mb_enrollee *enrollee, const mb_claim *claim, mb_error *err)
{
    mb_in_force f;
    mb_in_force_none(&f, false);
    int rc = check_call(out, chain, n, enrollee, claim, err);
    return rc != MB_OK ? rc : presettle_checked(out, chain, n, enrollee, claim, &f, err);
}

/* Apply a computed settlement of `c` to the enrollee(s) and record it in their journals. A
 * claim already settled is refused here, before anything changes. */
int mb_commit(mb_settlement *out, mb_enrollee *e, mb_enrollee *payer, const mb_bill *c,
              mb_error *err)
{
    uint32_t fresh = out->nfresh; /* the entries it adds, as compute() found the table */
    if (!mb_acc_room(e, fresh) || !mb_journal_room(&e->journal, out->ndeltas) ||
        (payer != NULL && !mb_journal_room(&payer->journal, 0)))
        return mb_fail(err, MB_E_CAPACITY,
                       "enrollee %s: no room for the %u accumulators this settlement adds (%u held) "
                       "or for its journal entry; call mb_enrollee_reserve_for(enrollee, chain, n) "
                       "before settling", e->id, fresh, e->acc_count);
    /* a bill without a settlement key (a columnar row of an enrollee whose journal keeps
     * nothing, columns.c) is given no settlement id: nothing could read it or find it again */
    mb_journal_plan plan = {0, 0};
    int rc = c->setl_key || e->journal.limit || payer ? mb_journal_plan_for(e, payer, c, &plan, err)
                                                      : MB_OK;
    if (rc != MB_OK)
        return rc;
    for (uint32_t i = 0; i < out->ndeltas; i++) {
        const mb_delta *d = &out->deltas[i];
        if (d->slot) /* the entry compute() found: nothing was added to the table since */
            d->slot->value = d->after;
        else
            mb_acc_set(e, d->change.key, d->change.period, d->after);
    }
    e->balance = out->balance_after;
    out->setl = plan.setl;
    out->serial = mb_journal_record(e, out, c, &plan, payer ? MB_JOURNAL_PATIENT : MB_JOURNAL_OWN, payer);
    out->enrollee_tag = e->tag;
    out->enrollee_instance = e->instance;
    if (payer != NULL) {
        payer->balance = out->payer_after;
        mb_journal_record(payer, out, c, &plan, MB_JOURNAL_PAYER, e);
        out->payer_instance = payer->instance;
    }
    out->committed = true;
    return MB_OK;
}

/* Commit the spare settlement (just computed) of `claim`, then make it current. */
static int commit(mb_result *res, mb_enrollee *e, mb_enrollee *payer, const mb_claim *claim,
                  mb_error *err)
{
    int rc = mb_commit(&res->s[!res->cur], e, payer, &claim->b, err);
    if (rc == MB_OK)
        res->cur = !res->cur;
    return rc;
}

/* Room in the enrollee's accumulator table for what `claim` can add under `chain`, made before
 * anything is computed: the one allocation a settlement can make, and none when the room is
 * there (mb_enrollee_reserve_for made it, or earlier claims did). Growing the table changes
 * nothing a caller can observe, so a settlement that then fails still changes nothing. */
static int make_room(const mb_ruleset *const *chain, size_t n, mb_enrollee *e,
                     mb_enrollee *payer, const mb_claim *claim, mb_error *err)
{
    uint32_t need = mb_chain_new_entries(chain, n, claim->b.med_type);
    return mb_room_for(e, payer, need) ? MB_OK : mb_make_room_for(e, payer, need, err);
}

/* Settle a claim under a checked chain: check the claim, make room, compute, commit. `f`: the
 * chain in force as the batch's claim before found it (mb_in_force_none: none before). */
static inline __attribute__((always_inline)) int
settle_checked(mb_result *out, const mb_ruleset *const *chain, size_t n, mb_enrollee *e,
               const mb_claim *claim, mb_in_force *f, mb_error *err)
{
    int rc = mb_bill_check(chain, n, e, &claim->b, f, err);
    if (rc == MB_OK)
        rc = make_room(chain, n, e, NULL, claim, err);
    if (rc == MB_OK)
        rc = compute(out, f->eff, f->n, e, NULL, claim, err);
    return rc != MB_OK ? rc : commit(out, e, NULL, claim, err);
}

int mb_settle(mb_result *out, const mb_ruleset *const *chain, size_t n, mb_enrollee *e,
              const mb_claim *claim, mb_error *err)
{
    mb_in_force f;
    mb_in_force_none(&f, false);
    int rc = check_call(out, chain, n, e, claim, err);
    return rc != MB_OK ? rc : settle_checked(out, chain, n, e, claim, &f, err);
}

int mb_settle_batch(mb_result *r, const mb_ruleset *const *chain, size_t n, mb_enrollee *e,
                    const mb_claim *const *claims, size_t nclaims, unsigned flags,
                    int64_t *amounts, size_t stride, int32_t *status, int32_t *covered,
                    mb_error *err)
{
    if (r == NULL || e == NULL || (claims == NULL && nclaims > 0))
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_settle_batch: result, enrollee and claims are required");
    if (flags & ~MB_BATCH_PRESETTLE)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "unknown batch flags 0x%x", flags);
    /* rows are `stride` apart as the caller laid them out; amounts beyond the ones this
     * library reports are zero (mb_amounts_row) */
    int first = MB_OK;
    mb_error *report = err;
    bool checked = mb_chain_check(chain, n, NULL) == MB_OK; /* once for every claim */
    bool presettle = flags & MB_BATCH_PRESETTLE;
    mb_in_force f; /* the chain in force, kept while the claims' dates stay in its period */
    mb_in_force_none(&f, true);
    for (size_t i = 0; i < nclaims; i++) {
        /* each claim makes room for what it can add before it is computed (medbenefit.h); a
         * claim or chain that is wrong is described by the public call */
        int rc = !checked || claims[i] == NULL
                     ? presettle ? mb_presettle(r, chain, n, e, claims[i], report)
                                 : mb_settle(r, chain, n, e, claims[i], report)
                 : presettle ? presettle_checked(r, chain, n, e, claims[i], &f, report)
                             : settle_checked(r, chain, n, e, claims[i], &f, report);
        if (rc != MB_OK && first == MB_OK) {
            first = rc;
            report = NULL; /* keep the first failure's description */
        }
        if (status)
            status[i] = rc;
        if (covered)
            covered[i] = rc == MB_OK ? r->s[r->cur].covered : 0;
        if (amounts)
            mb_amounts_row(amounts + i * stride, stride, &r->s[r->cur], rc == MB_OK);
    }
    return first;
}

int mb_settle_family(mb_result *out, const mb_ruleset *const *chain, size_t n,
                     mb_enrollee *patient, mb_enrollee *payer, int relation,
                     const mb_claim *claim, mb_error *err)
{
    if (payer == NULL || patient == NULL || payer == patient)
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "mb_settle_family: a patient and a different payer are required");
    if (relation < MB_FAMILY_SPOUSE || relation > MB_FAMILY_CHILD)
        return mb_fail(err, MB_E_UNKNOWN_CODE, "unknown family relation %d", relation);
    if (payer->id[0] && strcmp(payer->id, patient->id) == 0)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "the payer and the patient have the same id");
    /* a malformed chain or claim is reported as such, before what the chain allows */
    mb_in_force f;
    mb_in_force_none(&f, false);
    int rc = check_call(out, chain, n, patient, claim, err);
    if (rc == MB_OK)
        rc = mb_bill_check(chain, n, patient, &claim->b, &f, err);
    if (rc != MB_OK)
        return rc;
    const mb_ruleset *basic = basic_tier(f.eff, f.n);
    if (basic == NULL || !((basic->family_relations >> relation) & 1u))
        return mb_fail(err, MB_E_NOT_ELIGIBLE,
                       "%s does not let a family member's personal account pay for this relation",
                       basic ? basic->id : "the chain");
    rc = make_room(chain, n, patient, payer, claim, err);
    if (rc == MB_OK)
        rc = compute(out, f.eff, f.n, patient, payer, claim, err);
    return rc != MB_OK ? rc : commit(out, patient, payer, claim, err);
}

