/* test_template.c: rendering, standalone lines, scoping, every error, the
 * context and buffer helpers, and the built-in table. */
#include "checkmain.h"
#include "base/template.h"

#include <string.h>

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The context every table case renders against:
 *   name=redis empty="" port=6379
 *   users = [{name=alice, pass=#a}, {name=bob}]   (bob has no pass)
 *   none  = []                                    (a known empty list)
 *   outer = [{inner = [{x=1},{x=2}]}, {inner = []}] */
static struct tmpl_ctx *fixture(void) {
    struct tmpl_ctx *c = tmpl_ctx_new();
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(tmpl_set(c, "name", "redis"), 0);
    ck_assert_int_eq(tmpl_set(c, "empty", ""), 0);
    ck_assert_int_eq(tmpl_setf(c, "port", "%d", 6379), 0);
    struct tmpl_ctx *u = tmpl_add_item(c, "users");
    ck_assert_int_eq(tmpl_set(u, "name", "alice"), 0);
    ck_assert_int_eq(tmpl_set(u, "pass", "#a"), 0);
    u = tmpl_add_item(c, "users");
    ck_assert_int_eq(tmpl_set(u, "name", "bob"), 0);
    ck_assert_int_eq(tmpl_set_list(c, "none"), 0);
    struct tmpl_ctx *o = tmpl_add_item(c, "outer");
    ck_assert_int_eq(tmpl_setf(tmpl_add_item(o, "inner"), "x", "%d", 1), 0);
    ck_assert_int_eq(tmpl_setf(tmpl_add_item(o, "inner"), "x", "%d", 2), 0);
    o = tmpl_add_item(c, "outer");
    ck_assert_int_eq(tmpl_set_list(o, "inner"), 0);
    return c;
}

static int render(const char *src, struct buf *out, ri_err *e) {
    struct tmpl_ctx *c = fixture();
    memset(e, 0, sizeof *e);
    int rc = tmpl_render(src, strlen(src), "t.tmpl", c, out, e);
    tmpl_ctx_free(c);
    return rc;
}

/* ---------------------------------------------------------------------------
 * Successful renders
 * ------------------------------------------------------------------------- */

static const struct { const char *src, *want; } ok_cases[] = {
    {"", ""},
    {"plain text\n", "plain text\n"},
    {"port {{port}}\n", "port 6379\n"},
    {"{{ name }}-{{name}}", "redis-redis"},
    {"[{{empty}}]", "[]"},
    {"a } b { c }} d", "a } b { c }} d"},
    {"{{#name}}yes{{/name}}", "yes"},
    {"{{#empty}}yes{{/empty}}", ""},
    {"{{#absent}}yes{{/absent}}", ""},
    {"{{#none}}yes{{/none}}", ""},
    {"{{^absent}}no{{/absent}}", "no"},
    {"{{^empty}}no{{/empty}}", "no"},
    {"{{^none}}no{{/none}}", "no"},
    {"{{^name}}no{{/name}}", ""},
    {"{{^users}}no{{/users}}", ""},
    {"{{#users}}<{{name}}>{{/users}}", "<alice><bob>"},
    /* item keys shadow outer ones, outer ones stay visible */
    {"{{#users}}{{name}}@{{port}} {{/users}}{{name}}", "alice@6379 bob@6379 redis"},
    /* a key only some items have: sections test it per item */
    {"{{#users}}{{name}}{{#pass}}={{pass}}{{/pass}}{{^pass}}!{{/pass}};{{/users}}",
     "alice=#a;bob!;"},
    {"{{#outer}}[{{#inner}}{{x}}{{/inner}}{{^inner}}-{{/inner}}]{{/outer}}", "[12][-]"},
    {"{{! a comment }}x{{!}}y", "xy"},
    {"{{!multi\nline\ncomment}}z", "z"},
    /* standalone lines vanish entirely */
    {"a\n{{#users}}\n{{name}}\n{{/users}}\nb\n", "a\nalice\nbob\nb\n"},
    {"a\n  {{#name}}  \n x\n\t{{/name}}\t\nb", "a\n x\nb"},
    {"{{! only }}\nrest", "rest"},
    {"a\n{{! one\n    two }}\nb\n", "a\nb\n"},
    {"a\r\n{{#name}}\r\nb\r\n{{/name}}\r\n", "a\r\nb\r\n"},
    {"a\n{{^absent}}\nb\n{{/absent}}", "a\nb\n"},
    {"{{#name}}\nlast line no newline\n{{/name}}", "last line no newline\n"},
    /* not standalone: other content on the line, or a variable */
    {"x {{#name}}y{{/name}} z\n", "x y z\n"},
    {"{{#name}}{{/name}}\nq", "\nq"},
    {"  {{name}}  \n", "  redis  \n"},
    {"a {{! c }}\nb", "a \nb"},
    /* exactly TMPL_MAX_DEPTH levels are fine */
    {"{{#name}}{{#name}}{{#name}}{{#name}}{{#name}}{{#name}}{{#name}}{{#name}}d"
     "{{/name}}{{/name}}{{/name}}{{/name}}{{/name}}{{/name}}{{/name}}{{/name}}", "d"},
    /* a list section re-entered from its own items iterates the outer list again */
    {"{{#users}}{{#users}}{{name}}{{/users}}|{{/users}}", "alicebob|alicebob|"},
};

START_TEST(test_render_ok) {
    struct buf out;
    ri_err e;
    buf_init(&out);
    int rc = render(ok_cases[_i].src, &out, &e);
    ck_assert_msg(rc == 0, "case %d: %s", _i, e.msg);
    ck_assert_uint_eq(out.len, strlen(ok_cases[_i].want));
    ck_assert_mem_eq(out.len ? out.data : "", ok_cases[_i].want, out.len);
    buf_free(&out);
}
END_TEST

/* ---------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------- */

static const struct { const char *src, *msg; } err_cases[] = {
    {"x {{nope}}", "t.tmpl:1: unknown variable 'nope'"},
    {"\n\n{{users}}", "t.tmpl:3: 'users' is a list, not a value"},
    {"{{#users}}{{pass}}{{/users}}", "t.tmpl:1: unknown variable 'pass'"},
    {"a\n{{#name}}\nb\n", "t.tmpl:2: section {{#name}} is never closed"},
    {"{{^name}}", "t.tmpl:1: section {{^name}} is never closed"},
    {"{{#name}}\n{{#users}}\n{{/name}}\n{{/users}}",
     "t.tmpl:3: {{/name}} does not close {{#users}} opened at line 2"},
    {"ok\n{{/name}}", "t.tmpl:2: {{/name}} closes no open section"},
    {"{{>partial}}", "t.tmpl:1: unknown tag kind '>' (want a name, #, ^, / or !)"},
    {"{{&name}}", "t.tmpl:1: unknown tag kind '&' (want a name, #, ^, / or !)"},
    {"{{{name}}}", "t.tmpl:1: unknown tag kind '{' (want a name, #, ^, / or !)"},
    {"{{=<% %>=}}", "t.tmpl:1: unknown tag kind '=' (want a name, #, ^, / or !)"},
    {"{{\x01}}", "t.tmpl:1: unknown tag kind 0x01 (want a name, #, ^, / or !)"},
    {"{{}}", "t.tmpl:1: empty tag"},
    {"{{#}}{{/}}", "t.tmpl:1: empty name in tag"},
    {"{{ }}", "t.tmpl:1: empty name in tag"},
    {"{{a b}}", "t.tmpl:1: invalid character in tag name (allowed: A-Z a-z 0-9 _ -)"},
    {"{{a\nb}}", "t.tmpl:1: invalid character in tag name (allowed: A-Z a-z 0-9 _ -)"},
    {"line\nline\n  {{name", "t.tmpl:3: unterminated \"{{\""},
    {"{{!never closed", "t.tmpl:1: unterminated \"{{\""},
    {"{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}\n{{#a}}",
     "t.tmpl:2: sections nested deeper than 8"},
    /* errors in sections that would not render are still errors */
    {"{{#absent}}{{>x}}{{/absent}}", "t.tmpl:1: unknown tag kind '>' (want a name, #, ^, / or !)"},
    /* the line counts through removed standalone lines and comments */
    {"{{! a\nb\nc }}\n{{#name}}\n{{bad}}", "t.tmpl:4: section {{#name}} is never closed"},
    {"{{! a\nb\nc }}\n{{#name}}\n{{bad}}\n{{/name}}", "t.tmpl:5: unknown variable 'bad'"},
};

START_TEST(test_render_errors) {
    struct buf out;
    ri_err e;
    buf_init(&out);
    ck_assert_int_eq(buf_appends(&out, "keep"), 0);
    int rc = render(err_cases[_i].src, &out, &e);
    ck_assert_int_eq(rc, EX_CONFIG);
    ck_assert_int_eq(e.code, EX_CONFIG);
    ck_assert_str_eq(e.msg, err_cases[_i].msg);
    /* a failed render leaves out as it was */
    ck_assert_uint_eq(out.len, 4);
    ck_assert_str_eq(out.data, "keep");
    buf_free(&out);
}
END_TEST

START_TEST(test_origin_default) {
    struct tmpl_ctx *c = fixture();
    struct buf out;
    ri_err e;
    buf_init(&out);
    ck_assert_int_eq(tmpl_render("{{x}}", 5, NULL, c, &out, &e), EX_CONFIG);
    ck_assert_str_eq(e.msg, "template:1: unknown variable 'x'");
    buf_free(&out);
    tmpl_ctx_free(c);
}
END_TEST

/* tmpl_render must honour len: nothing after it is read or rendered. */
START_TEST(test_render_honours_len) {
    static const char src[] = "{{name}}{{nope}}";
    struct tmpl_ctx *c = fixture();
    struct buf out;
    ri_err e;
    buf_init(&out);
    ck_assert_int_eq(tmpl_render(src, 8, "t", c, &out, &e), 0);
    ck_assert_str_eq(out.data, "redis");
    buf_free(&out);
    ck_assert_int_eq(tmpl_render(src, 9, "t", c, &out, &e), 0);
    ck_assert_str_eq(out.data, "redis{");
    buf_free(&out);
    ck_assert_int_eq(tmpl_render(src, 15, "t", c, &out, &e), EX_CONFIG);
    ck_assert_str_eq(e.msg, "t:1: unterminated \"{{\"");
    buf_free(&out);
    tmpl_ctx_free(c);
}
END_TEST

START_TEST(test_deterministic) {
    const char *src = "{{#users}}{{name}} {{port}}\n{{/users}}{{#outer}}{{#inner}}{{x}}{{/inner}}{{/outer}}";
    struct buf a, b;
    ri_err e;
    buf_init(&a);
    buf_init(&b);
    ck_assert_int_eq(render(src, &a, &e), 0);
    ck_assert_int_eq(render(src, &b, &e), 0);
    ck_assert_uint_eq(a.len, b.len);
    ck_assert_mem_eq(a.data, b.data, a.len);
    ck_assert_str_eq(a.data, "alice 6379\nbob 6379\n12");
    buf_free(&a);
    buf_free(&b);
}
END_TEST

/* ---------------------------------------------------------------------------
 * Contexts and buffers
 * ------------------------------------------------------------------------- */

START_TEST(test_ctx_replace) {
    struct tmpl_ctx *c = tmpl_ctx_new();
    struct buf out;
    ri_err e;
    buf_init(&out);
    ck_assert_int_eq(tmpl_set(c, "v", "one"), 0);
    ck_assert_int_eq(tmpl_set(c, "v", "two"), 0);
    ck_assert_ptr_nonnull(tmpl_add_item(c, "l"));
    ck_assert_int_eq(tmpl_set(c, "l", "now a value"), 0);  /* a value replaces a list */
    ck_assert_int_eq(tmpl_set_list(c, "e"), 0);
    ck_assert_ptr_nonnull(tmpl_add_item(c, "e"));
    ck_assert_int_eq(tmpl_set_list(c, "e"), 0);            /* keeps the existing item */
    ck_assert_int_eq(tmpl_set(c, "x", NULL), -1);
    const char *src = "{{v}} {{l}} {{#e}}item{{/e}}";
    ck_assert_int_eq(tmpl_render(src, strlen(src), "t", c, &out, &e), 0);
    ck_assert_str_eq(out.data, "two now a value item");
    buf_free(&out);
    tmpl_ctx_free(c);
    tmpl_ctx_free(NULL);
}
END_TEST

START_TEST(test_buf) {
    struct buf b;
    buf_init(&b);
    ck_assert_ptr_null(b.data);
    ck_assert_int_eq(buf_append(&b, "", 0), 0);
    ck_assert_str_eq(b.data, "");
    for (int i = 0; i < 1000; i++) ck_assert_int_eq(buf_printf(&b, "%03d,", i), 0);
    ck_assert_uint_eq(b.len, 4000);
    ck_assert_uint_eq(strlen(b.data), 4000);
    ck_assert_int_eq(memcmp(b.data + 3996, "999,", 4), 0);
    ck_assert_int_eq(buf_appends(&b, "end"), 0);
    ck_assert_str_eq(b.data + 4000, "end");
    buf_free(&b);
    ck_assert_ptr_null(b.data);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_uint_eq(b.cap, 0);
    buf_free(&b);  /* twice is harmless */
}
END_TEST

/* ---------------------------------------------------------------------------
 * Built-in templates
 * ------------------------------------------------------------------------- */

START_TEST(test_builtin) {
    size_t len = 0;
    ck_assert_ptr_null(tmpl_builtin("no-such-template", &len));
    /* Whatever templates/ holds, each must be well-formed: render every one
     * with an empty context and accept only "unknown variable" failures. */
    static const char *const names[] = {"redis.conf", "sentinel.conf", "redis-users.acl",
                                        "sentinel-users.acl"};
    for (int i = 0; i < NELEM(names); i++) {
        const char *t = tmpl_builtin(names[i], &len);
        if (!t) continue;
        ck_assert_uint_eq(strlen(t), len);
        struct tmpl_ctx *c = tmpl_ctx_new();
        struct buf out;
        ri_err e = {0};
        buf_init(&out);
        int rc = tmpl_render(t, len, names[i], c, &out, &e);
        ck_assert_msg(rc == 0 || strstr(e.msg, "unknown variable"), "%s", e.msg);
        buf_free(&out);
        tmpl_ctx_free(c);
    }
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("template");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_render_ok, 0, NELEM(ok_cases));
    tcase_add_loop_test(tc, test_render_errors, 0, NELEM(err_cases));
    tcase_add_test(tc, test_origin_default);
    tcase_add_test(tc, test_render_honours_len);
    tcase_add_test(tc, test_deterministic);
    tcase_add_test(tc, test_ctx_replace);
    tcase_add_test(tc, test_buf);
    tcase_add_test(tc, test_builtin);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
