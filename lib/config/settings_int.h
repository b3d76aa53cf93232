/* settings_int.h: the key table, shared by the files of the settings
 * module: settings.c (which defines it), settings_load.c (INI,
 * environment, --set) and derive.c. Not for use outside config/settings*.c
 * and config/derive.c: include config/settings.h everywhere else. */
#ifndef RI_SETTINGS_INT_H
#define RI_SETTINGS_INT_H

#include <stddef.h>

#include "config/validate.h"

enum key_type {
    K_STR,     /* char[size], checked by check() */
    K_INT,     /* int in [min, max] */
    K_BOOL,    /* int 0/1: yes/no on/off true/false 1/0 */
    K_PERSIST, /* enum persistence */
    K_FLAVOUR, /* enum flavour */
    K_LIST,    /* char[SET_LIST_MAX][SET_LINE_MAX] + int count, items checked by check() */
    K_USERS,   /* struct acl_extra_user[SET_LIST_MAX] + int count */
};

struct key_def {
    const char *section;
    const char *name;
    enum key_type type;
    size_t off;        /* field offset in struct settings */
    size_t size;       /* K_STR: buffer size */
    size_t count_off;  /* K_LIST/K_USERS: offset of the int count */
    int min, max;      /* K_INT range */
    validate_fn check; /* K_STR, K_LIST: NULL = any single line */
    const char *alias; /* environment alias, or NULL */
    const char *def;   /* default, as it would be written in the INI file */
};

extern const struct key_def set_keys[];
extern const int set_n_keys;

/* Index of section/key in set_keys, or -1. */
int set_find_key(const char *section, const char *key);
int set_known_section(const char *section);

/* "REDIS_INIT_<SECTION>_<KEY>" for key k into out. */
void set_env_name(const struct key_def *k, char *out, size_t outlen);

#endif
