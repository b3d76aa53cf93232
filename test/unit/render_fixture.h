/* render_fixture.h: what the render tests (test_render.c,
 * test_render_creds.c) start from: settings for a pod, and secrets from JSON
 * text. Included by one test file each: static. */
#ifndef RI_RENDER_FIXTURE_H
#define RI_RENDER_FIXTURE_H

#include <check.h>
#include <string.h>

#include "config/secrets.h"
#include "config/settings.h"

/* The defaults for pod, with conf-dir /conf and the data dir /data. */
static void make_settings(struct settings *s, const char *pod) {
    ri_err e = {0};
    settings_init(s);
    ck_assert_int_eq(settings_set(s, ORIGIN_FLAG, "test", "cluster", "pod-name", pod, &e), 0);
    ck_assert_int_eq(settings_set(s, ORIGIN_FLAG, "test", "paths", "conf-dir", "/conf", &e), 0);
    ck_assert_int_eq(settings_set(s, ORIGIN_FLAG, "test", "redis", "dir", "/data", &e), 0);
    ck_assert_msg(settings_finish(s, &e) == 0, "%s", e.msg);
}

/* Secrets parsed from text, failing the test on any error. */
static struct secrets *secrets_from_text(const char *text) {
    struct secrets *sec = NULL;
    ri_err e = {0};
    ck_assert_msg(secrets_parse_json(&sec, text, strlen(text), "test.json", &e) == 0, "%s", e.msg);
    return sec;
}

#endif
