/* The compiled ruleset: immutable lookup tables built once at load (compile.c). */
#ifndef MB_RULESET_H
#define MB_RULESET_H

#include "internal.h"
#include "select.h"

/* Person slots: a table cell per person type. */
enum { MB_SLOT_IN_SERVICE = 0, MB_SLOT_RETIRED, MB_SLOT_VETERAN, MB_SLOT_RESIDENT, MB_SLOT_COUNT };
static inline int mb_person_slot(int person_type) { return person_type - 1; }

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
/* Catalogue groups: chronic and special always exist; a ruleset may name more. */
enum { MB_GROUP_ANY = 0, MB_GROUP_CHRONIC = 1, MB_GROUP_SPECIAL = 2 };
#define MB_MAX_DISEASE_GROUPS 32

/* Person groups: the twelve built-in assistance categories are groups 0..11 (their
 * MB_CATEGORY index); a ruleset declares more, up to 64 in all (a bit each in mb_view.groups). */
#define MB_MAX_GROUPS 64

/* How a deductible is charged (a deductible row's `scope`). */
enum {
    MB_SCOPE_YEAR = 0,   /* once a year: each claim tops up to its own row's amount (补差) */
    MB_SCOPE_YEAR_FIRST, /* once a year, at the amount of the first claim charged */
    MB_SCOPE_VISIT,      /* every claim */
    MB_SCOPE_ADMISSION,  /* every admission (the claims of one admission date share it) */
    MB_SCOPE_DAY,        /* every day (one day's claims share it) */
};

/* What a top-up layer's target ratio is a share of. */
enum { MB_TOPUP_NONE = 0, MB_TOPUP_COMPLIANT, MB_TOPUP_TOTAL };
/* What a top-up may pay of: the policy-scope self-pay left, or the whole self-pay left. */
enum { MB_TOPUP_WITHIN_SCOPE = 0, MB_TOPUP_WITHIN_TOTAL };
/* A year target's figures (topup.c): the year's basis and the funds paid against it. */
enum { MB_TARGET_BASE, MB_TARGET_PAID, MB_TARGET_KEYS };

/* A row of values by person slot, chosen by its selectors. */
typedef struct mb_row {
    mb_sel sel;
    int64_t v[MB_SLOT_COUNT];  /* fen or basis points; MB_ABSENT; MB_UNLIMITED for caps */
    int scope;                 /* deductible rows: MB_SCOPE_* */
    const char *cite;
    const char *path;          /* where in the YAML, for the trace */
} mb_row;

typedef struct mb_rows {
    const mb_row *row;
    uint32_t n;
    uint32_t uses;             /* MB_SEL_* bits its rows use */
    bool first_visit;          /* a row is chosen by facility: first_visit */
    bool one_per_group;        /* categories: each group has one row (no row supersedes another) */
    bool by_person;            /* no row has a selector: the row is the person column's */
    int8_t person_row[MB_SLOT_COUNT]; /* by_person: each column's row (-1: none), found at load */
} mb_rows;

typedef struct mb_band {
    int64_t above, up_to;     /* cumulative base range; above -1: from the deductible */
    mb_rows ratio;            /* its own ratio rows; none: the layer's ratio applies */
    int fund;                 /* fund index, -1: the layer's fund */
    const char *cite;
    const char *rule;         /* its trace steps' rule id: "<layer>.bands[k]" */
} mb_band;

/* How a cap grows with the diseases covered: one row of its raise. */
typedef struct mb_raise {
    mb_sel sel;               /* where it applies (the default row: everywhere) */
    int min_diseases;         /* a fixed raise from this many diseases (0: none) */
    int64_t amount;
    int64_t each;             /* + this for every disease beyond the first */
    int32_t share_bp;         /* + this share of every further disease's own cap */
    int64_t ceiling;          /* the raised cap's most; MB_UNLIMITED: none */
    int group;                /* diseases counted: of this catalogue group (0: any) */
    const char *cite;
} mb_raise;

typedef struct mb_cap {
    int period;               /* MB_PERIOD_* */
    uint64_t key;             /* accumulator of what counts against it */
    const char *key_name;
    mb_rows rows;             /* the cap by person slot */
    bool of_diseases;         /* base: the highest cap among the diseases covered */
    bool has_raise;
    const mb_raise *raise;    /* its rows, the default first (has_raise) */
    uint32_t nraise;
    const char *cite;
} mb_cap;

/* The critical-illness tilt for assistance recipients: one row of it. */
typedef struct mb_tilt {
    mb_sel sel;               /* where it applies */
    int32_t deductible_bp;    /* the deductible is multiplied by this */
    int32_t points_bp;        /* added to every ratio */
    bool uncapped;            /* the layer cap does not apply */
    const char *cite;
} mb_tilt;

typedef struct mb_disease_cap {
    uint64_t line;            /* hash of the treatment line, 0 for the disease as a whole */
    const char *line_name;
    mb_sel sel;               /* further selectors (date, facility…) */
    int64_t v[MB_SLOT_COUNT]; /* per person slot; MB_UNLIMITED */
    uint64_t key;             /* accumulator key for what the fund paid on it */
    const char *key_name;
    const char *cite;
} mb_disease_cap;

typedef struct mb_disease {
    const char *code, *name, *short_name, *group_name;
    int group;                /* catalogue group: MB_GROUP_CHRONIC, _SPECIAL or one declared */
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
    const char *row_code[3];  /* the code its fund rows carry, by scheme: its own for the
                                 scheme, or the other's when it has none (compile.c) */
    const char *name[3];
    int amount_slot;          /* MB_AMT_* the fund's payments add to */
} mb_fund;

/* The rule ids a layer's trace steps name, "<layer id>.<step>", built once at load so that
 * settlement does no string work. The layer's own step (what it paid) is named by its id. */
typedef struct mb_layer_rules {
    const char *deductible, *ratio, *tilt, *cap, *cap_raise, *disease_cap, *stacking, *self_pay;
    const char *deductible_repeat, *deductible_ceiling, *top_up, *pharmacy;
} mb_layer_rules;

/* A deductible's year-to-date state, when it is kept apart from the cumulative base: what was
 * paid this year and how many units (visits, admissions, days) were charged (sums); the last
 * unit and what it paid, packed as its day of the year x MB_DED_UNIT_SCALE + the amount, and
 * the amount due for the year (scope year_first): values that only rise, as the journal
 * reverses them (docs/reversal.md). A layer whose rows charge once a year at the first claim's
 * amount (year_first) and per unit keeps what its year_first rows charged apart as well
 * (first_paid): that deductible is a series of its own, not paid by the units'. */
enum { MB_DED_PAID, MB_DED_COUNT, MB_DED_UNIT, MB_DED_DUE, MB_DED_FIRST_PAID, MB_DED_KEYS };
#define MB_DED_UNIT_SCALE INT64_C(100000000000) /* 10^11 fen: more than any deductible */

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
    const char *exclusive_cite;  /* the clause that makes them exclusive (default: the layer's) */
    uint32_t nexclusive;
    int fund;
    mb_rows deductible;
    mb_rows deductible_repeat;   /* share of the stated deductible at the nth unit of the year */
    mb_rows deductible_floor;    /* the least a repeated deductible comes down to */
    mb_rows deductible_ceiling;  /* the most the deductibles of a year add up to */
    bool ded_tracked;            /* deductible paid kept apart from the base (ded_key) */
    bool ded_mixed;              /* year_first rows and rows charged per unit */
    uint32_t nded_keys;          /* the ded_key kept: MB_DED_KEYS when mixed, else one fewer */
    uint64_t ded_key[MB_DED_KEYS];
    const char *ded_key_name[MB_DED_KEYS];
    mb_rows top_up;              /* target ratio of a top-up layer (MB_TOPUP_*) */
    int top_up_of;
    int top_up_within;           /* MB_TOPUP_WITHIN_* */
    int top_up_period;           /* MB_PERIOD_NONE: each claim's target; MB_PERIOD_YEAR: the year's */
    uint64_t target_key[MB_TARGET_KEYS];
    const char *target_key_name[MB_TARGET_KEYS];
    int pharmacy_as;             /* MB_FAC_* a pharmacy claim is chosen as; 0: the prescriber's */
    const char *pharmacy_cite;
    int ratio_source;         /* MB_RATIO_* */
    mb_rows ratio;
    const mb_band *bands;
    uint32_t nbands;
    mb_cap cap;               /* period NONE: no layer cap */
    bool has_cap;
    bool disease_caps;        /* the catalogue's per-disease caps apply */
    bool referral_penalty;    /* the ruleset's referral penalty applies */
    const char *referral_penalty_cite; /* its clause for this layer (NULL: the ruleset's referral cite) */
    bool tilt;                /* the ruleset's tilt for assistance recipients applies */
    bool uses_age;            /* a row of its tables is chosen by age: its claims need a birth date */
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

typedef struct mb_assumption {
    const char *where, *reason;
} mb_assumption;

typedef struct mb_group {
    const char *name, *label;
    uint64_t members;                   /* groups whose members are members of this one */
    bool by_identity;                   /* membership needs an identity it names */
    int scheme;                         /* condition: this scheme only (0: any) */
    int certified;                      /* condition: a covered disease of this catalogue
                                           group (0: none) */
    const char *cite;
} mb_group;

struct mb_ruleset {
    const char *id, *title, *document, *source_name;
    uint64_t serial;        /* the load's number, never reused: what is kept of a ruleset
                               (mb_held_cache) keys on it, not only on the address */
    const char *ns_id;                  /* accumulators are kept under this id: the ruleset's
                                           own, or that of the first of a line it continues */
    int tier;
    int32_t effective_from, effective_to;
    uint32_t schemes;
    int account;                        /* MB_ACCOUNT_* */
    int32_t class_b_bp;                 /* default class B first self-pay */
    const char *class_b_cite;
    mb_rows class_b;                    /* class B first self-pay rows (the default last) */
    mb_rows first_selfpay;              /* 个人先自付: share of the policy-scope cost */
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

    /* person groups: the built-in categories, then the declared; an identity's text hash and
       the groups it makes one a member of, as an open-addressing table (compile_groups.c) */
    const mb_group *groups;
    uint32_t ngroups;
    const struct mb_ident_slot *ident_slots;
    uint32_t ident_mask;
    const char *const *facility_categories; /* names; index = mb_view.category */
    const uint64_t *facility_category_hash;  /* name and label hashes, sorted */
    const int8_t *facility_category_index;
    uint32_t nfacility_categories, nfacility_category_hash;
    const char *disease_group_names[MB_MAX_DISEASE_GROUPS];
    uint32_t ndisease_groups;
    bool uses_age;                      /* a row outside the layers is chosen by age: claims
                                           need a birth date */
    bool layers_use_age;                /* some layer's rows are (mb_layer.uses_age) */

    mb_rows categories;                 /* assistance ratio rows by group (就高: the highest) */

    bool identity_to_month_end;         /* an identity lost lasts to the end of that month */
    bool identity_any_admission_day;    /* held on any day of an admission: the whole of it */
    const char *identity_cite;

    uint64_t tilt_groups;               /* bit per person group */
    const mb_tilt *tilts;               /* the tilt's rows, the default first */
    uint32_t ntilts;

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
    /* the layers a claim can apply, worked out at load from their med_types and schemes: for
       scheme s and med_type m, layer_order[layers_for[s][m % 32] .. layers_for[s][m % 32 + 1])
       in the ruleset's order (plan.c) */
    const uint16_t *layer_order;
    uint32_t layers_for[3][33];
    /* for scheme s and med_type m, plain_for[s][m % 32]: the plain layers its claims take on the
       plain path, or NULL (program.c); plain_for itself NULL when no claim takes it */
    const struct mb_plain_span *const (*plain_for)[32];

    const mb_acc_key *acc_keys;         /* the layers' keys, then the catalogue's; each once */
    uint32_t nacc_keys;

    uint32_t new_entries[32];           /* by med_type % 32: the most accumulator entries one
                                           settlement adds */
    uint32_t most_new_entries;          /* the most for any med_type */
    uint32_t most_funds;                /* the most funds one claim's layers pay from */
    uint32_t trace_steps;               /* the most trace steps one claim records in its tier */

    const mb_assumption *assumptions;
    uint32_t nassumptions;

    const struct mb_platform_rules *platform; /* the platform's codes (platform_rules.h) */

    void *arena;                        /* every allocation above, freed at once */
};

/* The row that applies to the claim seen as `v`, with a value for its person, or NULL (rows.c):
 * the most specific among those that match, then the latest in force, then the first. */
const mb_row *mb_rows_pick(const mb_rows *rows, const mb_view *v);
/* The same choice among `n` rows of `size` bytes each that begin with their mb_sel (the tilt's,
 * a cap raise's): the most specific that matches, then the latest in force, then the first. */
const void *mb_sel_pick(const void *rows, uint32_t n, size_t size, const mb_view *v);
/* Work out at load, for a table whose rows have no selector, each person column's row. */
void mb_rows_by_person(mb_rows *rows);
/* The matching row of the largest value (categories: 就高不重复). */
const mb_row *mb_rows_pick_max(const mb_rows *rows, const mb_view *v);
/* For a table whose rows are chosen by group alone (uses no selector but MB_SEL_GROUP): the rows
 * mb_rows_pick_max can pick for person column `slot`, written to `out` (room for rows->n) in
 * the order it prefers them, the largest value first, then file order. Its pick for a claim is
 * the first whose group the claim's person holds, or that names none. Returns how many. */
uint32_t mb_rows_max_order(const mb_rows *rows, int slot, const mb_row **out);
/* A view of nothing but a date and a person (tables read without a claim). */
void mb_view_plain(mb_view *v, int32_t date, int slot);

/* Whether an identity of this name (hash) makes one a member of some group of the ruleset. */
bool mb_ruleset_knows_identity(const mb_ruleset *rs, uint64_t hash);
/* The declared groups' names (and labels) as "a (甲), b (乙)" into `out`. */
void mb_ruleset_group_names(const mb_ruleset *rs, char *out, size_t cap);

/* Work out at load what settlement would otherwise work out per claim (plan.c). */
struct mb_arena;
int mb_plan(mb_ruleset *rs, struct mb_arena *arena, mb_error *err);
/* Where a ruleset passes what one settlement holds: the first layer (index) at which the layers
 * up to it can change more than `max_entries` accumulators, or pay from more than `max_funds`
 * funds, on one claim of some med_type (described in *out); -1 when none does, -2 out of
 * memory. */
typedef struct mb_plan_excess {
    int med_type;
    uint32_t entries, funds;
} mb_plan_excess;
int mb_plan_over(const mb_ruleset *rs, struct mb_arena *arena, uint32_t max_entries,
                 uint32_t max_funds, mb_plan_excess *out);

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

/* The groups an identity's text (its hash) makes one a member of under a loaded ruleset; 0
 * when the ruleset does not know it. */
struct mb_ident_slot {
    uint64_t hash;          /* 0: empty (mb_hash never gives 0) */
    uint64_t groups;        /* never 0 for a hash the ruleset knows */
};
static inline uint64_t mb_identity_groups(const mb_ruleset *rs, uint64_t hash)
{
    for (uint32_t k = (uint32_t)hash & rs->ident_mask;; k = (k + 1) & rs->ident_mask) {
        const struct mb_ident_slot *s = &rs->ident_slots[k];
        if (s->hash == hash)
            return s->groups;
        if (s->hash == 0)
            return 0;
    }
}

#endif
