/* settings_load.c: the three sources above the defaults. Each one only
 * turns its syntax into settings_set() calls; checking happens there. */
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fsutil.h"
#include "config/settings.h"
#include "config/settings_int.h"

#define INI_MAX_BYTES (1u << 20)
#define INI_LINE_MAX  4000 /* > SET_LINE_MAX plus a key name and spaces */

/* ---------------------------------------------------------------------------
 * INI
 *
 * inih reads through our reader so that we know the line number in the
 * handler (Debian's inih is built without INI_HANDLER_LINENO), can reject an
 * over-long line instead of letting inih split it into two, and can reject
 * an unknown [section] even when no key follows it.
 * ------------------------------------------------------------------------ */

struct ini_state {
    struct settings *s;
    const char *origin;
    const char *text;
    size_t len, pos;
    int lineno;
    int failed;
    ri_err *e;
};

/* Checks a "[section]" line as inih will see it. */
static int check_section_line(struct ini_state *st, const char *line, size_t len) {
    size_t i = 0;
    if (st->lineno == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) i = 3;
    while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
    if (i >= len || line[i] != '[') return 0;
    const char *name = line + i + 1, *end = memchr(name, ']', len - i - 1);
    if (!end) return 0; /* inih reports the syntax error */
    char sec[64];
    size_t n = (size_t)(end - name);
    if (n >= sizeof sec || (memcpy(sec, name, n), sec[n] = '\0', !set_known_section(sec))) {
        ri_fail(st->e, EX_CONFIG, "%s:%d: unknown section [%.*s]", st->origin, st->lineno,
                (int)(n > 64 ? 64 : n), name);
        return -1;
    }
    return 0;
}

static char *read_line(char *str, int num, void *stream) {
    struct ini_state *st = stream;
    if (st->failed || st->pos >= st->len) return NULL;
    const char *line = st->text + st->pos, *nl = memchr(line, '\n', st->len - st->pos);
    size_t n = nl ? (size_t)(nl - line) + 1 : st->len - st->pos;
    st->lineno++;
    if (n + 1 > (size_t)num) {
        ri_fail(st->e, EX_CONFIG, "%s:%d: line longer than %d bytes", st->origin, st->lineno,
                num - 2);
        st->failed = 1;
        return NULL;
    }
    if (check_section_line(st, line, n)) {
        st->failed = 1;
        return NULL;
    }
    memcpy(str, line, n);
    str[n] = '\0';
    st->pos += n;
    return str;
}

static int on_key(void *user, const char *section, const char *name, const char *value) {
    struct ini_state *st = user;
    if (st->failed) return 0;
    char where[SET_PATH_MAX + 16];
    snprintf(where, sizeof where, "%s:%d", st->origin, st->lineno);
    if (!*section) {
        ri_fail(st->e, EX_CONFIG, "%s: key %s is outside any [section]", where, name);
        st->failed = 1;
        return 0;
    }
    /* key = "value" -> value, unless quotes also occur inside. */
    char buf[INI_LINE_MAX];
    size_t len = strlen(value);
    if (len >= 2 && value[0] == '"' && value[len - 1] == '"' && !memchr(value + 1, '"', len - 2) &&
        len < sizeof buf) {
        memcpy(buf, value + 1, len - 2);
        buf[len - 2] = '\0';
        value = buf;
    }
    if (settings_set(st->s, ORIGIN_INI, where, section, name, value, st->e)) {
        st->failed = 1;
        return 0;
    }
    return 1;
}

int settings_parse_ini(struct settings *s, const char *text, size_t len, const char *origin,
                       ri_err *e) {
    if (!text) text = "", len = 0;
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        int line = 1;
        for (const char *p = text; p < nul; p++) line += *p == '\n';
        return ri_fail(e, EX_CONFIG, "%s:%d: contains a NUL byte", origin, line);
    }
    struct ini_state st = {s, origin, text, len, 0, 0, 0, e};
    /* Debian's libinih exposes its options as globals: no multi-line values
     * (an indented "key = v" would silently continue the previous key), stop
     * at the first error, and room for SET_LINE_MAX values. */
    int old_max = ini_max_line;
    bool old_multi = ini_allow_multiline, old_stop = ini_stop_on_first_error;
    ini_max_line = INI_LINE_MAX;
    ini_allow_multiline = false;
    ini_stop_on_first_error = true;
    int r = ini_parse_stream(read_line, &st, on_key, &st);
    ini_max_line = old_max;
    ini_allow_multiline = old_multi;
    ini_stop_on_first_error = old_stop;
    if (st.failed) return e ? e->code : EX_CONFIG;
    if (r == -2) return ri_fail(e, EX_OSERR, "%s: out of memory", origin);
    if (r > 0)
        return ri_fail(e, EX_CONFIG,
                       "%s:%d: syntax error: expected [section], key = value or a ; comment",
                       origin, r);
    return 0;
}

int settings_load_ini(struct settings *s, const char *path, ri_err *e) {
    struct file_data f;
    int rc = fs_read_file(path, "settings", INI_MAX_BYTES, 0, &f, e);
    if (rc) return rc;
    rc = settings_parse_ini(s, f.data, f.len, path, e);
    fs_file_free(&f);
    return rc;
}

/* ---------------------------------------------------------------------------
 * Environment
 * ------------------------------------------------------------------------ */

static const char *env_get(char *const *envp, const char *name) {
    size_t n = strlen(name);
    for (char *const *p = envp; p && *p; p++)
        if (strncmp(*p, name, n) == 0 && (*p)[n] == '=') return *p + n + 1;
    return NULL;
}

/* A list value holds one item per line; no item at all clears the list. */
static int env_apply(struct settings *s, const struct key_def *k, const char *name,
                     const char *value, ri_err *e) {
    char where[128];
    snprintf(where, sizeof where, "env %s", name);
    if (k->type != K_LIST && k->type != K_USERS)
        return settings_set(s, ORIGIN_ENV, where, k->section, k->name, value, e);
    int items = 0, rc;
    for (const char *p = value; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n > 0 && p[n - 1] == '\r') n--;
        if (n > 0) {
            char item[SET_LINE_MAX + 1];
            if (n >= sizeof item)
                return ri_fail(e, EX_CONFIG, "%s: [%s] %s: an item is longer than %d bytes", where,
                               k->section, k->name, SET_LINE_MAX - 1);
            memcpy(item, p, n);
            item[n] = '\0';
            if ((rc = settings_set(s, ORIGIN_ENV, where, k->section, k->name, item, e))) return rc;
            items++;
        }
        p += nl ? (size_t)(nl - p) + 1 : strlen(p);
    }
    return items ? 0 : settings_set(s, ORIGIN_ENV, where, k->section, k->name, "", e);
}

/* Kubernetes service links put <SERVICE>_SERVICE_HOST, <SERVICE>_PORT... in
 * every container: a Service named redis-init-sentinel would yield
 * REDIS_INIT_SENTINEL_PORT. Such names are not our typos. */
static int looks_like_service_link(const char *rest) {
    return strstr(rest, "SERVICE_HOST") || strstr(rest, "SERVICE_PORT") ||
           strcmp(rest, "PORT") == 0 || strncmp(rest, "PORT_", 5) == 0 || strstr(rest, "_PORT_") ||
           (strlen(rest) >= 5 && strcmp(rest + strlen(rest) - 5, "_PORT") == 0);
}

/* REDIS_INIT_<KNOWN SECTION>_<unknown key> is a typo: report it. */
static int env_check_unknown(char *const *envp, ri_err *e) {
    static const char *const secs[] = {"SERVER_",   "CLUSTER_",   "PATHS_", "REDIS_",
                                       "SENTINEL_", "DISCOVERY_", "ACL_"};
    for (char *const *p = envp; p && *p; p++) {
        if (strncmp(*p, "REDIS_INIT_", 11) != 0) continue;
        const char *rest = *p + 11, *eq = strchr(rest, '=');
        if (!eq) continue;
        char name[128];
        size_t n = (size_t)(eq - *p);
        if (n >= sizeof name) n = sizeof name - 1;
        memcpy(name, *p, n);
        name[n] = '\0';
        for (size_t i = 0; i < sizeof secs / sizeof secs[0]; i++) {
            size_t sl = strlen(secs[i]);
            if (strncmp(rest, secs[i], sl) != 0) continue;
            int known = 0;
            char want[128];
            for (int j = 0; j < set_n_keys && !known; j++) {
                set_env_name(&set_keys[j], want, sizeof want);
                known = strcmp(want, name) == 0;
            }
            if (!known && !looks_like_service_link(name + 11 + sl))
                return ri_fail(e, EX_CONFIG, "env %s: no such setting (see docs/configuration.md)",
                               name);
        }
    }
    return 0;
}

int settings_load_env(struct settings *s, char *const *envp, ri_err *e) {
    int rc;
    if ((rc = env_check_unknown(envp, e))) return rc;
    /* Aliases first: the prefixed name, applied later at the same origin, wins. */
    for (int i = 0; i < set_n_keys; i++) {
        const char *v = set_keys[i].alias ? env_get(envp, set_keys[i].alias) : NULL;
        if (v && (rc = env_apply(s, &set_keys[i], set_keys[i].alias, v, e))) return rc;
    }
    for (int i = 0; i < set_n_keys; i++) {
        char name[128];
        set_env_name(&set_keys[i], name, sizeof name);
        const char *v = env_get(envp, name);
        if (v && (rc = env_apply(s, &set_keys[i], name, v, e))) return rc;
    }
    return 0;
}

/* ---------------------------------------------------------------------------
 * --set section.key=value
 * ------------------------------------------------------------------------ */

int settings_set_arg(struct settings *s, const char *arg, ri_err *e) {
    const char *dot = strchr(arg, '.'), *eq = strchr(arg, '=');
    if (!eq || !dot || dot > eq || dot == arg || eq == dot + 1)
        return ri_fail(e, EX_USAGE, "--set %.100s: expected section.key=value", arg);
    char section[32], key[64], where[128];
    size_t sl = (size_t)(dot - arg), kl = (size_t)(eq - dot - 1);
    if (sl >= sizeof section || kl >= sizeof key)
        return ri_fail(e, EX_CONFIG, "flag --set %.*s: unknown key",
                       (int)(eq - arg > 100 ? 100 : eq - arg), arg);
    memcpy(section, arg, sl);
    section[sl] = '\0';
    memcpy(key, dot + 1, kl);
    key[kl] = '\0';
    snprintf(where, sizeof where, "flag --set %s.%s", section, key);
    return settings_set(s, ORIGIN_FLAG, where, section, key, eq + 1, e);
}
