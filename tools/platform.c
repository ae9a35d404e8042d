/*
 * medbenefit platform: one request envelope in (a file or standard input), the response
 * envelope out, through mb_platform_call. --state keeps the offline platform between
 * processes, so a sequence of calls works as one platform would (docs/platform.md).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "options.h"
#include "platform.h" /* MB_PLATFORM_REQUEST_MAX: the most the library reads of one request */
#include "platform_cli.h"

enum { EXIT_REFUSED = 1 };

static const char usage_text[] =
    "usage: medbenefit platform [--rulesets DIR] [--chain ID[,ID...]] [--state DIR]\n"
    "                           [--facility CODE=LEVEL]... [REQUEST.json | -]\n"
    "\n"
    "Answers one request envelope of the national platform (1101, 5301, 5206, 2201, 2203,\n"
    "2204, 2206, 2207, 2208, 2401, 2301, 2303, 2304, 2305) with its response envelope on\n"
    "standard output. REQUEST.json, or standard input when it is '-' or absent.\n"
    "\n"
    "  --rulesets DIR   the rulesets (default ./rulesets): with --chain, where the ids are\n"
    "                   found; without, every DIR/*.yaml, each call settling under those whose\n"
    "                   platform declarations match its insuplc_admdvs, insutype, med_type\n"
    "  --chain IDS      settle every call under these rulesets, in tier order\n"
    "  --state DIR      keep persons, visits and settlements in DIR (it must exist), so that\n"
    "                   calls from separate processes share them; without it, nothing is kept\n"
    "  --facility CODE=LEVEL\n"
    "                   the level of an institution (primary, secondary, tertiary, pharmacy):\n"
    "                   the messages do not carry it; repeat for each fixmedins_code\n"
    "\n"
    "Exit status: 0 infcode 0; 1 infcode -1 (err_msg says why; nothing in --state changed);\n"
    "2 usage, or rulesets or the request could not be read.\n";

/* The request, up to a byte past what the platform reads: a longer one is refused by its
 * length all the same, and a stream without end (a device, a pipe never closed) is not read
 * into memory to the last byte it has. */
static char *read_all(FILE *f, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap || n > MB_PLATFORM_REQUEST_MAX)
            break;
        size_t want = cap * 2 > MB_PLATFORM_REQUEST_MAX + 1 ? MB_PLATFORM_REQUEST_MAX + 1 : cap * 2;
        char *bigger = realloc(buf, want);
        if (bigger == NULL)
            free(buf);
        buf = bigger;
        cap = want;
    }
    if (buf != NULL && ferror(f)) {
        free(buf);
        buf = NULL;
    }
    *len = n;
    return buf;
}

static char *read_request(const char *path, size_t *len)
{
    if (path == NULL || strcmp(path, "-") == 0)
        return read_all(stdin, len);
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "medbenefit platform: %s: cannot read: %s\n", path, strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, "medbenefit platform: %s: cannot read: not a regular file\n", path);
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "medbenefit platform: %s: cannot read: %s\n", path, strerror(errno));
        return NULL;
    }
    char *data = read_all(f, len);
    fclose(f);
    if (data == NULL)
        fprintf(stderr, "medbenefit platform: %s: cannot read\n", path);
    return data;
}

typedef struct loaded {
    mb_ruleset *rs[64];
    size_t n;
} loaded;

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every .yaml file of DIR, in name order, so that the same directory gives the same platform. */
static int load_dir(const char *dir, loaded *l)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "medbenefit platform: --rulesets %s: %s\n", dir, strerror(errno));
        return EXIT_USAGE;
    }
    char *names[64];
    size_t n = 0;
    struct dirent *ent;
    int rc = 0;
    while ((ent = readdir(d)) != NULL) {
        size_t len = strlen(ent->d_name);
        if (len <= 5 || strcmp(ent->d_name + len - 5, ".yaml") != 0)
            continue;
        if (n == 64) {
            fprintf(stderr, "medbenefit platform: --rulesets %s holds more than 64 rulesets\n", dir);
            rc = EXIT_USAGE;
            break;
        }
        names[n++] = strdup(ent->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names);
    mb_error *err = mb_error_new();
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (rc == 0 && mb_ruleset_load_file(&l->rs[l->n], path, err) != MB_OK) {
            fprintf(stderr, "medbenefit platform: %s\n", mb_error_message(err));
            rc = EXIT_USAGE;
        } else if (rc == 0) {
            l->n++;
        }
        free(names[i]);
    }
    mb_error_free(err);
    if (rc == 0 && l->n == 0) {
        fprintf(stderr, "medbenefit platform: --rulesets %s holds no .yaml ruleset\n", dir);
        rc = EXIT_USAGE;
    }
    return rc;
}

static int load_chain(const char *dir, const char *ids, loaded *l)
{
    char *copy = strdup(ids);
    int rc = 0;
    mb_error *err = mb_error_new();
    const char *dirs[] = {dir, NULL};
    for (char *save = NULL, *id = strtok_r(copy, ",", &save); id && rc == 0;
         id = strtok_r(NULL, ",", &save)) {
        if (l->n == 8) {
            fputs("medbenefit platform: --chain names at most 8 rulesets\n", stderr);
            rc = EXIT_USAGE;
        } else if (mb_ruleset_load_id(&l->rs[l->n], id, dirs, err) != MB_OK) {
            fprintf(stderr, "medbenefit platform: --chain %s: %s\n", id, mb_error_message(err));
            rc = EXIT_USAGE;
        } else {
            l->n++;
        }
    }
    if (rc == 0 && l->n == 0) {
        fputs("medbenefit platform: --chain names no ruleset\n", stderr);
        rc = EXIT_USAGE;
    }
    mb_error_free(err);
    free(copy);
    return rc;
}

static const cli_option platform_options[] = {
    {"--rulesets", "DIR"}, {"--chain", "ID[,ID...]"}, {"--state", "DIR"},
    {"--facility", "CODE=LEVEL"}, {NULL, NULL}};

int platform_main(int argc, char **argv, const char *rulesets_dir)
{
    const char *chain = NULL, *state = NULL, *request = NULL;
    const char *facilities[64];
    size_t nfacilities = 0;
    cli_parser args = {.command = "platform", .options = platform_options, .argc = argc,
                    .argv = argv, .next = 0};
    for (int k; (k = cli_next(&args)) != CLI_END;) {
        if (k == CLI_HELP) {
            fputs(usage_text, stdout);
            return 0;
        }
        if (k == CLI_ERROR)
            return EXIT_USAGE;
        const char *name = k == CLI_ARGUMENT ? NULL : platform_options[k].name;
        if (name == NULL && request != NULL) {
            fputs("medbenefit: 'platform' answers one request per call "
                  "(see medbenefit platform --help)\n", stderr);
            return EXIT_USAGE;
        } else if (name == NULL) {
            request = args.arg;
        } else if (strcmp(name, "--rulesets") == 0) {
            rulesets_dir = args.value;
        } else if (strcmp(name, "--chain") == 0) {
            chain = args.value;
        } else if (strcmp(name, "--state") == 0) {
            state = args.value;
        } else if (nfacilities == sizeof facilities / sizeof facilities[0]) {
            fputs("medbenefit: 'platform' takes at most 64 --facility\n", stderr);
            return EXIT_USAGE;
        } else {
            facilities[nfacilities++] = args.value;
        }
    }
    loaded l = {.n = 0};
    int rc = chain ? load_chain(rulesets_dir, chain, &l) : load_dir(rulesets_dir, &l);
    mb_platform *p = NULL;
    mb_error *err = mb_error_new();
    if (rc == 0 && mb_platform_new(&p, (const mb_ruleset *const *)l.rs, l.n,
                                   chain ? MB_PLATFORM_FIXED_CHAIN : 0, err) != MB_OK) {
        fprintf(stderr, "medbenefit platform: %s\n", mb_error_message(err));
        rc = EXIT_USAGE;
    }
    if (rc == 0 && state && mb_platform_set_state_dir(p, state, err) != MB_OK) {
        fprintf(stderr, "medbenefit platform: --state: %s\n", mb_error_message(err));
        rc = EXIT_USAGE;
    }
    for (size_t i = 0; rc == 0 && i < nfacilities; i++) {
        char code[128];
        const char *eq = strchr(facilities[i], '=');
        int level = eq ? mb_level_parse(eq + 1) : -1;
        if (eq == NULL || level < 0 || (size_t)(eq - facilities[i]) >= sizeof code) {
            fprintf(stderr, "medbenefit platform: --facility %s: expected CODE=LEVEL, LEVEL one "
                            "of primary, secondary, tertiary, pharmacy\n", facilities[i]);
            rc = EXIT_USAGE;
            break;
        }
        snprintf(code, sizeof code, "%.*s", (int)(eq - facilities[i]), facilities[i]);
        if (mb_platform_set_facility(p, code, level, err) != MB_OK) {
            fprintf(stderr, "medbenefit platform: --facility: %s\n", mb_error_message(err));
            rc = EXIT_USAGE;
        }
    }
    size_t len = 0;
    char *data = rc == 0 ? read_request(request, &len) : NULL;
    if (rc == 0 && data == NULL)
        rc = EXIT_USAGE;
    if (rc == 0) {
        const char *response;
        size_t response_len;
        int status = mb_platform_call(p, data, len, &response, &response_len, err);
        if (response == NULL) {
            fprintf(stderr, "medbenefit platform: %s\n", mb_error_message(err));
            rc = EXIT_USAGE;
        } else {
            fwrite(response, 1, response_len, stdout);
            rc = status == MB_OK ? 0 : EXIT_REFUSED;
        }
    }
    free(data);
    mb_platform_free(p);
    for (size_t i = 0; i < l.n; i++)
        mb_ruleset_free(l.rs[i]);
    mb_error_free(err);
    return rc;
}
