/*
 * Year-to-date accumulators by name (docs/accumulators.md): figures seeded from the national
 * platform and read back. A ruleset lists the keys it defines (compile.c), so the checked calls
 * refuse a misspelt key instead of storing a figure no settlement reads. The table the figures
 * live in is enrollee.c's.
 */
#include <stdio.h>
#include <string.h>

#include "journal.h"
#include "pipeline.h"

/* A year (2023) or a quarter (20232); 0 when `period` is neither. */
static int kind_of(int32_t p)
{
    if (p >= 1900 && p <= 2999)
        return MB_PERIOD_YEAR;
    if (p >= 19001 && p <= 29994 && p % 10 >= 1 && p % 10 <= 4)
        return MB_PERIOD_QUARTER;
    return 0;
}

int mb_acc_check_period(int32_t period, mb_error *err)
{
    if (kind_of(period) == 0)
        return mb_fail(err, MB_E_INVALID_DATE,
                       "period %d is neither a year (2023) nor a quarter (20232)", period);
    return MB_OK;
}

int mb_acc_check(int32_t period, int64_t value, mb_error *err)
{
    if (period == 0) {
        if (value < 0 || value > INT32_MAX || !mb_date_valid((int32_t)value))
            return mb_fail(err, MB_E_INVALID_DATE,
                           "the date %lld kept at period 0 (last activity or lapse) is not a date",
                           (long long)value);
        return MB_OK;
    }
    int rc = mb_acc_check_period(period, err);
    return rc != MB_OK ? rc : mb_amount_check(value, "accumulator value", err);
}

/* How many bytes of `s`, at most `max`, print without cutting a character in two. */
static int shown(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return (int)n;
    while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
        max--;
    return (int)max;
}

/* Present and valid UTF-8: a key is printed in messages, so it is checked before anything. */
static int check_text(const char *key, mb_error *err)
{
    if (key == NULL || *key == '\0')
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "an accumulator key is required");
    if (!mb_utf8_valid(key, strlen(key)))
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "the accumulator key is not valid UTF-8");
    return MB_OK;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n > k && memcmp(s + n - k, suffix, k) == 0;
}

/* What a key can be without seeing the ruleset: every key compile.c makes ends in ".paid" or
 * ".base" after a non-empty name, under an id of a-z, 0-9, '-' and '_'. */
static int check_shape(const char *ruleset_id, const char *key, mb_error *err)
{
    if (ruleset_id == NULL || *ruleset_id == '\0' ||
        strspn(ruleset_id, "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(ruleset_id))
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "a ruleset id is required (the id of a loaded ruleset: a-z, 0-9, "
                       "'-' and '_')");
    int rc = check_text(key, err);
    if (rc != MB_OK)
        return rc;
    size_t n = strlen(key);
    static const char *const suffixes[] = {".paid", ".base", ".count", ".unit", ".due"};
    bool known = false;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0] && !known; i++)
        known = ends_with(key, n, suffixes[i]);
    if (!known)
        return mb_fail(err, MB_E_UNKNOWN_CODE,
                       "'%.*s' is no accumulator key: keys are <layer>.base, <layer>.paid, "
                       "<layer>.deductible.{paid,count,unit,due} and "
                       "disease.<code>[.<line>].paid (docs/accumulators.md)", shown(key, 80), key);
    return MB_OK;
}

/* Store a figure, growing the table when it is a new key. The settlements in the journal
 * must still be reversible: a seed below what they added is refused (journal.c). */
static int put(mb_enrollee *e, const char *ruleset_id, const char *name, uint64_t key,
               int32_t period, int64_t fen, mb_error *err)
{
    char what[MB_MSG_MAX / 2];
    snprintf(what, sizeof what, "%s %.*s", ruleset_id, shown(name, 80), name);
    int rc = mb_journal_allows_seed(e, key, period, fen, what, err);
    if (rc != MB_OK)
        return rc;
    if (!mb_acc_exists(e, key, period) && (rc = mb_acc_make_room(e, 1, err)) != MB_OK)
        return rc;
    mb_acc_set(e, key, period, fen);
    return MB_OK;
}

/* ---- room for settlements ------------------------------------------------------------------ */

uint32_t mb_chain_new_entries(const mb_ruleset *const *chain, size_t n, int med_type)
{
    uint32_t need = 0;
    for (size_t i = 0; i < n; i++)
        need += med_type ? chain[i]->new_entries[med_type % 32] : chain[i]->most_new_entries;
    return need;
}

bool mb_room_for(const mb_enrollee *e, const mb_enrollee *payer, uint32_t need)
{
    return mb_acc_room(e, need) && mb_journal_room(&e->journal, need) &&
           (payer == NULL || mb_journal_room(&payer->journal, 0));
}

int mb_make_room_for(mb_enrollee *e, mb_enrollee *payer, uint32_t need, mb_error *err)
{
    /* all of it or none: a call that fails for want of memory keeps none of what it took */
    mb_journal_growth own, other = {0};
    int rc = mb_journal_prepare(&e->journal, need, &own, err);
    if (rc == MB_OK && payer != NULL && (rc = mb_journal_prepare(&payer->journal, 0, &other, err)))
        mb_journal_discard(&own);
    if (rc == MB_OK && (rc = mb_acc_make_room(e, need, err)) != MB_OK) {
        mb_journal_discard(&own);
        mb_journal_discard(&other);
    }
    if (rc != MB_OK)
        return rc;
    mb_journal_grow(&e->journal, &own);
    if (payer != NULL)
        mb_journal_grow(&payer->journal, &other);
    return MB_OK;
}

int mb_enrollee_reserve_for(mb_enrollee *e, const mb_ruleset *const *chain, size_t n,
                            mb_error *err)
{
    if (e == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_enrollee_reserve_for: enrollee is NULL");
    int rc = mb_chain_check(chain, n, err);
    if (rc != MB_OK)
        return rc;
    if (mb_room_for(e, NULL, mb_chain_new_entries(chain, n, 0)))
        return MB_OK; /* room for each tier's worst, whatever the med_type: the usual case */
    /* the most any one claim adds: each tier's worst med_type can differ, so take the worst
     * sum over med_types */
    uint32_t need = 0;
    for (size_t k = 0; k < MB_MED_TYPE_COUNT; k++) {
        uint32_t m = mb_chain_new_entries(chain, n, mb_med_types[k]);
        need = m > need ? m : need;
    }
    return mb_make_room_for(e, NULL, need, err);
}

int mb_enrollee_seed(mb_enrollee *e, const char *ruleset_id, const char *key, int32_t period,
                     int64_t fen, mb_error *err)
{
    if (e == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_enrollee_seed: enrollee is NULL");
    int rc;
    if ((rc = check_shape(ruleset_id, key, err)) || (rc = mb_acc_check_period(period, err)) ||
        (rc = mb_amount_check(fen, "accumulator value", err)))
        return rc;
    return put(e, ruleset_id, key, mb_hash_join(ruleset_id, key), period, fen, err);
}

int64_t mb_enrollee_accumulator(const mb_enrollee *e, const char *ruleset_id, const char *key,
                                int32_t period)
{
    if (e == NULL || ruleset_id == NULL || key == NULL)
        return 0;
    return mb_acc_get(e, mb_hash_join(ruleset_id, key), period);
}

size_t mb_ruleset_accumulator_count(const mb_ruleset *rs) { return rs ? rs->nacc_keys : 0; }

int mb_ruleset_accumulator(const mb_ruleset *rs, size_t index, const char **key, int *period_kind)
{
    if (rs == NULL || index >= rs->nacc_keys)
        return MB_E_INVALID_ARGUMENT;
    if (key)
        *key = rs->acc_keys[index].name;
    if (period_kind)
        *period_kind = rs->acc_keys[index].period;
    return MB_OK;
}

/* The catalogue entry a "disease.<code>..." key names, or -1. */
static int disease_of(const mb_ruleset *rs, const char *name)
{
    if (strncmp(name, "disease.", 8) != 0)
        return -1;
    const char *code = name + 8, *dot = strchr(code, '.');
    size_t n = dot ? (size_t)(dot - code) : strlen(code);
    for (uint32_t d = 0; d < rs->ndiseases; d++)
        if (strlen(rs->diseases[d].code) == n && memcmp(rs->diseases[d].code, code, n) == 0)
            return (int)d;
    return -1;
}

/* Refuse `name`, naming the keys `rs` does define: for a disease of its catalogue, that
 * disease's keys; otherwise the layers' keys, and the per-disease ones by their pattern. */
static int unknown_key(const mb_ruleset *rs, const char *name, mb_error *err)
{
    int disease = disease_of(rs, name);
    char keys[MB_MSG_MAX] = "";
    uint32_t per_disease = 0;
    for (uint32_t i = 0; i < rs->nacc_keys; i++) {
        const mb_acc_key *k = &rs->acc_keys[i];
        bool listed = false; /* a name kept by two periods is listed once */
        for (uint32_t j = 0; j < i && !listed; j++)
            listed = strcmp(rs->acc_keys[j].name, k->name) == 0;
        if (!listed && (disease >= 0 ? k->disease == disease : k->disease < 0))
            snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s%s", keys[0] ? ", " : "",
                     k->name);
        per_disease += k->disease >= 0;
    }
    if (disease < 0 && per_disease > 0)
        snprintf(keys + strlen(keys), sizeof keys - strlen(keys),
                 "%sdisease.<code>[.<line>].paid for the %u per-disease caps of its catalogue",
                 keys[0] ? ", and " : "", per_disease);
    return mb_fail(err, MB_E_UNKNOWN_CODE, "%s keeps no accumulator '%.*s'; its keys%s%s are %s",
                   rs->id, shown(name, 80), name, disease >= 0 ? " for " : "",
                   disease >= 0 ? rs->diseases[disease].code : "", keys);
}

/* The key `name` of `rs` kept by the kind of `period`, or an error a person can act on. */
static int find_key(const mb_ruleset *rs, const char *name, int32_t period,
                    const mb_acc_key **out, mb_error *err)
{
    int rc;
    if ((rc = check_text(name, err)) || (rc = mb_acc_check_period(period, err)))
        return rc;
    int kind = kind_of(period);
    const mb_acc_key *found = NULL, *other = NULL; /* other: the name, kept by another period */
    for (uint32_t i = 0; i < rs->nacc_keys && found == NULL; i++)
        if (strcmp(rs->acc_keys[i].name, name) == 0) {
            if (rs->acc_keys[i].period == kind)
                found = &rs->acc_keys[i];
            else
                other = &rs->acc_keys[i];
        }
    if (found == NULL && other == NULL)
        return unknown_key(rs, name, err);
    if (found == NULL)
        return mb_fail(err, MB_E_INVALID_DATE, "%s keeps %s by %s, not by %s (period %d)", rs->id,
                       name, other->period == MB_PERIOD_YEAR ? "year (2023)" : "quarter (20232)",
                       kind == MB_PERIOD_YEAR ? "year" : "quarter", period);
    /* a figure for a period when the ruleset is not in force would never be read */
    int32_t first = kind == MB_PERIOD_YEAR ? period * 10000 + 101
                                           : (period / 10) * 10000 + (period % 10 * 3 - 2) * 100 + 1;
    int32_t last = kind == MB_PERIOD_YEAR ? period * 10000 + 1231
                                          : mb_month_end(mb_month_start(first, 2));
    if (last < rs->effective_from || first > rs->effective_to)
        return mb_fail(err, MB_E_INVALID_DATE, "%s is not in force in period %d (%d to %d)",
                       rs->id, period, rs->effective_from, rs->effective_to);
    *out = found;
    return MB_OK;
}

int mb_enrollee_seed_checked(mb_enrollee *e, const mb_ruleset *rs, const char *key,
                             int32_t period, int64_t fen, mb_error *err)
{
    if (e == NULL || rs == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "mb_enrollee_seed_checked: enrollee and ruleset are required");
    const mb_acc_key *k;
    int rc;
    if ((rc = find_key(rs, key, period, &k, err)) || (rc = mb_amount_check(fen, "accumulator value", err)))
        return rc;
    return put(e, rs->id, k->name, k->key, period, fen, err);
}

int mb_enrollee_accumulator_checked(const mb_enrollee *e, const mb_ruleset *rs, const char *key,
                                    int32_t period, int64_t *fen, mb_error *err)
{
    if (e == NULL || rs == NULL || fen == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "mb_enrollee_accumulator_checked: enrollee, ruleset and fen are required");
    const mb_acc_key *k;
    int rc = find_key(rs, key, period, &k, err);
    if (rc != MB_OK)
        return rc;
    *fen = mb_acc_get(e, k->key, period);
    return MB_OK;
}
