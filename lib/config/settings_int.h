/* settings_int.h: internals shared by settings.c (the key table, values),
 * settings_load.c (INI, environment, --set) and settings_check.c (names,
 * patterns, directives, settings_finish). Not for use outside settings*.c. */
#ifndef RI_SETTINGS_INT_H
#define RI_SETTINGS_INT_H

#include <stddef.h>
#include "config/settings.h"

enum key_type {
    K_STR,      /* char[size], checked by check() */
    K_INT,      /* int in [min, max] */
    K_BOOL,     /* int 0/1: yes/no on/off true/false 1/0 */
    K_PERSIST,  /* enum persistence */
    K_FLAVOUR,  /* enum flavour */
    K_LIST,     /* char[SET_LIST_MAX][SET_LINE_MAX] + int count, items checked by check() */
    K_USERS,    /* struct acl_extra_user[SET_LIST_MAX] + int count */
};

/* A string check: 0 if fine, else writes a reason (no value) into why. */
typedef int (*key_check)(const char *v, char *why, size_t whylen);

struct key_def {
    const char *section;
    const char *name;
    enum key_type type;
    size_t off;          /* field offset in struct settings */
    size_t size;         /* K_STR: buffer size */
    size_t count_off;    /* K_LIST/K_USERS: offset of the int count */
    int min, max;        /* K_INT range */
    key_check check;     /* K_STR, K_LIST: NULL = any single line */
    const char *alias;   /* environment alias, or NULL */
    const char *def;     /* default, as it would be written in the INI file */
};

extern const struct key_def set_keys[];
extern const int set_n_keys;

/* Index of section/key in set_keys, or -1. */
int set_find_key(const char *section, const char *key);
int set_known_section(const char *section);

/* "REDIS_INIT_<SECTION>_<KEY>" for key k into out. */
void set_env_name(const struct key_def *k, char *out, size_t outlen);

/* Checks (settings_check.c). */
int chk_master_name(const char *v, char *why, size_t whylen);
int chk_label(const char *v, char *why, size_t whylen);
int chk_label_or_empty(const char *v, char *why, size_t whylen);
int chk_dns_name(const char *v, char *why, size_t whylen);
int chk_host_or_empty(const char *v, char *why, size_t whylen);
int chk_host_pattern(const char *v, char *why, size_t whylen);
int chk_path(const char *v, char *why, size_t whylen);
int chk_path_or_empty(const char *v, char *why, size_t whylen);
int chk_line(const char *v, char *why, size_t whylen);
int chk_save(const char *v, char *why, size_t whylen);
int chk_appendfsync(const char *v, char *why, size_t whylen);
int chk_loadmodule(const char *v, char *why, size_t whylen);
int chk_directive(const char *v, char *why, size_t whylen);

/* Parse "NAME SECRET_KEY RULES..." into u; rules via acl_check_rules().
 * Returns 0 or EX_CONFIG with e filled (message without origin). */
int set_parse_user(const char *v, struct acl_extra_user *u, ri_err *e);

/* Ordinal of a pod name: the trailing "-N" of its first label, or -1. */
int set_ordinal(const char *pod);

#endif
