/*
 * A claim as one ruleset's selectors see it (select.h): worked out once per ruleset, before its
 * layers run, from the claim, the enrollee and the enrollee's diseases on the claim's date.
 * Strings were hashed when they came in: nothing here compares text.
 */
#include "pipeline.h"

bool mb_identity_active(const mb_ruleset *rs, const mb_identity *id, const mb_bill *c)
{
    int32_t last = !id->to ? 29991231 : rs->identity_to_month_end ? mb_month_end(id->to) : id->to;
    if (mb_med_inpatient(c->med_type) && c->admitted && rs->identity_any_admission_day)
        return id->from <= c->discharged && last >= c->admitted;
    return id->from <= c->date && c->date <= last;
}

/* The class of a facility of `level`: the enrollee's first-visit facility, else its level. Care
 * exempt from the first-visit rule at a primary facility counts as first-visit care. */
static int class_of(const mb_ruleset *rs, const mb_enrollee *e, const mb_bill *c, uint64_t fac,
                    int level)
{
    if (fac != 0 && fac == e->first_visit_hash)
        return MB_FAC_FIRST_VISIT;
    if (level == MB_LEVEL_PRIMARY && (c->flags & rs->referral_exempt))
        return MB_FAC_FIRST_VISIT;
    return level == MB_LEVEL_PRIMARY     ? MB_FAC_PRIMARY
           : level == MB_LEVEL_SECONDARY ? MB_FAC_SECONDARY
                                         : MB_FAC_TERTIARY;
}

int mb_level_class(const mb_bill *c)
{
    int level = c->level;
    if (c->med_type == MB_MED_PHARMACY || c->level == MB_LEVEL_PHARMACY) {
        if (c->prescriber_hash == 0)
            return -1;
        level = c->prescriber_level;
    }
    return level == MB_LEVEL_PRIMARY     ? MB_FAC_PRIMARY
           : level == MB_LEVEL_SECONDARY ? MB_FAC_SECONDARY
                                         : MB_FAC_TERTIARY;
}

int mb_facility_class(const mb_ruleset *rs, const mb_enrollee *e, const mb_bill *c,
                      int pharmacy_as)
{
    if (c->med_type != MB_MED_PHARMACY && c->level != MB_LEVEL_PHARMACY)
        return class_of(rs, e, c, c->facility_hash, c->level);
    /* a pharmacy claim: as the layer says, by default the prescriber's class */
    if (pharmacy_as != MB_FAC_ANY)
        return pharmacy_as;
    if (c->prescriber_hash == 0)
        return -1;
    return class_of(rs, e, c, c->prescriber_hash, c->prescriber_level);
}

/* The person groups held on the claim's dates: those an active identity names, those whose
 * member groups are held, each only where its conditions (scheme, a covered disease of a
 * catalogue group) hold. Groups are decided in order: members are declared before. */
uint64_t mb_groups_held(const mb_ruleset *rs, const mb_enrollee *e, const mb_bill *c,
                        const mb_roster *roster)
{
    uint64_t direct = 0;
    for (uint32_t i = 0; i < e->nidentities; i++) {
        const mb_identity *id = &e->identities[i];
        if (mb_identity_active(rs, id, c))
            direct |= mb_identity_groups(rs, id->hash);
    }
    uint64_t held = direct;
    for (uint32_t g = MB_CATEGORY_COUNT; g < rs->ngroups; g++) {
        const mb_group *grp = &rs->groups[g];
        uint64_t bit = UINT64_C(1) << g;
        bool member = grp->by_identity ? ((direct & bit) || (held & grp->members)) : true;
        if (member && grp->scheme && grp->scheme != e->scheme)
            member = false;
        if (member && grp->certified) {
            bool holds = false;
            for (uint32_t k = 0; k < mb_roster_count(roster) && !holds; k++) {
                int d;
                holds = mb_roster_nth(rs, roster, k, &d) == MB_REASON_NONE &&
                        rs->diseases[d].group == grp->certified;
            }
            member = holds;
        }
        held = member ? held | bit : held & ~bit;
    }
    return held;
}

/* The category of the claim's facility among the ruleset's, or -1. */
static int category_of(const mb_ruleset *rs, uint64_t hash)
{
    uint32_t lo = 0, hi = rs->nfacility_category_hash;
    if (hash == 0)
        return -1;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (rs->facility_category_hash[mid] < hash)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < rs->nfacility_category_hash && rs->facility_category_hash[lo] == hash
               ? rs->facility_category_index[lo]
               : -1;
}

/* What a view takes from the claim and the enrollee alone, the same in every tier: all but the
 * disease and the identities' groups. Inlined by force: left to LTO, it was called out of line
 * and a Wuxi settlement took 139 more instructions. */
static inline __attribute__((always_inline)) void
view_common(const mb_ruleset *rs, const mb_enrollee *e, const mb_bill *c, mb_view *v)
{
    v->date = c->date;
    v->slot = e->person_type - 1;
    v->facility = mb_facility_class(rs, e, c, MB_FAC_ANY);
    v->level = mb_level_class(c);
    v->referred = mb_claim_referred(rs, c);
    v->area = (c->flags & MB_CLAIM_OUT_OF_PROVINCE) ? MB_AREA_OUT_OF_PROVINCE
              : (c->flags & MB_CLAIM_OUT_OF_AREA)   ? MB_AREA_OUT_OF_CITY
                                                    : MB_AREA_IN_CITY;
    v->scheme = e->scheme;
    v->age = -1;
    if (e->birth_date != 0 && e->birth_date <= c->date)
        v->age = (c->date - e->birth_date) / 10000; /* YYYYMMDD: completed years */
    v->nth = 0;
    v->category = category_of(rs, c->facility_category_hash);
    v->claim_bit = mb_med_bit(c->med_type);
    v->treatment = c->treatment_hash;
}

void mb_view_claim(const mb_ruleset *rs, const mb_enrollee *e, const mb_bill *c, mb_view *v)
{
    view_common(rs, e, c, v);
    v->disease = c->disease_hash && rs->ndiseases ? mb_catalogue_lookup(rs, c->disease_hash) : -1;
    v->disease_group = v->disease >= 0 ? rs->diseases[v->disease].group : 0;
    v->groups = 0;
}

/* Whether a row the claim's settlement under `rs` may read is chosen by age: of a table outside
 * the layers, or of a layer that takes the claim (its claim type and disease group). */
static bool needs_age(const settle_ctx *x, const mb_ruleset *rs, int disease)
{
    if (rs->uses_age)
        return true;
    for (uint32_t i = 0; rs->layers_use_age && i < rs->nlayers; i++) {
        const mb_layer *l = &rs->layers[i];
        if (l->uses_age && (l->med_types & x->med_bit) &&
            (l->group == MB_GROUP_ANY || (disease >= 0 && rs->diseases[disease].group == l->group)))
            return true;
    }
    return false;
}

int mb_view_build(settle_ctx *x, const mb_ruleset *rs, const mb_roster *roster, int disease,
                  mb_view *v)
{
    const mb_bill *c = x->c;
    const mb_enrollee *e = x->e;
    view_common(rs, e, c, v);
    if (v->age < 0 && needs_age(x, rs, disease))
        return mb_fail(x->err, MB_E_INVALID_ARGUMENT,
                       "claim %s: %s chooses some of its values by age: set the enrollee's "
                       "birth date (mb_enrollee_set_birth_date), on or before the claim date",
                       mb_bill_name(c), rs->id);
    v->disease = disease;
    v->disease_group = disease >= 0 ? rs->diseases[disease].group : 0;
    v->groups = rs->ngroups ? mb_groups_held(rs, e, c, roster) : 0;
    return MB_OK;
}
