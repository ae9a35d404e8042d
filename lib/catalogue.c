/*
 * The disease catalogue's lifecycle rules as the engine applies them on a claim's date: when a
 * certification starts and ends, and, for the diseases one person holds together, the limit on
 * how many count, exclusive pairs, revocation after a long idle spell, and the stacking of
 * per-disease caps. All of it counts diseases: a disease certified again is still one disease,
 * ranked from the first day of its continuous certification (docs/readings.md).
 */
#include <string.h>

#include "arena.h"
#include "catalogue.h"

/* Kept out of line: needed only for a disease certified more than once, or for pairs. */
#define MB_COLD __attribute__((noinline, cold))

/* ---- finding a disease by the hash of its code or one of its names ----------------------- */

int mb_catalogue_index(mb_ruleset *rs, mb_arena *arena)
{
    uint32_t cap = 2;
    while (cap < rs->ndisease_hash * 2) /* at most half full: a probe or two */
        cap *= 2;
    struct mb_disease_slot *slots = mb_arena_alloc(arena, cap * sizeof *slots);
    if (slots == NULL)
        return MB_E_NOMEM;
    for (uint32_t i = 0; i < rs->ndisease_hash; i++) {
        uint32_t k = (uint32_t)rs->disease_hash[i] & (cap - 1);
        while (slots[k].hash != 0)
            k = (k + 1) & (cap - 1);
        slots[k] = (struct mb_disease_slot){rs->disease_hash[i], (int32_t)rs->disease_index[i]};
    }
    rs->disease_slots = slots;
    rs->disease_mask = cap - 1;
    return MB_OK;
}

int32_t mb_cert_end_of(const mb_ruleset *rs, int disease, int32_t certified_on)
{
    return mb_days_to_date(
        mb_date_to_days(mb_add_months(certified_on, rs->diseases[disease].valid_months)) - 1);
}

static uint32_t held_of(const mb_ruleset *rs, const mb_enrollee *e, mb_held_disease *out)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < e->ndiseases; i++) {
        const mb_certification *c = &e->diseases[i];
        int d = mb_catalogue_lookup(rs, c->hash);
        if (d < 0)
            continue;
        out[n++] = (mb_held_disease){d, c->certified_on, mb_cert_start(rs, d, c->certified_on),
                                     mb_cert_end(rs, d, c)};
    }
    return n;
}

/* ---- one disease: the certification that decides it, and its rank ------------------------ */

static bool begun_later(const mb_held_disease *a, const mb_held_disease *b)
{
    return a->start != b->start ? a->start > b->start : a->certified_on > b->certified_on;
}

/* The certification that decides a disease on the date: the one in force (the latest begun),
 * else the next to begin, else the last to have begun. */
MB_COLD static int deciding(const mb_roster *r, int disease)
{
    int in_force = -1, next = -1, last = -1;
    for (uint32_t i = 0; i < r->nheld; i++) {
        const mb_held_disease *h = &r->held[i];
        if (h->disease != disease)
            continue;
        if (h->start > r->date) {
            if (next < 0 || h->start < r->held[next].start)
                next = (int)i;
        } else if (r->date <= h->end) {
            if (in_force < 0 || begun_later(h, &r->held[in_force]))
                in_force = (int)i;
        } else if (last < 0 || begun_later(h, &r->held[last])) {
            last = (int)i;
        }
    }
    return in_force >= 0 ? in_force : next >= 0 ? next : last;
}

/* The first day of the continuous certification `h` belongs to: a certification continues an
 * earlier one of the same disease when it is certified on or before the day after the earlier
 * one's last valid day (docs/readings.md). */
MB_COLD static int32_t continuous_since(const mb_roster *r, const mb_held_disease *h)
{
    int32_t since = h->certified_on;
    for (bool moved = true; moved;) {
        moved = false;
        for (uint32_t i = 0; i < r->nheld; i++) {
            const mb_held_disease *q = &r->held[i];
            if (q->disease == h->disease && q->certified_on < since &&
                since <= mb_days_to_date(mb_date_to_days(q->end) + 1)) {
                since = q->certified_on;
                moved = true;
            }
        }
    }
    return since;
}

MB_COLD static bool renews(const mb_roster *r, const mb_held_disease *h)
{
    for (uint32_t i = 0; i < r->nheld; i++)
        if (r->held[i].disease == h->disease && r->held[i].certified_on < h->certified_on)
            return true;
    return false;
}

/* Rank: the earlier continuous certification first; on the same day, catalogue order. */
static bool before(const mb_standing *a, const mb_standing *b)
{
    return a->since != b->since ? a->since < b->since : a->disease < b->disease;
}

/* What a disease's own certification says: begun, not expired, not revoked for idleness. */
static inline __attribute__((always_inline)) mb_check own_state(const mb_ruleset *rs,
                                                                 const mb_roster *r, int held)
{
    const mb_held_disease *h = &r->held[held];
    const mb_activity *act = &r->act;
    int32_t date = r->date;
    if (date < h->start)
        return (mb_check){MB_REASON_NOT_STARTED, rs->start_cite, h->start, held, -1};
    if (date > h->end)
        return (mb_check){MB_REASON_EXPIRED, rs->validity_cite, h->end, held, -1};
    if (rs->revoke_idle_months > 0) {
        /* a lapse recorded at an earlier claim is final for the certifications idle through
         * the whole spell it ends (begun at least the spell before it: one begun within it
         * is recent evidence of its own); otherwise count the idle months since the later of
         * the start and the activity */
        if (act->revoked && mb_add_months(h->start, rs->revoke_idle_months) <= act->revoked &&
            date > act->revoked)
            return (mb_check){MB_REASON_REVOKED, rs->revoke_cite, act->revoked, held, -1};
        int32_t anchor = act->last > h->start ? act->last : h->start;
        int32_t revoked_on = mb_add_months(anchor, rs->revoke_idle_months);
        if (date > revoked_on)
            return (mb_check){MB_REASON_REVOKED, rs->revoke_cite, revoked_on, held, -1};
    }
    return (mb_check){MB_REASON_NONE, NULL, 0, held, -1};
}

/* ---- the diseases together: the limit, then exclusive pairs ------------------------------- */

/* In rank order, the diseases whose qualification stands on the date (certified by then, in
 * benefit or about to be; expired and revoked ones leave theirs) take the places the limit
 * allows; a disease in force beyond them is over the limit. */
static void apply_limit(const mb_ruleset *rs, mb_roster *r)
{
    uint32_t places = 0;
    for (uint32_t k = 0; k < r->n; k++) {
        mb_standing *s = &r->d[k];
        bool full = rs->max_diseases > 0 && places >= (uint32_t)rs->max_diseases;
        if (full && s->in_force)
            s->chk = (mb_check){MB_REASON_OVER_LIMIT, rs->max_diseases_cite, 0, s->held, -1};
        bool stands = s->chk.reason == MB_REASON_NONE || s->chk.reason == MB_REASON_NOT_STARTED;
        s->counted = !full && stands && r->held[s->held].certified_on <= r->date;
        places += s->counted;
    }
}

static int index_of(const mb_roster *r, int disease)
{
    for (uint32_t k = 0; k < r->n; k++)
        if (r->d[k].disease == disease)
            return (int)k;
    return -1;
}

/* The partner of r->d[k] in pair p, as an index into r->d; -1 when p does not link two held
 * diseases through it. */
static int partner(const mb_roster *r, const mb_pair *p, uint32_t k)
{
    int d = r->d[k].disease;
    int other = p->a == (uint32_t)d ? (int)p->b : p->b == (uint32_t)d ? (int)p->a : -1;
    return other < 0 ? -1 : index_of(r, other);
}

/* Whether r->d[j] wins against r->d[k] in pair p: a renewal of the pair's renewable side (a
 * transplant certified again) takes precedence; otherwise the one ranked first. */
static bool wins(const mb_roster *r, const mb_pair *p, uint32_t j, uint32_t k)
{
    const mb_standing *a = &r->d[j], *b = &r->d[k];
    if (p->renewable == b->disease && b->renewal)
        return false;
    if (p->renewable == a->disease && a->renewal)
        return true;
    return j < k;
}

/* Diseases whose pairs are decided: in force and within the limit (revoked ones too, for the
 * reason they report, though they exclude nothing). */
static bool contends(const mb_standing *s)
{
    return s->in_force && s->chk.reason != MB_REASON_OVER_LIMIT;
}

/* Whether r->d[k] must wait for a partner not yet decided that would win against it. */
static bool awaits(const mb_ruleset *rs, const mb_roster *r, uint32_t k, const bool *decided)
{
    for (uint32_t p = 0; p < rs->npairs; p++) {
        int j = partner(r, &rs->pairs[p], k);
        if (j >= 0 && !decided[j] && contends(&r->d[j]) && r->d[j].chk.reason == MB_REASON_NONE &&
            wins(r, &rs->pairs[p], (uint32_t)j, k))
            return true;
    }
    return false;
}

/* A pair excludes a disease only while the partner that wins against it enjoys the benefit: a
 * partner itself refused (by its own pair, the limit, revocation) excludes nothing. Winners are
 * decided before those they may exclude; a cycle, possible only through renewals, is broken
 * in rank order. */
MB_COLD static void apply_pairs(const mb_ruleset *rs, mb_roster *r)
{
    bool decided[MB_MAX_DISEASES + 1] = {false};
    for (uint32_t round = 0; round < r->n; round++) {
        int k = -1, first = -1;
        for (uint32_t i = 0; i < r->n && k < 0; i++) {
            if (decided[i] || !contends(&r->d[i]))
                continue;
            if (first < 0)
                first = (int)i;
            if (!awaits(rs, r, i, decided))
                k = (int)i;
        }
        if (k < 0)
            k = first;
        if (k < 0)
            return;
        decided[k] = true;
        mb_standing *s = &r->d[k];
        for (uint32_t p = 0; p < rs->npairs; p++) {
            const mb_pair *pair = &rs->pairs[p];
            int j = partner(r, pair, (uint32_t)k);
            if (j >= 0 && decided[j] && r->d[j].chk.reason == MB_REASON_NONE &&
                wins(r, pair, (uint32_t)j, (uint32_t)k)) {
                s->chk = (mb_check){MB_REASON_EXCLUSIVE_PAIR, pair->cite, 0, s->held,
                                    r->d[j].disease};
                break;
            }
        }
    }
}

static bool any_repeat(const mb_roster *r)
{
    for (uint32_t i = 1; i < r->nheld; i++)
        for (uint32_t j = 0; j < i; j++)
            if (r->held[i].disease == r->held[j].disease)
                return true;
    return false;
}

/* Decide every disease held, in rank order: the limit, then the pairs. */
static void decide(mb_roster *r, const mb_ruleset *rs)
{
    int32_t date = r->date;
    r->n = 0;
    for (uint32_t i = 0; i < r->nheld; i++) {
        int d = r->held[i].disease;
        if (r->repeats && index_of(r, d) >= 0)
            continue;
        /* a disease certified once is decided by that certification, continuous from it */
        int held = r->repeats ? deciding(r, d) : (int)i;
        const mb_held_disease *h = &r->held[held];
        mb_standing s = {.disease = d, .held = held,
                         .since = r->repeats ? continuous_since(r, h) : h->certified_on};
        s.renewal = r->repeats && renews(r, h);
        s.in_force = h->start <= date && date <= h->end;
        s.chk = own_state(rs, r, held);
        /* insert in rank order */
        uint32_t k = r->n++;
        for (; k > 0 && before(&s, &r->d[k - 1]); k--)
            r->d[k] = r->d[k - 1];
        r->d[k] = s;
    }
    apply_limit(rs, r);
    if (rs->npairs > 0)
        apply_pairs(rs, r);
    r->decided = true;
}

static void begin(mb_roster *r, int32_t date, const mb_activity *act)
{
    r->date = date;
    r->act = *act;
    r->decided = false;
    r->n = 0;
}

void mb_roster_build(mb_roster *r, const mb_ruleset *rs, const mb_enrollee *e, int32_t date,
                     const mb_activity *act)
{
    r->held = r->own;
    r->nheld = held_of(rs, e, r->own);
    r->repeats = any_repeat(r);
    begin(r, date, act);
    decide(r, rs);
}

void mb_roster_build_with(mb_roster *r, const mb_ruleset *rs, const mb_enrollee *e, int disease,
                          int32_t date, const mb_activity *act)
{
    r->held = r->own;
    r->nheld = held_of(rs, e, r->own);
    mb_certification c = {.certified_on = date};
    r->own[r->nheld++] = (mb_held_disease){disease, date, mb_cert_start(rs, disease, date),
                                           mb_cert_end(rs, disease, &c)};
    r->repeats = any_repeat(r);
    begin(r, date, act);
    decide(r, rs);
}

/* Where no disease bears on another (no limit, no pairs, no stacking) and each is certified
 * once, a disease is what its own certification says: settlement asks about one disease and
 * how many are covered, and needs no ranking to know. */
static bool independent(const mb_ruleset *rs, const mb_roster *r)
{
    return !r->repeats && rs->max_diseases == 0 && rs->npairs == 0 &&
           rs->stack_group == MB_GROUP_ANY;
}

void mb_roster_hold(mb_roster *r, const mb_ruleset *rs, const mb_enrollee *e, int32_t date,
                    const mb_activity *act, mb_held_cache *cache)
{
    if (cache == NULL) {
        r->held = r->own;
        r->nheld = held_of(rs, e, r->own);
        r->repeats = any_repeat(r);
    } else {
        /* worked out once per enrollee, state of its certifications and catalogue (a tier's
         * revision can change from claim to claim), and read where it is kept */
        if (cache->instance != e->instance || cache->certs_gen != e->certs_gen ||
            cache->rs != rs || cache->rs_serial != rs->serial) {
            cache->nheld = held_of(rs, e, cache->held);
            r->held = cache->held;
            r->nheld = cache->nheld;
            cache->repeats = any_repeat(r);
            cache->instance = e->instance;
            cache->certs_gen = e->certs_gen;
            cache->rs = rs;
            cache->rs_serial = rs->serial;
        }
        r->held = cache->held;
        r->nheld = cache->nheld;
        r->repeats = cache->repeats;
    }
    begin(r, date, act);
    if (!independent(rs, r))
        decide(r, rs);
}

const mb_standing *mb_roster_find(const mb_roster *r, int disease)
{
    int k = index_of(r, disease);
    return k < 0 ? NULL : &r->d[k];
}

int mb_roster_check(const mb_ruleset *rs, const mb_roster *r, int disease, mb_check *out)
{
    if (!r->decided) {
        for (uint32_t i = 0; i < r->nheld; i++)
            if (r->held[i].disease == disease)
                return (*out = own_state(rs, r, (int)i)).reason;
        *out = (mb_check){MB_REASON_NOT_CERTIFIED, rs->diseases[disease].cite, 0, -1, -1};
        return out->reason;
    }
    const mb_standing *s = mb_roster_find(r, disease);
    *out = s ? s->chk
             : (mb_check){MB_REASON_NOT_CERTIFIED, rs->diseases[disease].cite, 0, -1, -1};
    return out->reason;
}

uint32_t mb_roster_places(const mb_roster *r)
{
    uint32_t n = 0;
    for (uint32_t k = 0; k < r->n; k++)
        n += r->d[k].counted;
    return n;
}

uint32_t mb_roster_count(const mb_roster *r) { return r->decided ? r->n : r->nheld; }

int mb_roster_nth(const mb_ruleset *rs, const mb_roster *r, uint32_t k, int *disease)
{
    if (r->decided) {
        *disease = r->d[k].disease;
        return r->d[k].chk.reason;
    }
    /* only held: each disease once (a repeat decides the roster), its own state */
    *disease = r->held[k].disease;
    return own_state(rs, r, (int)k).reason;
}

int64_t mb_disease_rank_cap(const mb_disease *d, int slot)
{
    for (uint32_t k = 0; k < d->ncaps; k++)
        if (d->caps[k].line == 0)
            return d->caps[k].v[slot];
    return d->ncaps ? d->caps[0].v[slot] : 0;
}

static int64_t cap_order(int64_t v) { return v == MB_UNLIMITED ? INT64_MAX : v; }

int32_t mb_stack_share(const mb_ruleset *rs, const mb_roster *r, int disease, int slot)
{
    const mb_disease *d = &rs->diseases[disease];
    if (rs->stack_group == MB_GROUP_ANY || d->group != rs->stack_group)
        return MB_BP_ONE;
    const mb_standing *mine = mb_roster_find(r, disease);
    if (mine == NULL || !mine->in_force)
        return MB_BP_ONE;
    int64_t my_cap = cap_order(mb_disease_rank_cap(d, slot));
    int rank = 0;
    for (uint32_t k = 0; k < r->n; k++) {
        const mb_standing *s = &r->d[k];
        /* a disease refused on this date (exclusive pair, limit, revocation) stacks nothing */
        if (s == mine || s->chk.reason != MB_REASON_NONE ||
            rs->diseases[s->disease].group != rs->stack_group)
            continue;
        int64_t cap = cap_order(mb_disease_rank_cap(&rs->diseases[s->disease], slot));
        if (cap > my_cap || (cap == my_cap && s < mine))
            rank++;
    }
    if (rank == 0)
        return MB_BP_ONE;
    return rank <= rs->stack_partial ? rs->stack_partial_bp : 0;
}

