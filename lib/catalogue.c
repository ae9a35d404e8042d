/*
 * The disease catalogue's lifecycle rules as the engine applies them on a claim's date: when a
 * certification starts and ends, the limit on how many diseases one person may hold, exclusive
 * pairs, revocation after a long idle spell, and the stacking of per-disease caps.
 */
#include "catalogue.h"

int32_t mb_cert_start(const mb_ruleset *rs, int disease, int32_t certified_on)
{
    switch (rs->diseases[disease].start) {
    case MB_START_SAME_MONTH: return mb_month_start(certified_on, 0);
    case MB_START_NEXT_MONTH: return mb_month_start(certified_on, 1);
    default: return certified_on;
    }
}

int32_t mb_cert_end(const mb_ruleset *rs, int disease, const mb_certification *c)
{
    if (c->valid_until != 0)
        return c->valid_until;
    int months = rs->diseases[disease].valid_months;
    if (months == 0)
        return 29991231;
    return mb_days_to_date(mb_date_to_days(mb_add_months(c->certified_on, months)) - 1);
}

uint32_t mb_held(const mb_ruleset *rs, const mb_enrollee *e, mb_held_disease *out)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < e->ndiseases; i++) {
        int d = mb_catalogue_lookup(rs, e->diseases[i].hash);
        if (d < 0)
            continue;
        const mb_certification *c = &e->diseases[i];
        out[n++] = (mb_held_disease){d, c->certified_on, mb_cert_start(rs, d, c->certified_on),
                                     mb_cert_end(rs, d, c)};
    }
    return n;
}

static bool active(const mb_held_disease *h, int32_t date)
{
    return h->start <= date && date <= h->end;
}

/* Earlier certification first; on the same day, catalogue order. */
static bool before(const mb_held_disease *a, const mb_held_disease *b)
{
    return a->certified_on != b->certified_on ? a->certified_on < b->certified_on
                                              : a->disease < b->disease;
}

bool mb_is_renewal(const mb_held_disease *held, uint32_t n, const mb_held_disease *h)
{
    for (uint32_t i = 0; i < n; i++)
        if (held[i].disease == h->disease && held[i].certified_on < h->certified_on)
            return true;
    return false;
}

uint32_t mb_active_count(const mb_held_disease *held, uint32_t n, int32_t date)
{
    uint32_t count = 0;
    for (uint32_t i = 0; i < n; i++)
        count += active(&held[i], date);
    return count;
}

int mb_disease_check(const mb_ruleset *rs, const mb_held_disease *held, uint32_t n, int disease,
                     int32_t date, const mb_activity *act, mb_check *out)
{
    *out = (mb_check){.reason = MB_REASON_NONE, .cite = NULL, .date = 0, .held = -1, .other = -1};
    const mb_held_disease *mine = NULL, *future = NULL;
    /* the latest certification of this disease whose benefit has begun (a same-month start
     * begins on the first of the month, before the certification day); else the next one */
    for (uint32_t i = 0; i < n; i++) {
        if (held[i].disease != disease)
            continue;
        if (held[i].start <= date) {
            if (mine == NULL || held[i].start > mine->start)
                mine = &held[i];
        } else if (future == NULL || held[i].start < future->start) {
            future = &held[i];
        }
    }
    if (mine == NULL)
        mine = future;
    const mb_disease *d = &rs->diseases[disease];
    if (mine == NULL) {
        *out = (mb_check){.reason = MB_REASON_NOT_CERTIFIED, .cite = d->cite, .date = 0, .held = -1, .other = -1};
        return MB_REASON_NOT_CERTIFIED;
    }
    out->held = (int)(mine - held);
    if (date < mine->start) {
        *out = (mb_check){.reason = MB_REASON_NOT_STARTED, .cite = rs->start_cite, .date = mine->start, .held = out->held, .other = -1};
        return out->reason;
    }
    if (date > mine->end) {
        *out = (mb_check){.reason = MB_REASON_EXPIRED, .cite = rs->validity_cite, .date = mine->end, .held = out->held, .other = -1};
        return out->reason;
    }
    if (rs->max_diseases > 0) {
        /* every certification held on the date counts, begun or not */
        int rank = 0;
        for (uint32_t i = 0; i < n; i++)
            if (&held[i] != mine && held[i].disease != disease && held[i].certified_on <= date &&
                date <= held[i].end && before(&held[i], mine))
                rank++;
        if (rank >= rs->max_diseases) {
            *out = (mb_check){.reason = MB_REASON_OVER_LIMIT, .cite = rs->max_diseases_cite, .date = 0, .held = out->held, .other = -1};
            return out->reason;
        }
    }
    for (uint32_t p = 0; p < rs->npairs; p++) {
        const mb_pair *pair = &rs->pairs[p];
        int other = pair->a == (uint32_t)disease ? (int)pair->b
                    : pair->b == (uint32_t)disease ? (int)pair->a
                                                   : -1;
        if (other < 0)
            continue;
        /* the one certified later is refused, except that a renewal of the pair's renewable
         * side (a transplant certified again) takes precedence from its start */
        if (pair->renewable == disease && mb_is_renewal(held, n, mine))
            continue;
        for (uint32_t i = 0; i < n; i++)
            if (held[i].disease == other && active(&held[i], date) &&
                (before(&held[i], mine) ||
                 (pair->renewable == other && mb_is_renewal(held, n, &held[i])))) {
                *out = (mb_check){.reason = MB_REASON_EXCLUSIVE_PAIR, .cite = pair->cite, .date = 0, .held = out->held, .other = -1};
                out->other = other;
                return out->reason;
            }
    }
    if (rs->revoke_idle_months > 0) {
        /* a lapse recorded at an earlier claim is final for certifications that began before
         * it; otherwise count the idle months since the later of the start and the activity */
        if (act->revoked && mine->start <= act->revoked && date > act->revoked) {
            *out = (mb_check){.reason = MB_REASON_REVOKED, .cite = rs->revoke_cite,
                              .date = act->revoked, .held = out->held, .other = -1};
            return out->reason;
        }
        int32_t anchor = act->last > mine->start ? act->last : mine->start;
        int32_t revoked_on = mb_add_months(anchor, rs->revoke_idle_months);
        if (date > revoked_on) {
            *out = (mb_check){.reason = MB_REASON_REVOKED, .cite = rs->revoke_cite, .date = revoked_on, .held = out->held, .other = -1};
            return out->reason;
        }
    }
    return MB_REASON_NONE;
}

/* The cap a disease is ranked by for stacking: its whole-disease cap, else its first line's. */
static int64_t rank_cap(const mb_disease *d, int slot)
{
    for (uint32_t k = 0; k < d->ncaps; k++)
        if (d->caps[k].line == 0)
            return d->caps[k].v[slot];
    return d->ncaps ? d->caps[0].v[slot] : 0;
}

static int64_t cap_order(int64_t v) { return v == MB_UNLIMITED ? INT64_MAX : v; }

int32_t mb_stack_share(const mb_ruleset *rs, const mb_held_disease *held, uint32_t n,
                       int disease, int32_t date, const mb_activity *act, int slot)
{
    const mb_disease *d = &rs->diseases[disease];
    if (rs->stack_group == MB_GROUP_ANY || d->group != rs->stack_group)
        return MB_BP_ONE;
    const mb_held_disease *mine = NULL;
    for (uint32_t i = 0; i < n; i++)
        if (held[i].disease == disease && active(&held[i], date))
            mine = &held[i];
    if (mine == NULL)
        return MB_BP_ONE;
    int64_t my_cap = cap_order(rank_cap(d, slot));
    int rank = 0;
    for (uint32_t i = 0; i < n; i++) {
        const mb_held_disease *h = &held[i];
        if (h == mine || h->disease == disease || !active(h, date) ||
            rs->diseases[h->disease].group != rs->stack_group)
            continue;
        /* a disease refused on this date (exclusive pair, limit, revocation) stacks nothing */
        mb_check chk;
        if (mb_disease_check(rs, held, n, h->disease, date, act, &chk) != MB_REASON_NONE)
            continue;
        int64_t cap = cap_order(rank_cap(&rs->diseases[h->disease], slot));
        if (cap > my_cap || (cap == my_cap && before(h, mine)))
            rank++;
    }
    if (rank == 0)
        return MB_BP_ONE;
    return rank <= rs->stack_partial ? rs->stack_partial_bp : 0;
}

uint64_t mb_activity_key(const mb_ruleset *rs) { return mb_hash_join(rs->id, "activity"); }
uint64_t mb_revoked_key(const mb_ruleset *rs) { return mb_hash_join(rs->id, "revoked"); }
