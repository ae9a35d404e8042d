/*
 * Row selectors: every table of values in a ruleset (deductibles, ratios, bands, caps, category
 * ratios, disease caps, accruals…) is a list of rows, and the row that applies is chosen by the
 * same selectors. They are compiled to integers at load (compile_values.c); a claim's side of
 * them, its view, is worked out once per ruleset before the layers run (view.c), so choosing a
 * row compares integers only.
 */
#ifndef MB_SELECT_H
#define MB_SELECT_H

#include "internal.h"

/* Facility classes: the level, or the enrollee's first-visit facility, or a pharmacy. */
enum {
    MB_FAC_ANY = 0,
    MB_FAC_FIRST_VISIT,
    MB_FAC_PRIMARY,
    MB_FAC_SECONDARY,
    MB_FAC_TERTIARY,
    MB_FAC_PHARMACY,
};

/* Where the care was: in the city, elsewhere in the province, or out of the province. */
enum { MB_AREA_ANY = 0, MB_AREA_IN_CITY, MB_AREA_OUT_OF_CITY, MB_AREA_OUT_OF_PROVINCE };

/* A row's selectors; 0 (or -1 where 0 is a value) matches every claim. */
typedef struct mb_sel {
    int32_t from;           /* YYYYMMDD the row takes effect, 0: always */
    int8_t facility;        /* MB_FAC_* */
    int8_t referred;        /* -1 any, 0 only unreferred, 1 only referred */
    int8_t area;            /* MB_AREA_* */
    int8_t scheme;          /* mb_scheme, 0 any */
    int8_t group;           /* person group index, -1 any */
    int8_t category;        /* facility category index, -1 any */
    int16_t disease;        /* catalogue index, -1 any */
    int16_t disease_group;  /* catalogue group, 0 any */
    int16_t age_lo, age_hi; /* completed years on the claim date, inclusive; -1 open */
    int16_t nth_lo, nth_hi; /* deductible_repeat: the unit's number in the year; 0 open */
    uint32_t claim_types;   /* bit per claim type (mb_med_bit), 0 any */
    uint64_t treatment;     /* hash of the treatment line, 0 any */
    uint8_t specificity;    /* how many selectors besides `from` it has: the more, the better */
    uint8_t depth;          /* which of the checks below it needs (MB_SEL_DEPTH_*) */
} mb_sel;

/* How far mb_sel_match must look: most rows name a date, a facility or a referral at most. */
enum { MB_SEL_DEPTH_DATE = 0, MB_SEL_DEPTH_FACILITY, MB_SEL_DEPTH_ALL };

/* Bits of which selectors a table's rows use (mb_rows.uses). */
enum {
    MB_SEL_FROM = 1u << 0,
    MB_SEL_FACILITY = 1u << 1,
    MB_SEL_REFERRED = 1u << 2,
    MB_SEL_AREA = 1u << 3,
    MB_SEL_SCHEME = 1u << 4,
    MB_SEL_GROUP = 1u << 5,
    MB_SEL_CATEGORY = 1u << 6,
    MB_SEL_DISEASE = 1u << 7,
    MB_SEL_DISEASE_GROUP = 1u << 8,
    MB_SEL_AGE = 1u << 9,
    MB_SEL_NTH = 1u << 10,
    MB_SEL_CLAIM_TYPE = 1u << 11,
    MB_SEL_TREATMENT = 1u << 12,
};

/* A claim as the selectors see it, under one ruleset. */
typedef struct mb_view {
    int32_t date;
    int slot;               /* the person column (MB_SLOT_*) */
    int facility;           /* MB_FAC_*, -1: a pharmacy claim with no prescriber to take it from */
    int level;              /* the same, by level alone: a first-visit facility as its level */
    int referred;
    int area;
    int scheme;
    int age;                /* -1: no birth date */
    int nth;                /* the unit's number, for deductible_repeat rows only; 0 otherwise */
    int category;           /* the facility's category in the ruleset, -1 none */
    int disease;            /* catalogue index, -1 none */
    int disease_group;
    uint32_t claim_bit;
    uint64_t groups;        /* the person groups held on the claim's dates */
    uint64_t treatment;
} mb_view;

/* The bit of a claim type in masks (layer med_types, the claim_type selector). */
static inline uint32_t mb_med_bit(int med_type) { return 1u << (med_type % 32); }

/* Whether a row's selectors match the claim. A claim at the enrollee's first-visit facility
 * is first_visit care for a table that has first_visit rows (`first_visit`), and care at its
 * level for one that has none. */
static inline bool mb_sel_match(const mb_sel *s, const mb_view *v, bool first_visit)
{
    if (s->from > v->date)
        return false;
    if (s->depth == MB_SEL_DEPTH_DATE)
        return true;
    int fac = first_visit || s->facility == MB_FAC_FIRST_VISIT ? v->facility : v->level;
    if ((s->facility != 0 && s->facility != fac) || (s->referred >= 0 && s->referred != v->referred))
        return false;
    if (s->depth == MB_SEL_DEPTH_FACILITY)
        return true;
    return (s->group < 0 || ((v->groups >> s->group) & 1u)) &&
           (s->claim_types == 0 || (s->claim_types & v->claim_bit)) &&
           (s->area == 0 || s->area == v->area) && (s->scheme == 0 || s->scheme == v->scheme) &&
           (s->category < 0 || s->category == v->category) &&
           (s->disease < 0 || s->disease == v->disease) &&
           (s->disease_group == 0 || s->disease_group == v->disease_group) &&
           (s->age_lo < 0 || (v->age >= 0 && v->age >= s->age_lo)) &&
           (s->age_hi < 0 || (v->age >= 0 && v->age <= s->age_hi)) &&
           (s->nth_lo == 0 || v->nth >= s->nth_lo) && (s->nth_hi == 0 || v->nth <= s->nth_hi) &&
           (s->treatment == 0 || s->treatment == v->treatment);
}

/* Whether `a` is preferred to `b` when both match: more selectors, then the later `from`;
 * otherwise the first in the file (the caller keeps the earlier one). */
static inline bool mb_sel_better(const mb_sel *a, const mb_sel *b)
{
    if (a->specificity != b->specificity)
        return a->specificity > b->specificity;
    return a->from > b->from;
}

#endif
