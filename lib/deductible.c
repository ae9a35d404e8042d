/*
 * The deductible (起付线) of one layer for one claim.
 *
 * A deductible the same for every claim of a year is the first part of the year's cumulative
 * base: the claim pays what of it the base has not yet covered. Any other (one that differs by
 * facility, area, disease or group, one charged per visit, admission or day, one with an annual
 * ceiling) is kept apart from the base, in the layer's deductible accumulators:
 *
 *   year        the claim tops up to its own row's amount: the deductible paid this year counts,
 *               so a claim at a higher level pays the difference (补差), in any order of visits;
 *   year_first  once a year, at the amount of the first claim charged;
 *               (beside rows charged per unit, a series of its own: what it charged counts)
 *   visit       every claim pays its own;
 *   admission   one per admission: the claims of one admission date share it;
 *   day         one per day: the claims of one date share it.
 *
 * Per visit, admission or day, the nth unit of the year pays the share of the stated amount its
 * deductible_repeat row gives, never below its deductible_floor row (every admission of the year
 * counts, those charged once a year too); and the deductibles of a year never pass the
 * deductible_ceiling row.
 */
#include "pipeline.h"

/* The unit a claim belongs to, for the scopes that share a deductible between claims: its day
 * of the year `year` (an admission's, or the claim's), 0 for one that began before the year. */
static int32_t unit_of(const mb_bill *c, int scope, int year)
{
    int32_t day = c->date;
    if (scope == MB_SCOPE_ADMISSION && mb_med_inpatient(c->med_type) && c->admitted)
        day = c->admitted;
    if (mb_date_year(day) < year)
        return 0;
    return mb_date_to_days(day) - mb_date_to_days(year * 10000 + 101) + 1;
}

/* The date of day `n` of year `year` (n >= 1), or of the year's eve for 0 (a unit begun before
 * the year). */
static int32_t day_date(int year, int32_t n)
{
    return mb_days_to_date(mb_date_to_days(year * 10000 + 101) + n - 1);
}

/* A unit's claims are kept as the last unit charged and what it paid: a claim of an earlier unit
 * (a day, an admission) would be charged again as a new one, or counted as the nth of the year
 * out of turn. Refused, never settled wrong. */
static int out_of_order(settle_ctx *x, const mb_layer *l, int scope, int32_t last_day)
{
    const mb_bill *c = x->c;
    bool admission = scope == MB_SCOPE_ADMISSION;
    int32_t unit = admission && mb_med_inpatient(c->med_type) && c->admitted ? c->admitted : c->date;
    char d0[16], d1[16];
    return mb_fail(x->err, MB_E_INVALID_DATE,
                   "claim %s: layer %s charges its deductible per %s, and its %s %s comes before "
                   "%s, the last %s charged this year: settle each %s's claims in date order "
                   "(reverse the later settlements first, then settle again in order)",
                   mb_bill_name(c), l->id, admission ? "admission" : "day",
                   admission ? "admission" : "day",
                   mb_date_text(unit, d0), mb_date_text(day_date(x->year, last_day), d1),
                   admission ? "admission" : "day", admission ? "admission" : "day");
}

/* Whether a row of `scope` charges a deductible that is a series of its own, counting only
 * what it charged (first_paid): once a year at the first claim's amount, beside rows charged
 * per unit (杭州: the tumour admissions' one a year is not paid by other admissions'). */
static bool own_series(const mb_layer *l, int scope)
{
    return l->ded_mixed && scope == MB_SCOPE_YEAR_FIRST;
}

int mb_deductible_compute(settle_ctx *x, const mb_ruleset *rs, const mb_layer *l,
                          const layer_terms *t, int64_t b0, int64_t b, mb_ded *d)
{
    const mb_view *v = t->view;
    int year = x->year;
    *d = (mb_ded){0};
    d->row = mb_rows_pick(&l->deductible, v);
    if (d->row == NULL)
        return MB_OK;
    d->stated = d->amount = d->row->v[v->slot];
    if (t->tilt && t->tilt->deductible_bp != MB_BP_ONE)
        d->amount = mb_apply_ratio(d->amount, t->tilt->deductible_bp);
    if (!l->ded_tracked) {
        d->charged = mb_overlap(b0, b0 + b, 0, d->amount);
        return MB_OK;
    }
    const uint64_t *k = l->ded_key;
    int64_t paid = mb_pending_read(x, k[MB_DED_PAID], year, &d->at[MB_DED_PAID]);
    int scope = d->row->scope;
    int64_t owed;
    if (scope == MB_SCOPE_YEAR || scope == MB_SCOPE_YEAR_FIRST) {
        int64_t due = mb_pending_read(x, k[MB_DED_DUE], year, &d->at[MB_DED_DUE]);
        if (scope == MB_SCOPE_YEAR_FIRST && due > 0)
            d->amount = due;
        d->set_due = scope == MB_SCOPE_YEAR_FIRST && due == 0;
        /* a year's deductible counts what the year's deductibles paid (补差), a series of its
         * own only what it charged */
        int64_t toward = own_series(l, scope) ? mb_pending_read(x, k[MB_DED_FIRST_PAID], year,
                                                                &d->at[MB_DED_FIRST_PAID])
                                              : paid;
        owed = d->amount - toward;
    } else {
        int64_t count = mb_pending_read(x, k[MB_DED_COUNT], year, &d->at[MB_DED_COUNT]);
        int64_t last = mb_pending_read(x, k[MB_DED_UNIT], year, &d->at[MB_DED_UNIT]);
        d->unit_day = unit_of(x->c, scope, year);
        if (scope != MB_SCOPE_VISIT && count > 0 && d->unit_day < last / MB_DED_UNIT_SCALE)
            return out_of_order(x, l, scope, (int32_t)(last / MB_DED_UNIT_SCALE));
        bool same = scope != MB_SCOPE_VISIT && count > 0 && last / MB_DED_UNIT_SCALE == d->unit_day;
        d->units = same ? count : count + 1;
        d->new_unit = !same;
        d->unit_paid = same ? last % MB_DED_UNIT_SCALE : 0;
        if (l->deductible_repeat.n) {
            mb_view nth = *v;
            nth.nth = (int)mb_min64(d->units, 1000);
            d->repeat = mb_rows_pick(&l->deductible_repeat, &nth);
            if (d->repeat != NULL) {
                int64_t lowered = mb_apply_ratio(d->amount, (int32_t)d->repeat->v[v->slot]);
                const mb_row *floor = mb_rows_pick(&l->deductible_floor, &nth);
                if (floor != NULL && lowered < floor->v[v->slot])
                    lowered = mb_min64(floor->v[v->slot], d->amount);
                mb_trace_add(x, rs, l->rules.deductible_repeat, d->repeat->cite,
                             "多次住院（就诊）起付线", d->amount, lowered,
                             (int32_t)d->repeat->v[v->slot]);
                d->amount = lowered;
            }
        }
        owed = d->amount - d->unit_paid;
    }
    d->charged = mb_max64(0, mb_min64(b, owed));
    const mb_row *ceiling = mb_rows_pick(&l->deductible_ceiling, v);
    if (ceiling != NULL) {
        int64_t room = mb_max64(0, ceiling->v[v->slot] - paid);
        if (d->charged > room) {
            mb_trace_add(x, rs, l->rules.deductible_ceiling, ceiling->cite, "年度起付线累计上限",
                         d->charged, room, -1);
            d->charged = room;
        }
    }
    return MB_OK;
}

int mb_deductible_record(settle_ctx *x, const mb_layer *l, const mb_ded *d)
{
    if (!l->ded_tracked || d->row == NULL)
        return MB_OK;
    const uint64_t *k = l->ded_key;
    const mb_acc *const *at = d->at; /* compute looked up each figure it read */
    int year = x->year, rc;
    if ((rc = mb_pending_add_at(x, k[MB_DED_PAID], year, d->charged, at[MB_DED_PAID])))
        return rc;
    if (d->set_due && (rc = mb_pending_raise_at(x, k[MB_DED_DUE], year, d->amount, at[MB_DED_DUE])))
        return rc;
    int scope = d->row->scope;
    bool yearly = scope == MB_SCOPE_YEAR || scope == MB_SCOPE_YEAR_FIRST;
    if (own_series(l, scope) &&
        (rc = mb_pending_add_at(x, k[MB_DED_FIRST_PAID], year, d->charged, at[MB_DED_FIRST_PAID])))
        return rc;
    bool new_unit = d->new_unit;
    int32_t day = d->unit_day;
    int64_t unit_paid = d->unit_paid;
    const mb_acc *count_at = at[MB_DED_COUNT], *unit_at = at[MB_DED_UNIT];
    if (yearly) {
        /* charged once a year, yet still an admission (a day) of the year: counted, so that
         * the nth admission charged per admission counts every admission before it */
        int64_t last = mb_pending_read(x, k[MB_DED_UNIT], year, &unit_at);
        day = unit_of(x->c, MB_SCOPE_ADMISSION, year);
        new_unit = mb_pending_read(x, k[MB_DED_COUNT], year, &count_at) == 0 ||
                   last / MB_DED_UNIT_SCALE != day;
        unit_paid = new_unit ? 0 : last % MB_DED_UNIT_SCALE;
    }
    if (new_unit && (rc = mb_pending_add_at(x, k[MB_DED_COUNT], year, 1, count_at)))
        return rc;
    /* the unit and what it paid: a value that only rises while claims come in date order */
    int64_t paid = mb_min64(unit_paid + d->charged, MB_DED_UNIT_SCALE - 1);
    return mb_pending_raise_at(x, k[MB_DED_UNIT], year, (int64_t)day * MB_DED_UNIT_SCALE + paid,
                               unit_at);
}
