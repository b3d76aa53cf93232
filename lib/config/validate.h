/* validate.h: the value checks of single settings keys, as the key table
 * (settings.c) names them.
 *
 * Each takes the value and returns 0 when it is fine, else -1 with a reason
 * (never the value) in why. They know no settings: what involves more than
 * one key is derive.c's. */
#ifndef RI_VALIDATE_H
#define RI_VALIDATE_H

#include <stddef.h>

typedef int (*validate_fn)(const char *v, char *why, size_t whylen);

int validate_master_name(const char *v, char *why, size_t whylen);
int validate_label(const char *v, char *why, size_t whylen); /* one DNS label ('_' allowed) */
int validate_label_or_empty(const char *v, char *why, size_t whylen);
int validate_dns_name(const char *v, char *why, size_t whylen); /* labels, <= 253 bytes */
int validate_host_or_empty(const char *v, char *why, size_t whylen);
int validate_host_pattern(const char *v, char *why, size_t whylen); /* placeholders, {i} required */
int validate_path(const char *v, char *why, size_t whylen);
int validate_path_or_empty(const char *v, char *why, size_t whylen);
int validate_line(const char *v, char *why, size_t whylen);        /* printable ASCII, one line */
int validate_ip_or_empty(const char *v, char *why, size_t whylen); /* "" or an IP literal */
int validate_save(const char *v, char *why, size_t whylen); /* "" or "<seconds> <changes>" pairs */
int validate_appendfsync(const char *v, char *why, size_t whylen);
int validate_tls_mode(const char *v, char *why, size_t whylen);              /* off|on|dual */
int validate_tls_auth_clients(const char *v, char *why, size_t whylen);      /* no|optional|yes */
int validate_sentinel_default_user(const char *v, char *why, size_t whylen); /* off|discovery */
int validate_creds_drop(const char *v, char *why, size_t whylen);            /* grace|command */
int validate_tls_protocols(const char *v, char *why, size_t whylen); /* TLSv1.2 and/or TLSv1.3 */
int validate_file_name(const char *v, char *why, size_t whylen);     /* one name in a directory */
int validate_file_name_or_empty(const char *v, char *why, size_t whylen);
int validate_loadmodule(const char *v, char *why, size_t whylen);
int validate_directive(const char *v, char *why, size_t whylen); /* not one redis-init manages */

/* NULL when v is a valid DNS name, else why not. */
const char *validate_dns_name_why(const char *v);

/* The placeholders of [cluster] host-pattern, in expansion order:
 * {service} {i} {namespace} {domain}. */
extern const char *const validate_placeholders[4];

#endif
