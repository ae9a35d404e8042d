/*
 * Certification as the rulesets state it: criteria assessment (criteria.c), certifying under
 * the lifecycle rules (disease limit, exclusive pairs), a certification's state on a date
 * (started, expired, revoked), and the designated facility's yearly change window.
 */
#include <stdio.h>
#include <string.h>

#include "catalogue.h"
#include "criteria.h"
#include "handles.h"
#include "ruleset.h"

static int find_disease(const mb_ruleset *rs, const char *disease, mb_error *err)
{
    if (rs == NULL || disease == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "ruleset and disease are required");
    int d = mb_catalogue_lookup(rs, mb_hash(disease));
    if (d < 0)
        return mb_fail(err, MB_E_UNKNOWN_DISEASE, "'%s' is not in the catalogue of %s", disease,
                       rs->id);
    return d;
}

int mb_assess(const mb_ruleset *rs, const char *disease, const char *const *findings,
              size_t nfindings, int *certified, const char **unmet, const char **cite,
              mb_error *err)
{
    if (certified == NULL || (findings == NULL && nfindings > 0))
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_assess: certified and findings are required");
    int d = find_disease(rs, disease, err);
    if (d < 0)
        return d;
    const mb_criteria *c = rs->diseases[d].criteria;
    if (c == NULL)
        return mb_fail(err, MB_E_NOT_FOUND, "%s gives no certification criteria for %s",
                       rs->id, rs->diseases[d].name);
    bool ok;
    const char *first_unmet;
    char why[256];
    int rc = mb_criteria_assess(c, findings, nfindings, &ok, &first_unmet, why, sizeof why);
    if (rc != MB_OK)
        return mb_fail(err, rc, "%s (%s): %s", rs->diseases[d].name, rs->id, why);
    *certified = ok;
    if (unmet)
        *unmet = first_unmet;
    if (cite)
        *cite = mb_criteria_cite(c)[0] ? mb_criteria_cite(c) : rs->diseases[d].cite;
    return MB_OK;
}

int mb_ruleset_criteria(const mb_ruleset *rs, size_t index, const char **text, const char **cite,
                        size_t *items)
{
    if (rs == NULL || index >= rs->ndiseases)
        return MB_E_INVALID_ARGUMENT;
    const mb_criteria *c = rs->diseases[index].criteria;
    if (c == NULL)
        return MB_E_NOT_FOUND;
    if (text)
        *text = mb_criteria_text(c);
    if (cite)
        *cite = mb_criteria_cite(c);
    if (items)
        *items = mb_criteria_item_count(c);
    return MB_OK;
}

int mb_ruleset_criteria_item(const mb_ruleset *rs, size_t index, size_t item, const char **number,
                             const char **text)
{
    if (rs == NULL || index >= rs->ndiseases || rs->diseases[index].criteria == NULL ||
        item >= mb_criteria_item_count(rs->diseases[index].criteria))
        return MB_E_INVALID_ARGUMENT;
    const char *n, *t;
    mb_criteria_item(rs->diseases[index].criteria, (uint32_t)item, &n, &t);
    if (number)
        *number = n;
    if (text)
        *text = t;
    return MB_OK;
}

/* An enrollee's certifications under one ruleset, as its lifecycle rules see them on a date:
 * the same roster settlement decides claims by (catalogue.c). */
typedef struct lifecycle {
    int disease;                          /* the catalogue index asked about */
    mb_activity act;
    mb_roster roster;
} lifecycle;

static int lifecycle_of(const mb_enrollee *e, const mb_ruleset *rs, const char *disease,
                        int32_t date, lifecycle *lc, mb_error *err)
{
    if (e == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "an enrollee is required");
    if (!mb_date_valid(date))
        return mb_fail(err, MB_E_INVALID_DATE, "%d is not a date", date);
    lc->disease = find_disease(rs, disease, err);
    if (lc->disease < 0)
        return lc->disease;
    lc->act = (mb_activity){(int32_t)mb_acc_get(e, rs->activity_key, 0),
                            (int32_t)mb_acc_get(e, rs->revoked_key, 0)};
    mb_roster_build(&lc->roster, rs, e, date, &lc->act);
    return MB_OK;
}

int mb_enrollee_status(const mb_enrollee *e, const mb_ruleset *rs, const char *disease,
                       int32_t date, int *state, int32_t *since, const char **cite, mb_error *err)
{
    if (state == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_enrollee_status: state is required");
    lifecycle lc;
    int rc = lifecycle_of(e, rs, disease, date, &lc, err);
    if (rc != MB_OK)
        return rc;
    mb_check chk;
    int reason = mb_roster_check(rs, &lc.roster, lc.disease, &chk);
    switch (reason) {
    case MB_REASON_NONE: *state = MB_CERT_ACTIVE; break;
    case MB_REASON_NOT_CERTIFIED: *state = MB_CERT_NONE; break;
    case MB_REASON_NOT_STARTED: *state = MB_CERT_PENDING; break;
    case MB_REASON_EXPIRED: *state = MB_CERT_EXPIRED; break;
    case MB_REASON_REVOKED: *state = MB_CERT_REVOKED; break;
    default: *state = MB_CERT_REFUSED; break;
    }
    if (since)
        *since = reason == MB_REASON_NONE && chk.held >= 0 ? lc.roster.held[chk.held].start
                                                           : chk.date;
    if (cite)
        *cite = chk.cite ? chk.cite : "";
    return MB_OK;
}

int mb_enrollee_certify(mb_enrollee *e, const mb_ruleset *rs, const char *disease, int32_t date,
                        mb_error *err)
{
    lifecycle lc;
    int rc = lifecycle_of(e, rs, disease, date, &lc, err);
    if (rc != MB_OK)
        return rc;
    int d = lc.disease;
    if (e->ndiseases == MB_MAX_DISEASES)
        return mb_fail(err, MB_E_CAPACITY, "an enrollee holds at most %d certifications",
                       MB_MAX_DISEASES);
    mb_roster with; /* as settlement will see them once this certification is recorded */
    mb_roster_build_with(&with, rs, e, d, date, &lc.act);
    const mb_standing *mine = mb_roster_find(&with, d);
    bool renewal = mb_roster_find(&lc.roster, d) != NULL;
    /* A certification continuing an earlier one of the disease keeps that one's rank: it is
     * judged as settlement will judge it once recorded. Any other is judged against the
     * diseases as they stand today and takes nothing from them (ranked by catalogue order on
     * the same day, it could otherwise come before one certified earlier that day). */
    bool continues = mine->since < date;
    const mb_roster *judge = continues ? &with : &lc.roster;
    if (rs->max_diseases > 0 &&
        (continues ? !mine->counted : mb_roster_places(judge) >= (uint32_t)rs->max_diseases))
        return mb_fail(err, MB_E_NOT_ELIGIBLE,
                       "%s already holds %d certified diseases, the most %s allows (%s)",
                       e->id, rs->max_diseases, rs->id, rs->max_diseases_cite);
    /* a partner in benefit excludes it, unless this renews the pair's renewable side */
    for (uint32_t p = 0; p < rs->npairs; p++) {
        const mb_pair *pair = &rs->pairs[p];
        int other = pair->a == (uint32_t)d ? (int)pair->b : pair->b == (uint32_t)d ? (int)pair->a : -1;
        if (other < 0 || (pair->renewable == d && renewal))
            continue;
        mb_check chk;
        if (mb_roster_check(rs, judge, other, &chk) == MB_REASON_NONE)
            return mb_fail(err, MB_E_NOT_ELIGIBLE,
                           "%s cannot be certified: it excludes %s, which %s holds (%s)",
                           rs->diseases[d].name, rs->diseases[other].name, e->id, pair->cite);
    }
    return mb_enrollee_add_disease(e, disease, date, 0, err);
}

int mb_enrollee_request_facility_change(mb_enrollee *e, const mb_ruleset *rs, int32_t date,
                                        const char *facility_id, mb_error *err)
{
    if (e == NULL || rs == NULL || facility_id == NULL || *facility_id == '\0')
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "mb_enrollee_request_facility_change: enrollee, ruleset and facility are required");
    if (!mb_date_valid(date))
        return mb_fail(err, MB_E_INVALID_DATE, "%d is not a date", date);
    int rc = mb_text_check(facility_id, MB_ID_MAX, "facility id", err);
    if (rc != MB_OK) /* checked before the window: arguments come first */
        return rc;
    if (rs->facility_change_from == 0)
        return mb_enrollee_set_designated_facility(e, facility_id, err);
    int mmdd = date % 10000;
    if (mmdd < rs->facility_change_from || mmdd > rs->facility_change_to)
        return mb_fail(err, MB_E_NOT_ELIGIBLE,
                       "the designated facility is kept for the year; a change for next year is "
                       "requested between %02d-%02d and %02d-%02d, not on %04d-%02d-%02d (%s)",
                       rs->facility_change_from / 100, rs->facility_change_from % 100,
                       rs->facility_change_to / 100, rs->facility_change_to % 100, date / 10000,
                       date / 100 % 100, date % 100, rs->facility_cite);
    /* the change takes effect on 1 January, which must be a date the library handles */
    int32_t from = (date / 10000 + 1) * 10000 + 101;
    if (!mb_date_valid(from))
        return mb_fail(err, MB_E_INVALID_DATE,
                       "a change requested on %d would take effect on %d, past the dates handled",
                       date, from);
    /* a change already in force becomes the current choice */
    const char *current = e->designated;
    uint64_t current_hash = e->designated_hash;
    if (mb_next_designated_in_force(e, date)) {
        current = e->next_designated;
        current_hash = e->next_designated_hash;
    }
    if ((rc = mb_enrollee_set_next_designated(e, facility_id, from, err)) != MB_OK)
        return rc;
    e->designated = current;
    e->designated_hash = current_hash;
    return MB_OK;
}
