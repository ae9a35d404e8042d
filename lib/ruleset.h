/* The compiled ruleset: immutable lookup tables built once at load (compile.c). */
#ifndef MB_RULESET_H
#define MB_RULESET_H

#include "internal.h"

/* Person slots: a table cell per person type. */
enum { MB_SLOT_IN_SERVICE = 0, MB_SLOT_RETIRED, MB_SLOT_VETERAN, MB_SLOT_RESIDENT, MB_SLOT_COUNT };
static inline int mb_person_slot(int person_type) { return person_type - 1; }

/* Facility classes a ratio row can select. */
enum { MB_FAC_ANY = 0, MB_FAC_FIRST_VISIT, MB_FAC_PRIMARY, MB_FAC_SECONDARY, MB_FAC_TERTIARY };

/* Layer requirements (bit mask). */
enum {
    MB_REQ_CERTIFIED_DISEASE = 1u << 0,
    MB_REQ_DESIGNATED_FACILITY = 1u << 1,
    MB_REQ_ASSISTANCE = 1u << 2,
    MB_REQ_IN_PROVINCE = 1u << 3,
    MB_REQ_REFERRAL = 1u << 4,
    MB_REQ_PRESCRIPTION = 1u << 5,
};

/* Claim-flag exemptions from first-visit / referral rules (MB_CLAIM_* bits). */

enum { MB_BASE_COMPLIANT = 0, MB_BASE_REMAINING = 1 };
enum { MB_RATIO_TABLE = 0, MB_RATIO_CATEGORY = 1 };
enum { MB_ACCOUNT_NONE = 0, MB_ACCOUNT_LAST = 1, MB_ACCOUNT_FIRST = 2 };
enum { MB_START_NEXT_MONTH = 0, MB_START_SAME_MONTH = 1, MB_START_SAME_DAY = 2 };
enum { MB_GROUP_ANY = 0, MB_GROUP_CHRONIC = 1, MB_GROUP_SPECIAL = 2 };

/* A row of values by person slot, with optional selectors and an effective date. */
typedef struct mb_row {
    int32_t from;              /* YYYYMMDD the row takes effect, 0: always */
    int8_t facility;           /* MB_FAC_*, MB_FAC_ANY matches all */
    int8_t referred;           /* -1 any, 0 only unreferred, 1 only referred */
    int64_t v[MB_SLOT_COUNT];  /* fen or basis points; MB_ABSENT; MB_UNLIMITED for caps */
    const char *cite;
    const char *path;          /* where in the YAML, for the trace */
} mb_row;

typedef struct mb_rows {
    const mb_row *row;
    uint32_t n;
} mb_rows;

typedef struct mb_band {
    int64_t above, up_to;     /* cumulative base range; above -1: from the deductible */
    bool has_ratio;           /* else the layer's ratio rows apply */
    int64_t ratio[MB_SLOT_COUNT];
    int fund;                 /* fund index, -1: the layer's fund */
    const char *cite;
    const char *rule;         /* its trace steps' rule id: "<layer>.bands[k]" */
} mb_band;

typedef struct mb_cap {
    int period;               /* MB_PERIOD_* */
    uint64_t key;             /* accumulator of what counts against it */
    const char *key_name;
    mb_rows rows;             /* the cap by person slot */
    int raise_min_diseases;   /* 0: none */
    int64_t raise_amount;
    const char *cite;
    const char *raise_cite;
} mb_cap;

typedef struct mb_disease_cap {
    uint64_t line;            /* hash of the treatment line, 0 for the disease as a whole */
    const char *line_name;
    int64_t v[MB_SLOT_COUNT]; /* per person slot; MB_UNLIMITED */
    uint64_t key;             /* accumulator key for what the fund paid on it */
    const char *key_name;
    const char *cite;
} mb_disease_cap;

typedef struct mb_disease {
    const char *code, *name, *short_name, *group_name;
    int group;                /* MB_GROUP_CHRONIC / SPECIAL */
    int start;                /* MB_START_* */
    int valid_months;         /* 0: no expiry of its own */
    const mb_disease_cap *caps;
    uint32_t ncaps;
    int cap_period;
    const char *cite;
    struct mb_criteria *criteria; /* certification criteria (criteria.c), NULL: none given */
} mb_disease;

typedef struct mb_pair {
    uint32_t a, b;            /* disease indices */
    int renewable;            /* the side that may be certified again (-1: neither) */
    const char *cite;
} mb_pair;

typedef struct mb_fund {
    const char *key;
    const char *code[3];      /* by scheme: [1] employee, [2] resident */
    const char *name[3];
    int amount_slot;          /* MB_AMT_* the fund's payments add to */
} mb_fund;

/* The rule ids a layer's trace steps name, "<layer id>.<step>", built once at load so that
 * settlement does no string work. The layer's own step (what it paid) is named by its id. */
typedef struct mb_layer_rules {
    const char *deductible, *ratio, *tilt, *cap, *cap_raise, *disease_cap, *stacking, *self_pay;
} mb_layer_rules;

typedef struct mb_layer {
    const char *id, *name, *kind, *cite;
    mb_layer_rules rules;
    uint32_t med_types;       /* bit per mb_med_type code index */
    uint32_t schemes;         /* bit per mb_scheme */
    uint32_t requires;        /* MB_REQ_* */
    int group;                /* disease group filter */
    int base;                 /* MB_BASE_* */
    uint64_t base_key;        /* year accumulator of the base */
    const char *base_key_name;
    uint64_t paid_key;        /* year accumulator of the layer's payments */
    uint64_t kind_key;        /* year flag: this kind of benefit enjoyed */
    uint64_t exclusive[4];    /* kind keys that exclude this layer in the same year */
    const char *exclusive_names[4];
    uint32_t nexclusive;
    int fund;
    mb_rows deductible;
    int ratio_source;         /* MB_RATIO_* */
    mb_rows ratio;
    const mb_band *bands;
    uint32_t nbands;
    mb_cap cap;               /* period NONE: no layer cap */
    bool has_cap;
    bool disease_caps;        /* the catalogue's per-disease caps apply */
    bool referral_penalty;    /* the ruleset's referral penalty applies */
    bool tilt;                /* the ruleset's tilt for assistance recipients applies */
    const char *deductible_path, *ratio_path;
} mb_layer;

/* An accumulator key the ruleset defines (docs/accumulators.md): the name seeds and reads use,
 * its hash in the ruleset's namespace, and the period it is kept by. */
typedef struct mb_acc_key {
    const char *name;
    uint64_t key;
    int period;               /* MB_PERIOD_YEAR / MB_PERIOD_QUARTER */
    int disease;              /* the catalogue entry whose cap it counts, -1: a layer's */
} mb_acc_key;

/* ---- the settlement plan (plan.c): built once at load, read by settlement ---------------- */

/* A row of a table that gives a value for one person slot, with its selectors beside it. */
typedef struct mb_pick {
    int32_t from;
    int8_t facility, referred;
    int64_t v;                /* the row's value for the slot */
    const mb_row *row;
} mb_pick;

/* The rows of one table for one person slot, latest `from` first (file order among equals):
 * the first whose selectors match a claim is the row mb_rows_pick would choose. */
typedef struct mb_picks {
    const mb_pick *p;
    uint32_t n;
} mb_picks;

typedef struct mb_layer_plan {
    mb_picks deductible[MB_SLOT_COUNT], ratio[MB_SLOT_COUNT], cap[MB_SLOT_COUNT];
} mb_layer_plan;

/* The row in force on `date` for this facility class and referral (-1: any), or NULL. */
static inline const mb_pick *mb_pick_row(const mb_picks *p, int32_t date, int facility,
                                         int referred)
{
    for (uint32_t i = 0; i < p->n; i++) {
        const mb_pick *q = &p->p[i];
        if (q->from <= date && (q->facility == MB_FAC_ANY || q->facility == facility) &&
            (q->referred < 0 || q->referred == referred))
            return q;
    }
    return NULL;
}

typedef struct mb_assumption {
    const char *where, *reason;
} mb_assumption;

struct mb_ruleset {
    const char *id, *title, *document, *source_name;
    int tier;
    int32_t effective_from, effective_to;
    uint32_t schemes;
    int account;                        /* MB_ACCOUNT_* */
    int32_t class_b_bp;                 /* default class B first self-pay */
    const char *class_b_cite;
    const char *account_cite;
    const char *upstream_cite;          /* how it settles what the tiers before it left */
    uint64_t ns;                        /* hash of the id: accumulator namespace */
    uint64_t activity_key, revoked_key; /* the last chronic activity and the lapse it led to */

    const mb_fund *funds;
    uint32_t nfunds;

    const mb_disease *diseases;
    uint32_t ndiseases;
    /* disease lookup: sorted (hash, index) pairs for code, full name, short name, aliases */
    const uint64_t *disease_hash;
    const uint32_t *disease_index;
    uint32_t ndisease_hash;
    /* the same pairs as an open-addressing table (catalogue.c): settlement's lookup */
    const struct mb_disease_slot *disease_slots;
    uint32_t disease_mask;

    int max_diseases;                   /* 0: no limit */
    int revoke_idle_months;             /* 0: never */
    const char *max_diseases_cite, *revoke_cite, *start_cite, *validity_cite;
    const mb_pair *pairs;
    uint32_t npairs;
    const char *pairs_cite;
    /* stacking of per-disease caps within a group: the highest cap full, the next `partial`
       ones at `partial_bp`, the rest nothing */
    int stack_group;                    /* MB_GROUP_*, 0: no stacking */
    int stack_partial;
    int32_t stack_partial_bp;
    const char *stack_cite;

    int32_t category_bp[MB_CATEGORY_COUNT]; /* assistance ratio by category, -1: not listed */
    const char *category_cite[MB_CATEGORY_COUNT];

    bool identity_to_month_end;         /* an identity lost lasts to the end of that month */
    bool identity_any_admission_day;    /* held on any day of an admission: the whole of it */
    const char *identity_cite;

    uint32_t tilt_categories;           /* bit per category */
    int32_t tilt_deductible_bp;         /* the deductible is multiplied by this */
    int32_t tilt_points_bp;             /* added to every ratio */
    bool tilt_uncapped;
    const char *tilt_cite;

    uint32_t referral_exempt;           /* MB_CLAIM_* flags that count as referred */
    int32_t penalty_bp;                 /* subtracted without referral */
    uint32_t penalty_levels;            /* bit per MB_FAC_* */
    const char *referral_cite;

    uint32_t family_relations;          /* bit per mb_family_relation */
    const char *family_cite;
    mb_rows accrual;                    /* account accrual ratio rows by person */

    int facility_change_from, facility_change_to; /* MMDD window, 0: no window */
    const char *facility_cite;

    const mb_layer *layers;
    uint32_t nlayers;

    const mb_acc_key *acc_keys;         /* the layers' keys, then the catalogue's; each once */
    uint32_t nacc_keys;

    const mb_layer_plan *plans;         /* one per layer (plan.c) */
    uint8_t new_entries[32];            /* by med_type % 32: the most accumulator entries one
                                           settlement adds */
    uint32_t most_new_entries;          /* the most for any med_type */

    const mb_assumption *assumptions;
    uint32_t nassumptions;

    const struct mb_platform_rules *platform; /* the platform's codes (platform_rules.h) */

    void *arena;                        /* every allocation above, freed at once */
};

/* The row in force on `date` for this facility class, referral (-1: any) and person slot, or
 * NULL when none applies (rows.c). */
const mb_row *mb_rows_pick(const mb_rows *rows, int32_t date, int facility, int referred, int slot);

/* Build the settlement plan of a compiled ruleset, in its arena (plan.c). */
struct mb_arena;
int mb_plan(mb_ruleset *rs, struct mb_arena *arena, mb_error *err);

/* Find a disease index by the hash of its code or name; -1 when unknown. */
struct mb_disease_slot {
    uint64_t hash;          /* 0: empty (mb_hash never gives 0) */
    int32_t disease;
};
static inline int mb_catalogue_lookup(const mb_ruleset *rs, uint64_t hash)
{
    if (rs->disease_slots == NULL || hash == 0)
        return -1;
    for (uint32_t k = (uint32_t)hash & rs->disease_mask;; k = (k + 1) & rs->disease_mask) {
        const struct mb_disease_slot *s = &rs->disease_slots[k];
        if (s->hash == hash)
            return s->disease;
        if (s->hash == 0)
            return -1;
    }
}
/* Build the table mb_catalogue_lookup reads from the sorted pairs, in the ruleset's arena. */
int mb_catalogue_index(mb_ruleset *rs, struct mb_arena *arena);

#endif
