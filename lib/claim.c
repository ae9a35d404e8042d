/* Claims: one visit's bill. Strings are hashed here, so settlement compares integers only.
 * The checks and sums are the bill's (mb_bill_*), shared with the rows of a columnar batch
 * (columns.c), so that a row is refused, and summed, exactly as a claim handle would be. */
#include <string.h>

#include "journal.h"

/* Whether `src` fits a field of `cap` bytes and is valid UTF-8, and its length, past the `n`
 * bytes of ASCII that mb_claim_text_length measured inline. Every argument of a call is
 * checked before any field changes. */
int mb_claim_text_rest(const char *src, size_t n, size_t cap, const char *what, size_t *len,
                       mb_error *err)
{
    *len = 0;
    n += strlen(src + n);
    if (n >= cap)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "%s is longer than %zu bytes", what, cap - 1);
    if (!mb_utf8_valid(src, n))
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "%s is not valid UTF-8", what);
    *len = n;
    return MB_OK;
}

int mb_claim_text_check(const char *src, size_t cap, const char *what, mb_error *err)
{
    size_t len;
    return mb_claim_text_length(src, cap, what, &len, err);
}

/* Set a field checked by mb_claim_text_check, and its hash (0 when cleared). */
static void set_text(char *dst, uint64_t *hash, const char *src)
{
    if (src == NULL)
        dst[0] = '\0';
    else
        memcpy(dst, src, strlen(src) + 1);
    if (hash)
        *hash = mb_hash(dst);
}

static bool med_type_valid(int m)
{
    return m == MB_MED_GENERAL_OUTPATIENT || m == MB_MED_EMERGENCY || m == MB_MED_CHRONIC ||
           m == MB_MED_PHARMACY || m == MB_MED_MATERNITY_OUTPATIENT || mb_med_inpatient(m);
}

/* ---- the bill: checks and sums ------------------------------------------------------------ */

int mb_bill_start(mb_bill *b, int32_t date, int med_type, int level, mb_error *err)
{
    if (!mb_date_valid(date))
        return mb_fail(err, MB_E_INVALID_DATE, "claim date %d is not a calendar date", date);
    if (!med_type_valid(med_type))
        return mb_fail(err, MB_E_UNKNOWN_CODE,
                       "unknown med_type %d (11 general outpatient, 13 emergency, 14 chronic, "
                       "21 inpatient, 22 trauma, 23 referred out, 24 emergency admission, "
                       "41 pharmacy, 51/52 maternity outpatient/inpatient)", med_type);
    if (level < MB_LEVEL_PRIMARY || level > MB_LEVEL_PHARMACY)
        return mb_fail(err, MB_E_UNKNOWN_CODE, "unknown facility level %d", level);
    b->date = date;
    b->med_type = med_type;
    b->level = level;
    b->flags = med_type == MB_MED_EMERGENCY ? MB_CLAIM_EMERGENCY : 0;
    b->up_critical = -1;
    return MB_OK;
}

int mb_bill_set_flags(mb_bill *b, unsigned flags, mb_error *err)
{
    if (flags & ~0x3fu)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "unknown claim flags 0x%x", flags & ~0x3fu);
    if (b->med_type == MB_MED_EMERGENCY)
        flags |= MB_CLAIM_EMERGENCY;
    b->flags = flags;
    return MB_OK;
}

int mb_bill_set_admission(mb_bill *b, int32_t admitted, int32_t discharged, mb_error *err)
{
    if (!mb_date_valid(admitted) || !mb_date_valid(discharged))
        return mb_fail(err, MB_E_INVALID_DATE, "admission %d / discharge %d are not dates",
                       admitted, discharged);
    if (discharged < admitted)
        return mb_fail(err, MB_E_INVALID_DATE, "discharged %d is before admitted %d", discharged,
                       admitted);
    if (discharged > b->date)
        return mb_fail(err, MB_E_INVALID_DATE,
                       "discharged %d is after the claim date %d (admitted <= discharged <= date)",
                       discharged, b->date);
    b->admitted = admitted;
    b->discharged = discharged;
    return MB_OK;
}

int mb_bill_check_prescriber(int level, mb_error *err)
{
    if (level < MB_LEVEL_PRIMARY || level > MB_LEVEL_TERTIARY)
        return mb_fail(err, MB_E_UNKNOWN_CODE, "a prescriber is a primary, secondary or tertiary facility");
    return MB_OK;
}

int mb_bill_item_refused(const mb_bill *b, int64_t fen, int item_class, int first_selfpay_bp,
                         mb_error *err)
{
    if (fen < 0 || fen > MB_MONEY_MAX)
        return mb_fail(err, MB_E_INVALID_AMOUNT, "item amount %lld fen is negative or absurd",
                       (long long)fen);
    if (item_class < MB_CLASS_A || item_class > MB_CLASS_C)
        return mb_fail(err, MB_E_UNKNOWN_CODE, "unknown item class %d (A, B or C)", item_class);
    if (first_selfpay_bp < -1 || first_selfpay_bp > MB_BP_ONE)
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "first self-pay ratio %d bp is outside 0..10000 (or -1 for the default)",
                       first_selfpay_bp);
    if (first_selfpay_bp >= 0 && item_class != MB_CLASS_B)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "only class B items have a first self-pay ratio");
    int64_t total;
    if (!mb_add_checked(b->total, fen, &total))
        return mb_fail(err, MB_E_OVERFLOW, "the claim's total would exceed 10^12 yuan");
    return MB_OK;
}

int mb_bill_set_upstream(mb_bill *b, int64_t compliant, int64_t basic, int64_t critical,
                         mb_error *err)
{
    if (compliant < 0 || basic < 0 || critical < -1 || compliant > MB_MONEY_MAX ||
        basic > MB_MONEY_MAX || critical > MB_MONEY_MAX)
        return mb_fail(err, MB_E_INVALID_AMOUNT, "upstream amounts must be non-negative");
    if (basic + (critical > 0 ? critical : 0) + b->up_assistance > compliant)
        return mb_fail(err, MB_E_INVALID_AMOUNT,
                       "upstream basic (%lld) plus critical illness (%lld) plus assistance (%lld) "
                       "exceed the policy-scope cost (%lld fen)", (long long)basic,
                       (long long)(critical > 0 ? critical : 0), (long long)b->up_assistance,
                       (long long)compliant);
    b->has_upstream = true;
    b->up_compliant = compliant;
    b->up_basic = basic;
    b->up_critical = critical;
    return MB_OK;
}

/* ---- the claim handle --------------------------------------------------------------------- */

int mb_claim_new(mb_claim **out, const char *id, int32_t date, int med_type,
                 const char *facility_id, int level, mb_error *err)
{
    if (out == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_claim_new: out is NULL");
    *out = NULL;
    mb_bill b = {0};
    int rc;
    if ((rc = mb_bill_start(&b, date, med_type, level, err)) ||
        (rc = mb_claim_text_check(id, MB_ID_MAX, "claim id", err)) ||
        (rc = mb_claim_text_check(facility_id, MB_ID_MAX, "facility id", err)))
        return rc;
    mb_claim *c = mb_calloc(1, sizeof *c);
    if (c == NULL)
        return mb_fail(err, MB_E_NOMEM, "out of memory creating a claim");
    c->b = b;
    set_text(c->id, NULL, id);
    set_text(c->facility, &c->b.facility_hash, facility_id);
    c->b.id = c->id;
    c->b.id_len = (uint32_t)strlen(c->id);
    c->b.setl_key = mb_setl_key(c->id, c->b.id_len);
    c->b.disease = c->disease;
    *out = c;
    return MB_OK;
}

void mb_claim_free(mb_claim *c) { mb_free(c); }
const char *mb_claim_id(const mb_claim *c) { return c ? c->id : ""; }

int mb_claim_set_flags(mb_claim *c, unsigned flags, mb_error *err)
{
    if (c == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "claim is NULL");
    return mb_bill_set_flags(&c->b, flags, err);
}

int mb_claim_set_facility_category(mb_claim *c, const char *category, mb_error *err)
{
    if (c == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "claim is NULL");
    int rc = mb_claim_text_check(category, sizeof c->facility_category, "facility category", err);
    if (rc != MB_OK)
        return rc;
    set_text(c->facility_category, &c->b.facility_category_hash, category);
    return MB_OK;
}

int mb_claim_set_disease(mb_claim *c, const char *name, const char *treatment, mb_error *err)
{
    if (c == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "claim is NULL");
    int rc;
    if ((rc = mb_claim_text_check(name, sizeof c->disease, "disease", err)) ||
        (rc = mb_claim_text_check(treatment, sizeof c->treatment, "treatment", err)))
        return rc;
    set_text(c->disease, &c->b.disease_hash, name);
    set_text(c->treatment, &c->b.treatment_hash, treatment);
    return MB_OK;
}

int mb_claim_set_admission(mb_claim *c, int32_t admitted, int32_t discharged, mb_error *err)
{
    if (c == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "claim is NULL");
    return mb_bill_set_admission(&c->b, admitted, discharged, err);
}

int mb_claim_set_prescriber(mb_claim *c, const char *facility_id, int level, mb_error *err)
{
    if (c == NULL || facility_id == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "claim or prescriber is NULL");
    int rc;
    if ((rc = mb_bill_check_prescriber(level, err)) ||
        (rc = mb_claim_text_check(facility_id, sizeof c->prescriber, "prescriber id", err)))
        return rc;
    set_text(c->prescriber, &c->b.prescriber_hash, facility_id);
    c->b.prescriber_level = level;
    return MB_OK;
}

int mb_claim_add_item(mb_claim *c, int64_t fen, int item_class, int first_selfpay_bp,
                      mb_error *err)
{
    if (c == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "claim is NULL");
    return mb_bill_add_item(&c->b, fen, item_class, first_selfpay_bp, err);
}

int mb_claim_set_upstream(mb_claim *c, int64_t compliant, int64_t basic, int64_t critical,
                          mb_error *err)
{
    if (c == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "claim is NULL");
    return mb_bill_set_upstream(&c->b, compliant, basic, critical, err);
}

int mb_claim_set_upstream_assistance(mb_claim *c, int64_t assistance, mb_error *err)
{
    if (c == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "claim is NULL");
    mb_bill *b = &c->b;
    if (!b->has_upstream)
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "upstream assistance is paid on the policy-scope cost the upstream tiers "
                       "settled: call mb_claim_set_upstream first");
    if (assistance < 0 || assistance > MB_MONEY_MAX)
        return mb_fail(err, MB_E_INVALID_AMOUNT, "upstream assistance must be non-negative");
    int64_t critical = b->up_critical > 0 ? b->up_critical : 0;
    if (b->up_basic + critical + assistance > b->up_compliant)
        return mb_fail(err, MB_E_INVALID_AMOUNT,
                       "upstream basic (%lld) plus critical illness (%lld) plus assistance (%lld) "
                       "exceed the policy-scope cost (%lld fen)", (long long)b->up_basic,
                       (long long)critical, (long long)assistance, (long long)b->up_compliant);
    b->up_assistance = assistance;
    return MB_OK;
}
