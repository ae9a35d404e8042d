/*
 * The what-if's figures written out: JSON (every amount an integer of fen), a text table, and
 * one self-contained HTML page (inline CSS and SVG, nothing fetched) that shows the same
 * figures in yuan. Bar lengths and percentages are worked out from the integers for display
 * only; no amount passes through floating point.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "whatif.h"

static const char *const amount_label[WHATIF_AMOUNTS] = {
    "医疗费总额 total cost", "符合政策范围金额 policy scope", "统筹基金 basic pooling fund",
    "大额医疗费用补助 large-amount fund", "大病保险 critical illness", "医疗救助 assistance",
    "基金支付总额 all funds", "个人账户 personal account", "个人现金 cash",
    "个人负担 patient burden"};

static const char *field(int k) { return mb_amount_name(whatif_amount[k]); }

/* Yuan text of fen with thousands separators: -123456789 -> "-1,234,567.89". */
static const char *yuan_text(int64_t fen, char buf[40])
{
    uint64_t u = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%" PRIu64, u / 100);
    char *p = buf;
    if (fen < 0)
        *p++ = '-';
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            *p++ = ',';
        *p++ = digits[i];
    }
    snprintf(p, 8, ".%02u", (unsigned)(u % 100));
    return buf;
}

/* A signed change as text: "+35.00", "-35.00", "0.00". */
static const char *change_text(int64_t fen, char buf[40])
{
    if (fen <= 0)
        return yuan_text(fen, buf);
    char t[40];
    snprintf(buf, 40, "+%s", yuan_text(fen, t));
    return buf;
}

/* The change as a percentage of `from`, to two decimals, from integers: "+5.00%", "–" when
 * from is 0. */
static const char *percent_text(int64_t from, int64_t to, char buf[40])
{
    if (from == 0) {
        snprintf(buf, 40, "–");
        return buf;
    }
    __int128 d = (__int128)to - from, bp = d * 10000 / from; /* hundredths of a percent */
    int neg = bp < 0;
    unsigned __int128 m = neg ? (unsigned __int128)-bp : (unsigned __int128)bp;
    snprintf(buf, 40, "%s%" PRIu64 ".%02u%%", neg ? "-" : d > 0 ? "+" : "",
             (uint64_t)(m / 100), (unsigned)(m % 100));
    return buf;
}

/* ---- JSON ------------------------------------------------------------------------------------ */

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void json_amounts(FILE *out, const int64_t *a, const int64_t *b)
{
    fputc('{', out);
    for (int k = 0; k < WHATIF_AMOUNTS; k++)
        fprintf(out, "%s\"%s\": %" PRId64, k ? ", " : "", field(k), b ? b[k] - a[k] : a[k]);
    fputc('}', out);
}

static void json_sums(FILE *out, const char *name, const whatif_sums *s)
{
    fputs("{", out);
    if (name) {
        fputs("\"name\": ", out);
        json_string(out, name);
        fputs(", ", out);
    }
    fprintf(out, "\"claims\": %" PRId64 ", \"changed\": %" PRId64 ",\n     \"current\": ",
            s->claims, s->changed);
    json_amounts(out, s->amount[0], NULL);
    fputs(",\n     \"proposed\": ", out);
    json_amounts(out, s->amount[1], NULL);
    fputs(",\n     \"change\": ", out);
    json_amounts(out, s->amount[0], s->amount[1]);
    fputs("}", out);
}

void whatif_write_json(const whatif *w, FILE *out)
{
    fputs("{\n  \"report\": \"medbenefit compare\",\n  \"amounts_in\": \"fen\",\n", out);
    fputs("  \"policies\": {\"current\": ", out);
    json_string(out, w->opt.dir[0]);
    fputs(", \"proposed\": ", out);
    json_string(out, w->opt.dir[1]);
    fputs("},\n  \"chain\": [", out);
    for (size_t k = 0; k < w->opt.chain_len; k++) {
        fputs(k ? ", " : "", out);
        json_string(out, w->opt.chain[k]);
    }
    fputs("],\n  \"files\": [", out);
    for (size_t k = 0; k < w->nfiles; k++) {
        fputs(k ? ", " : "", out);
        json_string(out, w->files[k]);
    }
    fprintf(out, "],\n  \"rows\": %" PRId64 ", \"claims\": %" PRId64 ", \"changed\": %" PRId64
            ", \"errors\": %" PRId64 ", \"enrollees\": %" PRId64 ",\n",
            w->rows, w->total.claims, w->total.changed, w->errors, w->enrollees);
    fputs("  \"totals\": ", out);
    json_sums(out, NULL, &w->total);
    fputs(",\n  \"person_types\": [", out);
    bool first = true;
    for (int k = 1; k < 5; k++)
        if (w->person[k].sums.claims > 0) {
            fputs(first ? "\n    " : ",\n    ", out);
            json_sums(out, w->person[k].name, &w->person[k].sums);
            first = false;
        }
    fputs("],\n  \"diseases\": [", out);
    first = true;
    for (size_t g = 0; g < w->ndiseases; g++)
        if (w->diseases[g].sums.claims > 0) {
            fputs(first ? "\n    " : ",\n    ", out);
            json_sums(out, w->diseases[g].name, &w->diseases[g].sums);
            first = false;
        }
    fputs("],\n  \"burden_bands\": [", out);
    for (int k = 0; k < WHATIF_BANDS; k++) {
        fprintf(out, "%s\n    {\"from_fen\": %" PRId64 ", \"below_fen\": ", k ? "," : "",
                whatif_band_floor[k]);
        if (k + 1 < WHATIF_BANDS)
            fprintf(out, "%" PRId64, whatif_band_floor[k + 1]);
        else
            fputs("null", out);
        fprintf(out, ", \"current\": %" PRId64 ", \"proposed\": %" PRId64 "}", w->band[0][k],
                w->band[1][k]);
    }
    fputs("],\n  \"movers\": [", out);
    for (size_t i = 0; i < w->ntop; i++) {
        const whatif_mover *m = &w->top[i];
        fputs(i ? ",\n    {\"enrollee\": " : "\n    {\"enrollee\": ", out);
        json_string(out, m->id);
        fprintf(out, ", \"claims\": %" PRId64 ", \"current\": %" PRId64 ", \"proposed\": %" PRId64
                ", \"change\": %" PRId64 "}", m->claims, m->burden[0], m->burden[1],
                m->burden[1] - m->burden[0]);
    }
    fputs("],\n  \"errors_listed\": [", out);
    for (size_t i = 0; i < w->nerrors_kept; i++) {
        const whatif_error *e = &w->errors_kept[i];
        fputs(i ? ",\n    {\"file\": " : "\n    {\"file\": ", out);
        json_string(out, e->file ? e->file : "");
        fprintf(out, ", \"line\": %" PRIu64 ", \"message\": ", e->line);
        json_string(out, e->message ? e->message : "");
        fputs("}", out);
    }
    fputs("]\n}\n", out);
}

/* ---- text ------------------------------------------------------------------------------------ */

void whatif_write_text(const whatif *w, FILE *out)
{
    char b1[40], b2[40], b3[40];
    fprintf(out, "%" PRId64 " claims of %" PRId64 " enrollees compared, %" PRId64
            " settle differently, %" PRId64 " rows refused\n",
            w->total.claims, w->enrollees, w->total.changed, w->errors);
    fprintf(out, "%-16s %20s %20s %20s\n", "total", "current", "proposed", "change");
    for (int k = 0; k < WHATIF_AMOUNTS; k++)
        fprintf(out, "%-16s %20s %20s %20s\n", field(k), yuan_text(w->total.amount[0][k], b1),
                yuan_text(w->total.amount[1][k], b2),
                change_text(w->total.amount[1][k] - w->total.amount[0][k], b3));
}

/* ---- HTML ------------------------------------------------------------------------------------ */

static void html_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out);
        }
    }
}

/* A bar's length in pixels: v of max over `width`, from integers. */
static int64_t bar(int64_t v, int64_t max, int64_t width)
{
    if (max <= 0 || v <= 0)
        return 0;
    return (int64_t)((__int128)v * width / max);
}

enum { CHART_W = 720, LABEL_W = 260, BAR_W = CHART_W - LABEL_W - 130, ROW_H = 30 };

/* Bars of `n` labelled pairs (current, proposed), one row a pair. */
static void svg_pairs(FILE *out, const char *title, const char *const *labels,
                      const int64_t *cur, const int64_t *prop, size_t n, bool money)
{
    int64_t max = 0;
    for (size_t i = 0; i < n; i++) {
        max = cur[i] > max ? cur[i] : max;
        max = prop[i] > max ? prop[i] : max;
    }
    size_t h = 30 + n * ROW_H + 10;
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"%d\" "
            "height=\"%zu\" viewBox=\"0 0 %d %zu\"><title>", CHART_W, h, CHART_W, h);
    html_text(out, title);
    fputs("</title>\n", out);
    fprintf(out, "<rect x=\"%d\" y=\"6\" width=\"12\" height=\"10\" class=\"cur\"/>"
            "<text x=\"%d\" y=\"15\">current</text><rect x=\"%d\" y=\"6\" width=\"12\" "
            "height=\"10\" class=\"prop\"/><text x=\"%d\" y=\"15\">proposed</text>\n",
            LABEL_W, LABEL_W + 16, LABEL_W + 90, LABEL_W + 106);
    for (size_t i = 0; i < n; i++) {
        size_t y = 30 + i * ROW_H;
        char b1[40], b2[40];
        fprintf(out, "<text x=\"%d\" y=\"%zu\" text-anchor=\"end\">", LABEL_W - 8, y + 17);
        html_text(out, labels[i]);
        fputs("</text>", out);
        const int64_t v[2] = {cur[i], prop[i]};
        for (int k = 0; k < 2; k++) {
            int64_t len = bar(v[k], max, BAR_W);
            fprintf(out, "<rect x=\"%d\" y=\"%zu\" width=\"%" PRId64 "\" height=\"12\" class=\"bar %s\"/>"
                    "<text x=\"%" PRId64 "\" y=\"%zu\" class=\"v\">%s</text>", LABEL_W, y + 2 + k * 13,
                    len, k ? "prop" : "cur", LABEL_W + len + 4, y + 12 + k * 13,
                    money ? yuan_text(v[k], k ? b2 : b1)
                          : (snprintf(k ? b2 : b1, 40, "%" PRId64, v[k]), k ? b2 : b1));
        }
        fputc('\n', out);
    }
    fputs("</svg>\n", out);
}

static void table_head(FILE *out, const char *first)
{
    fprintf(out, "<table><thead><tr><th>%s</th><th>claims</th><th>current</th><th>proposed</th>"
            "<th>change</th><th>%%</th></tr></thead><tbody>\n", first);
}

static void money_row(FILE *out, const char *label, int64_t claims, int64_t a, int64_t b)
{
    char b1[40], b2[40], b3[40], b4[40];
    fputs("<tr><td>", out);
    html_text(out, label);
    fputs("</td><td class=\"n\">", out);
    if (claims >= 0)
        fprintf(out, "%" PRId64, claims);
    fprintf(out, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
            "<td class=\"n\">%s</td></tr>\n", yuan_text(a, b1), yuan_text(b, b2),
            change_text(b - a, b3), percent_text(a, b, b4));
}

/* A group table (person types or diseases): what the funds pay and what the patient bears. */
static void html_groups(FILE *out, const char *title, const char *id, const whatif_group *g,
                        size_t n)
{
    fprintf(out, "<section id=\"%s\"><h2>", id);
    html_text(out, title);
    fputs("</h2>\n", out);
    const char **labels = malloc((n + 1) * sizeof *labels);
    int64_t *cur = malloc((n + 1) * sizeof *cur), *prop = malloc((n + 1) * sizeof *prop);
    size_t m = 0;
    for (size_t i = 0; labels && cur && prop && i < n; i++)
        if (g[i].sums.claims > 0) {
            labels[m] = g[i].name;
            cur[m] = g[i].sums.amount[0][6];
            prop[m++] = g[i].sums.amount[1][6];
        }
    svg_pairs(out, "all funds (基金支付总额) by group", labels, cur, prop, m, true);
    free(labels);
    free(cur);
    free(prop);
    for (int which = 0; which < 2; which++) {
        int k = which ? WHATIF_BURDEN : 6;
        fprintf(out, "<h3>%s</h3>\n", amount_label[k]);
        table_head(out, id[0] == 'p' ? "person type" : "disease");
        for (size_t i = 0; i < n; i++)
            if (g[i].sums.claims > 0)
                money_row(out, g[i].name, g[i].sums.claims, g[i].sums.amount[0][k],
                          g[i].sums.amount[1][k]);
        fputs("</tbody></table>\n", out);
    }
    fputs("</section>\n", out);
}

static const char style[] =
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}"
    "h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}"
    "table{border-collapse:collapse;margin:.5em 0 1em}td,th{padding:.25em .7em;"
    "border-bottom:1px solid #eee;text-align:left}td.n{text-align:right;"
    "font-variant-numeric:tabular-nums}svg text{font-size:12px;fill:#333}"
    "svg .v{font-size:11px;fill:#555}.cur{fill:#7a9cc6}.prop{fill:#e08a4a}"
    ".up{fill:#c0504d}.down{fill:#4f9a5a}dl{display:grid;grid-template-columns:max-content auto;"
    "gap:.2em 1em}dt{font-weight:600}";

void whatif_write_html(const whatif *w, FILE *out)
{
    char b1[40], b2[40], b3[40];
    fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
          "<title>medbenefit compare</title><style>", out);
    fputs(style, out);
    fputs("</style></head><body>\n<h1>What-if: the same claims under a proposed policy</h1>\n"
          "<dl><dt>current policy</dt><dd>", out);
    html_text(out, w->opt.dir[0]);
    fputs("</dd><dt>proposed policy</dt><dd>", out);
    html_text(out, w->opt.dir[1]);
    fputs("</dd><dt>chain</dt><dd>", out);
    for (size_t k = 0; k < w->opt.chain_len; k++) {
        fputs(k ? ", " : "", out);
        html_text(out, w->opt.chain[k]);
    }
    fputs("</dd><dt>files</dt><dd>", out);
    for (size_t k = 0; k < w->nfiles; k++) {
        fputs(k ? ", " : "", out);
        html_text(out, w->files[k]);
    }
    fprintf(out, "</dd><dt>claims compared</dt><dd id=\"claims\">%" PRId64 "</dd>"
            "<dt>settle differently</dt><dd id=\"changed\">%" PRId64 "</dd>"
            "<dt>enrollees</dt><dd id=\"enrollees\">%" PRId64 "</dd>"
            "<dt>rows refused</dt><dd id=\"errors\">%" PRId64 "</dd></dl>\n"
            "<p>Amounts in yuan (元). Rows refused are in neither policy's figures.</p>\n",
            w->total.claims, w->total.changed, w->enrollees, w->errors);

    /* totals per fund */
    fputs("<section id=\"totals\"><h2>Totals per fund</h2>\n", out);
    static const int shown[] = {2, 3, 4, 5, 7, 8};
    const char *labels[6];
    int64_t cur[6], prop[6];
    for (int i = 0; i < 6; i++) {
        labels[i] = amount_label[shown[i]];
        cur[i] = w->total.amount[0][shown[i]];
        prop[i] = w->total.amount[1][shown[i]];
    }
    svg_pairs(out, "who pays, under each policy", labels, cur, prop, 6, true);
    table_head(out, "amount");
    for (int k = 0; k < WHATIF_AMOUNTS; k++) {
        char label[120];
        snprintf(label, sizeof label, "%s (%s)", amount_label[k], field(k));
        money_row(out, label, -1, w->total.amount[0][k], w->total.amount[1][k]);
    }
    fputs("</tbody></table></section>\n", out);

    whatif_group persons[4];
    memcpy(persons, w->person + 1, sizeof persons);
    html_groups(out, "Per person type", "person_types", persons, 4);
    html_groups(out, "Per disease", "diseases", w->diseases, w->ndiseases);

    /* the burden distribution */
    fputs("<section id=\"burden\"><h2>Patient burden per enrollee, over the file</h2>\n"
          "<p>Enrollees by what they bear in total (个人负担: account and cash), under each "
          "policy.</p>\n", out);
    char band_name[WHATIF_BANDS][60];
    const char *band_label[WHATIF_BANDS];
    for (int k = 0; k < WHATIF_BANDS; k++) {
        if (k == 0)
            snprintf(band_name[k], sizeof band_name[k], "0");
        else if (k + 1 < WHATIF_BANDS)
            snprintf(band_name[k], sizeof band_name[k], "%s – %s", yuan_text(whatif_band_floor[k], b1),
                     yuan_text(whatif_band_floor[k + 1] - 1, b2));
        else
            snprintf(band_name[k], sizeof band_name[k], "%s and above",
                     yuan_text(whatif_band_floor[k], b1));
        band_label[k] = band_name[k];
    }
    svg_pairs(out, "enrollees per burden band", band_label, w->band[0], w->band[1], WHATIF_BANDS,
              false);
    fputs("<table><thead><tr><th>burden (yuan)</th><th>current</th><th>proposed</th></tr></thead>"
          "<tbody>\n", out);
    for (int k = 0; k < WHATIF_BANDS; k++)
        fprintf(out, "<tr><td>%s</td><td class=\"n\">%" PRId64 "</td><td class=\"n\">%" PRId64
                "</td></tr>\n", band_name[k], w->band[0][k], w->band[1][k]);
    fputs("</tbody></table></section>\n", out);

    /* the movers */
    fputs("<section id=\"movers\"><h2>Enrollees whose burden changes most</h2>\n", out);
    int64_t max = 0;
    for (size_t i = 0; i < w->ntop; i++) {
        int64_t d = w->top[i].burden[1] - w->top[i].burden[0];
        d = d < 0 ? -d : d;
        max = d > max ? d : max;
    }
    size_t h = 10 + w->ntop * 22;
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"%d\" "
            "height=\"%zu\"><title>change of burden per enrollee</title>\n", CHART_W, h);
    int mid = LABEL_W + BAR_W / 2;
    for (size_t i = 0; i < w->ntop; i++) {
        const whatif_mover *m = &w->top[i];
        int64_t d = m->burden[1] - m->burden[0], len = bar(d < 0 ? -d : d, max, BAR_W / 2);
        size_t y = 5 + i * 22;
        fprintf(out, "<text x=\"%d\" y=\"%zu\" text-anchor=\"end\">", LABEL_W - 8, y + 14);
        html_text(out, m->id);
        fprintf(out, "</text><rect x=\"%" PRId64 "\" y=\"%zu\" width=\"%" PRId64 "\" height=\"14\" "
                "class=\"bar %s\"/>\n", d < 0 ? mid - len : (int64_t)mid, y + 2, len,
                d < 0 ? "down" : "up");
    }
    fputs("</svg>\n<table><thead><tr><th>enrollee</th><th>claims</th><th>current</th>"
          "<th>proposed</th><th>change</th></tr></thead><tbody>\n", out);
    for (size_t i = 0; i < w->ntop; i++) {
        const whatif_mover *m = &w->top[i];
        fputs("<tr><td>", out);
        html_text(out, m->id);
        fprintf(out, "</td><td class=\"n\">%" PRId64 "</td><td class=\"n\">%s</td><td class=\"n\">"
                "%s</td><td class=\"n\">%s</td></tr>\n", m->claims, yuan_text(m->burden[0], b1),
                yuan_text(m->burden[1], b2), change_text(m->burden[1] - m->burden[0], b3));
    }
    fputs("</tbody></table></section>\n", out);

    if (w->nerrors_kept > 0) {
        fprintf(out, "<section id=\"refused\"><h2>Rows refused</h2>\n<p>%" PRId64 " rows; the "
                "first %zu:</p>\n<table><thead><tr><th>file</th><th>line</th><th>why</th></tr>"
                "</thead><tbody>\n", w->errors, w->nerrors_kept);
        for (size_t i = 0; i < w->nerrors_kept; i++) {
            fputs("<tr><td>", out);
            html_text(out, w->errors_kept[i].file ? w->errors_kept[i].file : "");
            fprintf(out, "</td><td class=\"n\">%" PRIu64 "</td><td>", w->errors_kept[i].line);
            html_text(out, w->errors_kept[i].message ? w->errors_kept[i].message : "");
            fputs("</td></tr>\n", out);
        }
        fputs("</tbody></table></section>\n", out);
    }
    fprintf(out, "<footer><p>libmedbenefit %s, medbenefit compare</p></footer>\n</body></html>\n",
            mb_version());
}
