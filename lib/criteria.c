/*
 * Certification criteria (鉴定标准) as data: a disease's numbered items, and a small rule
 * language over them that writes each document's rule as the document states it:
 *
 *   rule   := all(list) | any(list) | atleast(N: list) | item | item-item
 *   list   := rule (',' rule)*
 *   item   := number ('.' number)*            "3", "2.1", "3.2.5"
 *
 * "第1、2条为必备条件，且第3、4、5、6条至少具备一条"      all(1, 2, any(3-6))
 * "1-11条必须具备4项以上，其中1-7条中2条以上，8-11条中至少两条"
 *                                 all(atleast(4: 1-11), atleast(2: 1-7), atleast(2: 8-11))
 * "具备第1条或2-7条符合三条及以上"                         any(1, atleast(3: 2-7))
 *
 * An item with sub-items is met when it is listed itself, or when its sub-items meet its own
 * `rule` (any one of them when it gives none). Rules are parsed once, at load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "criteria.h"

enum { NODE_ITEM, NODE_ALL, NODE_ANY, NODE_ATLEAST };

typedef struct crit_node {
    int kind;
    int min;                 /* ATLEAST */
    int item;                /* ITEM: index into items */
    uint32_t first, n;       /* children: indices into `kids` */
    const char *desc;        /* what the node requires, for "unmet" */
} crit_node;

typedef struct crit_item {
    const char *n, *text;
    int parent;              /* -1 for top-level items */
    int rule;                /* node index of its sub-item rule, -1: any sub-item */
    uint32_t nsub;
} crit_item;

struct mb_criteria {
    crit_item *items;
    uint32_t nitems;
    crit_node *nodes;
    uint32_t nnodes, cap_nodes;
    uint32_t *kids;
    uint32_t nkids, cap_kids;
    int root;
    const char *cite, *text;
};

typedef struct parser {
    mb_criteria *c;
    mb_arena *arena;
    const char *s, *p;
    char error[200];
} parser;

static int find_item(const mb_criteria *c, const char *n, size_t len)
{
    for (uint32_t i = 0; i < c->nitems; i++)
        if (strlen(c->items[i].n) == len && memcmp(c->items[i].n, n, len) == 0)
            return (int)i;
    return -1;
}

static void skip_ws(parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t')
        ps->p++;
}

static int new_node(parser *ps, int kind)
{
    mb_criteria *c = ps->c;
    if (c->nnodes == c->cap_nodes) {
        uint32_t cap = c->cap_nodes ? c->cap_nodes * 2 : 32;
        crit_node *n = mb_arena_alloc(ps->arena, cap * sizeof *n);
        if (n == NULL)
            return -1;
        if (c->nnodes)
            memcpy(n, c->nodes, c->nnodes * sizeof *n);
        c->nodes = n;
        c->cap_nodes = cap;
    }
    c->nodes[c->nnodes] = (crit_node){.kind = kind, .item = -1};
    return (int)c->nnodes++;
}

/* Children are collected on a scratch stack, then copied contiguously into `kids`. */
static int commit_kids(parser *ps, int node, const uint32_t *stack, uint32_t n)
{
    mb_criteria *c = ps->c;
    if (c->nkids + n > c->cap_kids) {
        uint32_t cap = (c->cap_kids ? c->cap_kids * 2 : 64) + n;
        uint32_t *k = mb_arena_alloc(ps->arena, cap * sizeof *k);
        if (k == NULL)
            return -1;
        if (c->nkids)
            memcpy(k, c->kids, c->nkids * sizeof *k);
        c->kids = k;
        c->cap_kids = cap;
    }
    c->nodes[node].first = c->nkids;
    c->nodes[node].n = n;
    memcpy(c->kids + c->nkids, stack, n * sizeof *stack);
    c->nkids += n;
    return 0;
}

static size_t item_token(const char *p)
{
    size_t n = 0;
    while ((p[n] >= '0' && p[n] <= '9') || (p[n] == '.' && p[n + 1] >= '0' && p[n + 1] <= '9'))
        n++;
    return n;
}

#define MAX_KIDS 64

static int parse_rule(parser *ps, uint32_t *stack, uint32_t *nstack);

/* An item or a range of items ("3-6", "2.1-2.4"): pushes one ITEM node per item. */
static int parse_items(parser *ps, uint32_t *stack, uint32_t *nstack)
{
    const char *a = ps->p;
    size_t la = item_token(a);
    if (la == 0) {
        snprintf(ps->error, sizeof ps->error, "expected an item number at '%.20s'", a);
        return -1;
    }
    ps->p += la;
    skip_ws(ps);
    const char *b = a;
    size_t lb = la;
    if (*ps->p == '-') {
        ps->p++;
        skip_ws(ps);
        b = ps->p;
        lb = item_token(b);
        if (lb == 0) {
            snprintf(ps->error, sizeof ps->error, "expected an item number after '-'");
            return -1;
        }
        ps->p += lb;
    }
    int ia = find_item(ps->c, a, la), ib = find_item(ps->c, b, lb);
    if (ia < 0 || ib < 0) {
        snprintf(ps->error, sizeof ps->error, "item '%.*s' is not among the listed items",
                 (int)(ia < 0 ? la : lb), ia < 0 ? a : b);
        return -1;
    }
    const crit_item *x = &ps->c->items[ia], *y = &ps->c->items[ib];
    if (x->parent != y->parent || ia > ib) {
        snprintf(ps->error, sizeof ps->error, "range %s-%s must run forward under one parent",
                 x->n, y->n);
        return -1;
    }
    for (int i = ia; i <= ib; i++) {
        if (ps->c->items[i].parent != x->parent)
            continue;
        if (*nstack == MAX_KIDS) {
            snprintf(ps->error, sizeof ps->error, "more than %d terms in a group", MAX_KIDS);
            return -1;
        }
        int node = new_node(ps, NODE_ITEM);
        if (node < 0)
            return -2;
        ps->c->nodes[node].item = i;
        stack[(*nstack)++] = (uint32_t)node;
    }
    return 0;
}

static int parse_group(parser *ps, int kind, int min, uint32_t *stack, uint32_t *nstack)
{
    uint32_t kids[MAX_KIDS], nkids = 0;
    for (;;) {
        skip_ws(ps);
        int rc = parse_rule(ps, kids, &nkids);
        if (rc)
            return rc;
        skip_ws(ps);
        if (*ps->p == ',') {
            ps->p++;
            continue;
        }
        if (*ps->p == ')') {
            ps->p++;
            break;
        }
        snprintf(ps->error, sizeof ps->error, "expected ',' or ')' at '%.20s'", ps->p);
        return -1;
    }
    if (kind == NODE_ATLEAST && (min < 1 || (uint32_t)min > nkids)) {
        snprintf(ps->error, sizeof ps->error, "atleast(%d: …) over %u terms can never be met",
                 min, nkids);
        return -1;
    }
    int node = new_node(ps, kind);
    if (node < 0 || commit_kids(ps, node, kids, nkids))
        return -2;
    ps->c->nodes[node].min = kind == NODE_ALL ? (int)nkids : kind == NODE_ANY ? 1 : min;
    if (*nstack == MAX_KIDS) {
        snprintf(ps->error, sizeof ps->error, "more than %d terms in a group", MAX_KIDS);
        return -1;
    }
    stack[(*nstack)++] = (uint32_t)node;
    return 0;
}

static int parse_rule(parser *ps, uint32_t *stack, uint32_t *nstack)
{
    skip_ws(ps);
    static const struct {
        const char *word;
        int kind;
    } words[] = {{"all(", NODE_ALL}, {"any(", NODE_ANY}, {"atleast(", NODE_ATLEAST}};
    for (size_t w = 0; w < 3; w++) {
        size_t len = strlen(words[w].word);
        if (strncmp(ps->p, words[w].word, len) != 0)
            continue;
        ps->p += len;
        int min = 0;
        if (words[w].kind == NODE_ATLEAST) {
            skip_ws(ps);
            char *end;
            long v = strtol(ps->p, &end, 10);
            if (end == ps->p || *end != ':') {
                snprintf(ps->error, sizeof ps->error, "atleast needs 'N:' first, as in atleast(2: 1-7)");
                return -1;
            }
            min = (int)v;
            ps->p = end + 1;
        }
        return parse_group(ps, words[w].kind, min, stack, nstack);
    }
    return parse_items(ps, stack, nstack);
}

/* Parse `rule` into a single node; -1 with ps->error on a syntax error, -2 out of memory. */
static int parse_root(parser *ps, const char *rule, int *root)
{
    ps->s = ps->p = rule;
    uint32_t stack[MAX_KIDS], n = 0;
    int rc = parse_rule(ps, stack, &n);
    if (rc)
        return rc;
    skip_ws(ps);
    if (*ps->p != '\0') {
        snprintf(ps->error, sizeof ps->error, "unexpected '%.20s' after the rule", ps->p);
        return -1;
    }
    if (n == 1) {
        *root = (int)stack[0];
        return 0;
    }
    /* a bare range "1-3" means all of them */
    int node = new_node(ps, NODE_ALL);
    if (node < 0 || commit_kids(ps, node, stack, n))
        return -2;
    ps->c->nodes[node].min = (int)n;
    *root = node;
    return 0;
}

/* "第3、4、5、6条至少具备1条" and the like, for reporting what is unmet: every item of a group
 * named, however many (64 at most) and however long their numbers, so the text is measured
 * before it is written. */
static int describe(parser *ps, int node)
{
    crit_node *nd = &ps->c->nodes[node];
    if (nd->kind == NODE_ITEM) {
        nd->desc = ps->c->items[nd->item].text;
        return 0;
    }
    bool all_items = true;
    size_t numbers = 0; /* the items' numbers and the 、 between them */
    for (uint32_t k = 0; k < nd->n; k++) {
        const crit_node *kid = &ps->c->nodes[ps->c->kids[nd->first + k]];
        all_items &= kid->kind == NODE_ITEM;
        if (kid->kind == NODE_ITEM)
            numbers += (k ? strlen("、") : 0) + strlen(ps->c->items[kid->item].n);
    }
    size_t cap = numbers + 64; /* 第, and 条至少具备%d条 or a group's words with two numbers */
    char *desc = mb_arena_alloc(ps->arena, cap);
    if (desc == NULL)
        return -2;
    if (all_items) {
        size_t len = (size_t)snprintf(desc, cap, "第");
        for (uint32_t k = 0; k < nd->n; k++) {
            const crit_node *kid = &ps->c->nodes[ps->c->kids[nd->first + k]];
            len += (size_t)snprintf(desc + len, cap - len, "%s%s", k ? "、" : "",
                                    ps->c->items[kid->item].n);
        }
        if (nd->kind == NODE_ALL)
            snprintf(desc + len, cap - len, "条须同时具备");
        else
            snprintf(desc + len, cap - len, "条至少具备%d条", nd->min);
    } else {
        snprintf(desc, cap, nd->kind == NODE_ALL ? "以下%u项须同时满足" : "以下%u项至少满足%d项",
                 nd->n, nd->min);
    }
    nd->desc = desc;
    for (uint32_t k = 0; k < nd->n; k++) {
        int rc = describe(ps, (int)ps->c->kids[nd->first + k]);
        if (rc)
            return rc;
    }
    return 0;
}

typedef struct flat_ctx {
    crit_item *out;
    uint32_t n, cap;
    const raw_item *raws[256];
} flat_ctx;

static int flatten(flat_ctx *f, const raw_item *items, unsigned count, int parent)
{
    for (unsigned i = 0; i < count; i++) {
        if (f->n == f->cap)
            return -1;
        uint32_t me = f->n++;
        f->raws[me] = &items[i];
        f->out[me] = (crit_item){items[i].n, items[i].text ? items[i].text : items[i].n, parent,
                                 -1, items[i].items_count};
        if (flatten(f, items[i].items, items[i].items_count, (int)me))
            return -1;
    }
    return 0;
}

int mb_criteria_compile(mb_arena *arena, const raw_criteria *raw, mb_criteria **out,
                        char *why, size_t whycap, const char **where)
{
    *where = "rule";
    mb_criteria *c = mb_arena_alloc(arena, sizeof *c);
    flat_ctx *f = mb_calloc(1, sizeof *f);
    if (c == NULL || f == NULL) {
        mb_free(f);
        return MB_E_NOMEM;
    }
    f->cap = 256;
    f->out = mb_arena_alloc(arena, f->cap * sizeof *f->out);
    if (f->out == NULL) {
        mb_free(f);
        return MB_E_NOMEM;
    }
    if (flatten(f, raw->items, raw->items_count, -1)) {
        mb_free(f);
        snprintf(why, whycap, "more than 256 criteria items");
        *where = "items";
        return MB_E_RULESET;
    }
    c->items = f->out;
    c->nitems = f->n;
    for (uint32_t i = 0; i < c->nitems; i++) {
        for (uint32_t j = 0; j < i; j++)
            if (strcmp(c->items[i].n, c->items[j].n) == 0) {
                snprintf(why, whycap, "item '%s' is listed twice", c->items[i].n);
                *where = "items";
                mb_free(f);
                return MB_E_RULESET;
            }
        size_t nl = strlen(c->items[i].n);
        if (nl == 0 || item_token(c->items[i].n) != nl) {
            snprintf(why, whycap, "item number '%s' is not like 3, 2.1 or 3.2.5", c->items[i].n);
            *where = "items";
            mb_free(f);
            return MB_E_RULESET;
        }
        /* copy strings into the arena: the raw tree is freed after load */
        c->items[i].n = mb_arena_strdup(arena, c->items[i].n);
        c->items[i].text = mb_arena_strdup(arena, c->items[i].text);
        if (c->items[i].n == NULL || c->items[i].text == NULL) {
            mb_free(f);
            return MB_E_NOMEM;
        }
    }
    parser ps = {.c = c, .arena = arena};
    int rc = parse_root(&ps, raw->rule, &c->root);
    for (uint32_t i = 0; rc == 0 && i < c->nitems; i++)
        if (f->raws[i]->rule != NULL) {
            if (c->items[i].nsub == 0) {
                snprintf(ps.error, sizeof ps.error, "item %s has a rule but no sub-items", c->items[i].n);
                rc = -1;
            } else {
                rc = parse_root(&ps, f->raws[i]->rule, &c->items[i].rule);
            }
        }
    mb_free(f);
    /* only the rule's own parts are ever reported unmet: an item met through a rule of its
     * sub-items is reported by its own text (item_met), so those rules need no descriptions */
    if (rc == 0)
        rc = describe(&ps, c->root);
    if (rc == -2)
        return MB_E_NOMEM;
    if (rc != 0) {
        snprintf(why, whycap, "%s", ps.error);
        return MB_E_RULESET;
    }
    c->cite = raw->cite ? mb_arena_strdup(arena, raw->cite) : NULL;
    c->text = raw->text ? mb_arena_strdup(arena, raw->text) : NULL;
    if ((raw->cite && c->cite == NULL) || (raw->text && c->text == NULL))
        return MB_E_NOMEM;
    *out = c;
    return MB_OK;
}

/* ---- evaluation --------------------------------------------------------------------------- */

typedef struct eval_ctx {
    const mb_criteria *c;
    const bool *listed;      /* per item: named in the findings */
    const char *unmet;
} eval_ctx;

static bool eval_node(eval_ctx *x, int node);

static bool item_met(eval_ctx *x, int i)
{
    const crit_item *it = &x->c->items[i];
    if (x->listed[i])
        return true;
    if (it->nsub == 0)
        return false;
    const char *saved = x->unmet;
    bool met;
    if (it->rule >= 0) {
        met = eval_node(x, it->rule);
    } else {
        met = false;
        for (uint32_t k = 0; k < x->c->nitems && !met; k++)
            met = x->c->items[k].parent == i && item_met(x, (int)k);
    }
    x->unmet = saved;
    return met;
}

static bool eval_node(eval_ctx *x, int node)
{
    const crit_node *nd = &x->c->nodes[node];
    if (nd->kind == NODE_ITEM) {
        bool met = item_met(x, nd->item);
        if (!met && x->unmet == NULL)
            x->unmet = nd->desc;
        return met;
    }
    int count = 0;
    const char *first_unmet = NULL;
    for (uint32_t k = 0; k < nd->n; k++) {
        const char *saved = x->unmet;
        x->unmet = NULL;
        bool met = eval_node(x, (int)x->c->kids[nd->first + k]);
        if (!met && first_unmet == NULL)
            first_unmet = x->unmet;
        x->unmet = saved;
        count += met;
    }
    bool ok = count >= nd->min;
    if (!ok && x->unmet == NULL)
        x->unmet = nd->kind == NODE_ALL ? first_unmet : nd->desc;
    return ok;
}

int mb_criteria_assess(const mb_criteria *c, const char *const *findings, size_t n,
                       bool *certified, const char **unmet, char *why, size_t whycap)
{
    bool listed[256] = {false};
    for (size_t f = 0; f < n; f++) {
        if (findings[f] == NULL) {
            snprintf(why, whycap, "finding %zu is NULL", f);
            return MB_E_INVALID_ARGUMENT;
        }
        int i = find_item(c, findings[f], strlen(findings[f]));
        if (i < 0) {
            snprintf(why, whycap, "finding '%s' is not an item of the criteria", findings[f]);
            return MB_E_INVALID_ARGUMENT;
        }
        listed[i] = true;
    }
    eval_ctx x = {c, listed, NULL};
    *certified = eval_node(&x, c->root);
    *unmet = *certified ? "" : (x.unmet ? x.unmet : "");
    return MB_OK;
}

const char *mb_criteria_cite(const mb_criteria *c) { return c->cite ? c->cite : ""; }
const char *mb_criteria_text(const mb_criteria *c) { return c->text ? c->text : ""; }
uint32_t mb_criteria_item_count(const mb_criteria *c) { return c->nitems; }
void mb_criteria_item(const mb_criteria *c, uint32_t i, const char **n, const char **text)
{
    *n = c->items[i].n;
    *text = c->items[i].text;
}
