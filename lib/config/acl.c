/* acl.c: password hashes and the check of user-supplied ACL rules.
 *
 * users.acl lines are "user NAME on #HASH RULES...": Redis reads the rules
 * left to right, so a rule like ">pw" or "nopass" after our hash would add a
 * password we do not know about, and "off" would lock the user out. Those
 * are ours to decide; acl_check_rules() rejects them. */
#include "config/acl.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/sha256.h"
#include "config/validate.h"

/* ---------------------------------------------------------------------------
 * Hashes
 * ------------------------------------------------------------------------- */

void acl_hash_rule(const unsigned char digest[32], char out[66]) {
    out[0] = '#';
    hex_encode(digest, 32, out + 1);
}

void acl_hash(const char *pass, size_t len, char out[66]) {
    unsigned char d[32];
    sha256(pass, len, d);
    acl_hash_rule(d, out);
    explicit_bzero(d, sizeof d);
}

/* ---------------------------------------------------------------------------
 * Rule checks
 * ------------------------------------------------------------------------- */

/* Keywords Redis compares case-insensitively (ACLSetUser uses strcasecmp). */
static const char *const owned_words[] = {"nopass", "resetpass", "reset", "on", "off"};

/* Why tok (n bytes) is not allowed, or NULL. Never quotes the token when it
 * could carry a password. */
static const char *forbidden(const char *tok, size_t n) {
    switch (tok[0]) {
    case '>': return "'>...' adds a password; passwords come from the secrets";
    case '<': return "'<...' removes a password; passwords come from the secrets";
    case '#': return "'#...' adds a password hash; passwords come from the secrets";
    case '!': return "'!...' removes a password hash; passwords come from the secrets";
    }
    for (size_t i = 0; i < sizeof owned_words / sizeof owned_words[0]; i++)
        if (strlen(owned_words[i]) == n && strncasecmp(tok, owned_words[i], n) == 0)
            return "resets passwords or switches the user on/off, which redis-init owns";
    return NULL;
}

int acl_check_rules(const char *user, const char *rules, ri_err *e) {
    if (!user) user = "(unnamed)";
    if (!rules) return ri_fail(e, EX_CONFIG, "user %s: no rules", user);
    for (size_t i = 0; rules[i]; i++) {
        unsigned char c = (unsigned char)rules[i];
        if (c < 0x20 || c > 0x7e)
            return ri_fail(e, EX_CONFIG,
                           "user %s: rules must be printable ASCII on one line "
                           "(byte 0x%02x at offset %zu)",
                           user, c, i);
    }
    for (const char *p = rules; *p;) {
        while (*p == ' ') p++;
        size_t n = strcspn(p, " ");
        if (n == 0) break;
        const char *why = forbidden(p, n);
        if (why && strchr("><#!", p[0]))
            return ri_fail(e, EX_CONFIG, "user %s: rule %s", user, why);
        if (why) return ri_fail(e, EX_CONFIG, "user %s: rule '%.*s' %s", user, (int)n, p, why);
        p += n;
    }
    return 0;
}

int acl_webdis_rules(char *out, size_t outlen) {
    static const char cmds[] = WEBDIS_COMMANDS;
    size_t o = (size_t)snprintf(out, outlen, "%s", ACL_RULES_WEBDIS_BASE);
    for (const char *p = cmds; o < outlen && *p;) {
        size_t n = strcspn(p, " ");
        if (o + n + 3 > outlen) return -1;
        out[o++] = ' ';
        out[o++] = '+';
        for (size_t i = 0; i < n; i++) out[o++] = (char)tolower((unsigned char)p[i]);
        out[o] = '\0';
        p += n + (p[n] == ' ');
    }
    return o < outlen ? 0 : -1;
}

/* ---------------------------------------------------------------------------
 * [acl] user = NAME SECRET_KEY RULES...
 * ------------------------------------------------------------------------ */

static const char *token(const char *p, const char **start, size_t *len) {
    while (*p == ' ' || *p == '\t') p++;
    *start = p;
    while (*p && *p != ' ' && *p != '\t') p++;
    *len = (size_t)(p - *start);
    return p;
}

int acl_parse_user(const char *v, struct acl_extra_user *u, ri_err *e) {
    char why[128];
    if (validate_line(v, why, sizeof why)) return ri_fail(e, EX_CONFIG, "%s", why);
    const char *name, *key, *rules;
    size_t nl, kl;
    const char *p = token(token(v, &name, &nl), &key, &kl);
    while (*p == ' ' || *p == '\t') p++;
    rules = p;
    if (!nl || !kl || !*rules)
        return ri_fail(e, EX_CONFIG, "expected \"NAME SECRET_KEY RULES...\"");
    if (nl >= sizeof u->name)
        return ri_fail(e, EX_CONFIG, "user name longer than %zu bytes", sizeof u->name - 1);
    memcpy(u->name, name, nl);
    u->name[nl] = '\0';
    if (strcmp(u->name, "default") == 0)
        return ri_fail(e, EX_CONFIG, "user \"default\" is managed by [acl] default-user");
    int key_ok = kl < sizeof u->secret_key;
    for (size_t i = 0; key_ok && i < kl; i++)
        key_ok = isalnum((unsigned char)key[i]) || key[i] == '-' || key[i] == '_' || key[i] == '.';
    if (!key_ok)
        return ri_fail(e, EX_CONFIG,
                       "user %s: SECRET_KEY must be 1..%zu letters, digits, '-', '_' or '.'",
                       u->name, sizeof u->secret_key - 1);
    memcpy(u->secret_key, key, kl);
    u->secret_key[kl] = '\0';
    size_t rl = strlen(rules);
    while (rl && (rules[rl - 1] == ' ' || rules[rl - 1] == '\t')) rl--;
    if (rl >= sizeof u->rules) return ri_fail(e, EX_CONFIG, "user %s: rules too long", u->name);
    memcpy(u->rules, rules, rl);
    u->rules[rl] = '\0';
    return acl_check_rules(u->name, u->rules, e);
}
