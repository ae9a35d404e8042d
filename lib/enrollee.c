/* Enrollees: who the person is, what is certified, and the year-to-date accumulators. */
#include <string.h>

#include "journal.h"
#include "ruleset.h"

int mb_text_check(const char *src, size_t cap, const char *what, mb_error *err)
{
    if (src == NULL)
        return MB_OK;
    size_t n = strlen(src);
    if (n >= cap)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "%s '%.40s…' is longer than %zu bytes", what,
                       src, cap - 1);
    if (!mb_utf8_valid(src, n))
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "%s is not valid UTF-8", what);
    return MB_OK;
}

int mb_text_copy(char *dst, size_t cap, const char *src, const char *what, mb_error *err)
{
    int rc = mb_text_check(src, cap, what, err);
    if (rc == MB_OK)
        memcpy(dst, src ? src : "", src ? strlen(src) + 1 : 1);
    return rc;
}

/* ---- the enrollee's text: blocks that never move ----------------------------------------- */

enum { TEXT_BLOCK = 56 }; /* the first block holds a typical id, facility and two diseases */

const char *mb_enrollee_keep(mb_enrollee *e, const char *s)
{
    size_t n = s ? strlen(s) + 1 : 1;
    if (n == 1)
        return "";
    mb_text *t = e->text;
    if (t == NULL || t->cap - t->used < n) {
        size_t cap = n > TEXT_BLOCK ? n : TEXT_BLOCK;
        mb_text *fresh = mb_alloc(sizeof *fresh + cap);
        if (fresh == NULL)
            return NULL;
        *fresh = (mb_text){t, 0, (uint32_t)cap};
        e->text = t = fresh;
    }
    char *p = t->data + t->used;
    memcpy(p, s, n);
    t->used += (uint32_t)n;
    return p;
}

/* Where the enrollee's text ends, so that a call can take back what it kept when a later step
 * of it fails: a failed call leaves no block behind. */
typedef struct text_mark {
    mb_text *text;
    uint32_t used;
} text_mark;

static text_mark text_end(const mb_enrollee *e)
{
    return (text_mark){e->text, e->text ? e->text->used : 0};
}

static void text_take_back(mb_enrollee *e, text_mark m)
{
    while (e->text != m.text) {
        mb_text *fresh = e->text;
        e->text = fresh->next;
        mb_free(fresh);
    }
    if (e->text)
        e->text->used = m.used;
}

/* Grow an array of `*cap` elements of `size` bytes to hold one more, at most `most`. */
static int grow(void **array, uint8_t *cap, size_t size, unsigned most)
{
    unsigned n = *cap ? *cap * 2u : 2u;
    if (n > most)
        n = most;
    void *p = mb_realloc(*array, n * size);
    if (p == NULL)
        return MB_E_NOMEM;
    *array = p;
    *cap = (uint8_t)n;
    return MB_OK;
}

int mb_enrollee_new(mb_enrollee **out, const char *id, int scheme, int person_type, mb_error *err)
{
    if (out == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_enrollee_new: out is NULL");
    *out = NULL;
    if (scheme != MB_SCHEME_EMPLOYEE && scheme != MB_SCHEME_RESIDENT)
        return mb_fail(err, MB_E_UNKNOWN_CODE, "unknown scheme %d (employee or resident)", scheme);
    if (scheme == MB_SCHEME_RESIDENT && (person_type == 0 || person_type == MB_PERSON_RESIDENT))
        person_type = MB_PERSON_RESIDENT;
    else if (scheme == MB_SCHEME_RESIDENT)
        return mb_fail(err, MB_E_UNKNOWN_CODE,
                       "person type %d is not a resident's (omit it, or use resident)",
                       person_type);
    else if (person_type < MB_PERSON_IN_SERVICE || person_type > MB_PERSON_VETERAN)
        return mb_fail(err, MB_E_UNKNOWN_CODE,
                       "person type %d is not an employee's (in_service, retired or veteran)",
                       person_type);
    int rc = mb_text_check(id, MB_ID_MAX, "enrollee id", err);
    if (rc != MB_OK)
        return rc;
    mb_enrollee *e = mb_calloc(1, sizeof *e);
    if (e == NULL)
        return mb_fail(err, MB_E_NOMEM, "out of memory creating an enrollee");
    e->designated = e->first_visit = e->next_designated = "";
    /* room for the first settlements: what a year of most single rulesets adds */
    e->acc = mb_calloc(MB_ACC_FRESH, sizeof *e->acc);
    e->id = e->acc ? mb_enrollee_keep(e, id) : NULL;
    if (e->id == NULL) {
        mb_enrollee_free(e);
        return mb_fail(err, MB_E_NOMEM, "out of memory creating an enrollee");
    }
    if ((rc = mb_journal_init(&e->journal, MB_JOURNAL_DEFAULT, err)) != MB_OK) {
        mb_enrollee_free(e);
        return rc;
    }
    e->acc_cap = MB_ACC_FRESH;
    e->tag = mb_hash(e->id[0] ? e->id : "\x01");
    e->setl_key = mb_setl_key(e->id, strlen(e->id));
    static _Atomic uint64_t instances;
    e->instance = ++instances;
    e->scheme = (uint8_t)scheme;
    e->person_type = (uint8_t)person_type;
    *out = e;
    return MB_OK;
}

void mb_enrollee_free(mb_enrollee *e)
{
    if (e == NULL)
        return;
    for (mb_text *t = e->text, *next; t != NULL; t = next) {
        next = t->next;
        mb_free(t);
    }
    mb_free(e->diseases);
    mb_free(e->identities);
    mb_free(e->acc);
    mb_journal_free(&e->journal);
    mb_free(e);
}

const char *mb_enrollee_id(const mb_enrollee *e) { return e ? e->id : ""; }
int64_t mb_enrollee_account_balance(const mb_enrollee *e) { return e ? e->balance : 0; }
int mb_enrollee_scheme(const mb_enrollee *e) { return e ? e->scheme : MB_E_INVALID_ARGUMENT; }
int mb_enrollee_person_type(const mb_enrollee *e) { return e ? e->person_type : MB_E_INVALID_ARGUMENT; }
const char *mb_enrollee_first_visit_facility(const mb_enrollee *e) { return e ? e->first_visit : ""; }

const char *mb_enrollee_designated_facility(const mb_enrollee *e, int32_t date)
{
    if (e == NULL)
        return "";
    return mb_next_designated_in_force(e, date) ? e->next_designated : e->designated;
}

size_t mb_enrollee_disease_count(const mb_enrollee *e) { return e ? e->ndiseases : 0; }

int mb_enrollee_disease(const mb_enrollee *e, size_t index, const char **name,
                        int32_t *certified_on, int32_t *valid_until)
{
    if (e == NULL || index >= e->ndiseases)
        return MB_E_INVALID_ARGUMENT;
    const mb_certification *d = &e->diseases[index];
    if (name)
        *name = d->name;
    if (certified_on)
        *certified_on = d->certified_on;
    if (valid_until)
        *valid_until = d->valid_until;
    return MB_OK;
}

size_t mb_enrollee_assistance_count(const mb_enrollee *e) { return e ? e->nidentities : 0; }

int mb_enrollee_assistance(const mb_enrollee *e, size_t index, const char **category,
                           int32_t *from, int32_t *to)
{
    if (e == NULL || index >= e->nidentities)
        return MB_E_INVALID_ARGUMENT;
    const mb_identity *id = &e->identities[index];
    if (category)
        *category = id->name;
    if (from)
        *from = id->from;
    if (to)
        *to = id->to;
    return MB_OK;
}

int mb_enrollee_set_account_balance(mb_enrollee *e, int64_t fen, mb_error *err)
{
    if (e == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "enrollee is NULL");
    int rc = mb_amount_check(fen, "account balance", err);
    if (rc != MB_OK)
        return rc;
    if (fen > 0 && e->scheme == MB_SCHEME_RESIDENT)
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "enrollee %s is a resident: resident insurance has no personal account", e->id);
    e->balance = fen;
    return MB_OK;
}

int mb_enrollee_set_designated_facility(mb_enrollee *e, const char *id, mb_error *err)
{
    if (e == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "enrollee is NULL");
    int rc = mb_text_check(id, MB_ID_MAX, "designated facility", err);
    if (rc != MB_OK)
        return rc;
    const char *kept = mb_enrollee_keep(e, id);
    if (kept == NULL)
        return mb_fail(err, MB_E_NOMEM, "out of memory setting the designated facility");
    e->designated = kept;
    e->designated_hash = mb_hash(kept);
    return MB_OK;
}

int mb_enrollee_set_first_visit_facility(mb_enrollee *e, const char *id, mb_error *err)
{
    if (e == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "enrollee is NULL");
    int rc = mb_text_check(id, MB_ID_MAX, "first-visit facility", err);
    if (rc != MB_OK)
        return rc;
    const char *kept = mb_enrollee_keep(e, id);
    if (kept == NULL)
        return mb_fail(err, MB_E_NOMEM, "out of memory setting the first-visit facility");
    e->first_visit = kept;
    e->first_visit_hash = mb_hash(kept);
    return MB_OK;
}

int mb_enrollee_set_next_designated(mb_enrollee *e, const char *facility, int32_t from,
                                    mb_error *err)
{
    int rc = mb_text_check(facility, MB_ID_MAX, "next designated facility", err);
    if (rc != MB_OK)
        return rc;
    const char *kept = mb_enrollee_keep(e, facility);
    if (kept == NULL)
        return mb_fail(err, MB_E_NOMEM, "out of memory recording the facility change");
    e->next_designated = kept;
    e->next_designated_hash = mb_hash(kept);
    e->next_from = from;
    return MB_OK;
}

int mb_enrollee_add_disease(mb_enrollee *e, const char *name, int32_t certified_on,
                            int32_t valid_until, mb_error *err)
{
    if (e == NULL || name == NULL || *name == '\0')
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "mb_enrollee_add_disease: enrollee or name missing");
    if (!mb_date_valid(certified_on))
        return mb_fail(err, MB_E_INVALID_DATE, "certification date %d is not a date", certified_on);
    if (valid_until != 0 && (!mb_date_valid(valid_until) || valid_until < certified_on))
        return mb_fail(err, MB_E_INVALID_DATE,
                       "valid_until %d is not a date on or after the certification %d",
                       valid_until, certified_on);
    if (e->ndiseases == MB_MAX_DISEASES)
        return mb_fail(err, MB_E_CAPACITY, "an enrollee holds at most %d certifications",
                       MB_MAX_DISEASES);
    int rc = mb_text_check(name, MB_NAME_MAX, "disease", err);
    if (rc != MB_OK)
        return rc;
    uint64_t h = mb_hash(name);
    for (uint32_t i = 0; i < e->ndiseases; i++)
        if (e->diseases[i].hash == h && e->diseases[i].certified_on == certified_on)
            return mb_fail(err, MB_E_INVALID_ARGUMENT, "'%s' is already certified on %d", name,
                           certified_on);
    /* every argument checked, the name kept, room made (or the name taken back): only then
     * is the entry written */
    text_mark mark = text_end(e);
    const char *kept = mb_enrollee_keep(e, name);
    if (kept == NULL)
        return mb_fail(err, MB_E_NOMEM, "out of memory adding a certification");
    if (e->ndiseases == e->cap_diseases &&
        grow((void **)&e->diseases, &e->cap_diseases, sizeof *e->diseases, MB_MAX_DISEASES)) {
        text_take_back(e, mark);
        return mb_fail(err, MB_E_NOMEM, "out of memory adding a certification");
    }
    e->diseases[e->ndiseases++] = (mb_certification){kept, h, certified_on, valid_until};
    e->certs_gen++;
    return MB_OK;
}

/* Record an identity whose name was checked against what it may be (a category, or a name a
 * ruleset knows); shared with mb_enrollee_restore. */
int mb_identity_add(mb_enrollee *e, int category, const char *name, int32_t from, int32_t to,
                    mb_error *err)
{
    if (!mb_date_valid(from) || (to != 0 && (!mb_date_valid(to) || to < from)))
        return mb_fail(err, MB_E_INVALID_DATE, "identity dates %d..%d are not dates in order",
                       from, to);
    if (e->nidentities == MB_MAX_IDENTITIES)
        return mb_fail(err, MB_E_CAPACITY, "an enrollee holds at most %d identities",
                       MB_MAX_IDENTITIES);
    int rc = mb_text_check(name, MB_NAME_MAX, "identity", err);
    if (rc != MB_OK)
        return rc;
    if (name == NULL || name[0] == '\0')
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "an identity needs a name");
    /* every argument checked, the name kept, room made (or the name taken back): only then
     * is the entry written */
    text_mark mark = text_end(e);
    const char *kept = mb_enrollee_keep(e, name);
    if (kept == NULL)
        return mb_fail(err, MB_E_NOMEM, "out of memory adding an identity");
    if (e->nidentities == e->cap_identities &&
        grow((void **)&e->identities, &e->cap_identities, sizeof *e->identities, MB_MAX_IDENTITIES)) {
        text_take_back(e, mark);
        return mb_fail(err, MB_E_NOMEM, "out of memory adding an identity");
    }
    e->identities[e->nidentities++] =
        (mb_identity){.category = category, .hash = mb_hash(kept), .from = from, .to = to,
                      .name = kept};
    return MB_OK;
}

int mb_enrollee_add_assistance(mb_enrollee *e, const char *category, int32_t from, int32_t to,
                               mb_error *err)
{
    if (e == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "enrollee is NULL");
    int cat = mb_category_parse(category);
    if (cat < 0)
        return mb_fail(err, MB_E_UNKNOWN_CODE,
                       "unknown assistance category '%s' (extreme_poverty, minimum_living, "
                       "child_in_difficulty, orphan, entitled_group, downsized_1960s, "
                       "hardship_worker, low_income_margin, expenditure_hardship, "
                       "temporary_relief, severe_disability, other_hardship)",
                       category ? category : "(null)");
    return mb_identity_add(e, cat, mb_category_name(cat), from, to, err);
}

int mb_enrollee_add_identity(mb_enrollee *e, const mb_ruleset *rs, const char *name,
                             int32_t from, int32_t to, mb_error *err)
{
    if (e == NULL || rs == NULL || name == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT,
                       "mb_enrollee_add_identity: enrollee, ruleset and name are required");
    int cat = mb_category_parse(name);
    if (cat >= 0)
        return mb_identity_add(e, cat, name, from, to, err);
    if (!mb_utf8_valid(name, strlen(name)))
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "the identity is not valid UTF-8");
    if (!mb_ruleset_knows_identity(rs, mb_hash(name))) {
        char names[MB_MSG_MAX / 2];
        mb_ruleset_group_names(rs, names, sizeof names);
        return mb_fail(err, MB_E_UNKNOWN_CODE,
                       "%s knows no identity '%.60s': its groups are %s (a group's name, its "
                       "label, a psn_idet_type code it lists or a member it names; or an "
                       "assistance category)", rs->id, name, names);
    }
    return mb_identity_add(e, -1, name, from, to, err);
}

int mb_enrollee_set_birth_date(mb_enrollee *e, int32_t ymd, mb_error *err)
{
    if (e == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "enrollee is NULL");
    if (ymd != 0 && !mb_date_valid(ymd))
        return mb_fail(err, MB_E_INVALID_DATE, "birth date %d is not a date (YYYYMMDD, or 0 to "
                       "clear it)", ymd);
    e->birth_date = ymd;
    return MB_OK;
}

int32_t mb_enrollee_birth_date(const mb_enrollee *e) { return e ? e->birth_date : 0; }

/* ---- the accumulator table ---------------------------------------------------------------- */

bool mb_acc_exists(const mb_enrollee *e, uint64_t key, int32_t period)
{
    return mb_acc_find(e, key, period) != NULL;
}

/* The most entries a table of `cap` slots takes: a small one all but one slot (a probe there
 * is short whatever the load), a larger one three quarters. */
static uint64_t most_entries(uint64_t cap) { return cap <= 16 ? cap - 1 : cap / 4 * 3; }

bool mb_acc_room(const mb_enrollee *e, uint32_t extra)
{
    return (uint64_t)e->acc_count + extra <= most_entries(e->acc_cap);
}

int mb_acc_make_room(mb_enrollee *e, uint32_t extra, mb_error *err)
{
    return mb_acc_room(e, extra) ? MB_OK
                                 : mb_enrollee_reserve(e, (size_t)e->acc_count + extra, err);
}

void mb_acc_set(mb_enrollee *e, uint64_t key, int32_t period, int64_t value)
{
    mb_acc *a = mb_acc_slot(e, key, period);
    if (a->key == 0) {
        a->key = key;
        a->period = period;
        e->acc_count++;
    }
    a->value = value;
}

void mb_acc_remove(mb_enrollee *e, uint64_t key, int32_t period)
{
    mb_acc *a = mb_acc_slot(e, key, period);
    if (a->key == 0)
        return;
    /* backward-shift deletion keeps every probe sequence unbroken */
    uint32_t mask = e->acc_cap - 1;
    uint32_t hole = (uint32_t)(a - e->acc);
    for (uint32_t i = (hole + 1) & mask; e->acc[i].key != 0; i = (i + 1) & mask) {
        uint32_t home = mb_acc_home(e->acc[i].key, e->acc[i].period, e->acc_cap);
        /* move entry i into the hole unless its home lies cyclically in (hole, i] */
        bool stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
        if (!stays) {
            e->acc[hole] = e->acc[i];
            hole = i;
        }
    }
    e->acc[hole] = (mb_acc){0, 0, 0};
    e->acc_count--;
}

int mb_enrollee_reserve(mb_enrollee *e, size_t entries, mb_error *err)
{
    if (e == NULL)
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "enrollee is NULL");
    if (entries > (1u << 24))
        return mb_fail(err, MB_E_INVALID_ARGUMENT, "%zu accumulator entries is absurd", entries);
    uint32_t cap = e->acc_cap;
    while (entries > most_entries(cap))
        cap *= 2;
    if (cap == e->acc_cap)
        return MB_OK;
    mb_acc *fresh = mb_calloc(cap, sizeof *fresh);
    if (fresh == NULL)
        return mb_fail(err, MB_E_NOMEM, "out of memory growing the accumulator table");
    mb_acc *old = e->acc;
    uint32_t old_cap = e->acc_cap;
    e->acc = fresh;
    e->acc_cap = cap;
    e->acc_count = 0;
    for (uint32_t i = 0; i < old_cap; i++)
        if (old[i].key != 0)
            mb_acc_set(e, old[i].key, old[i].period, old[i].value);
    mb_free(old);
    return MB_OK;
}
