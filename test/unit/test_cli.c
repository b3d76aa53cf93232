/* test_cli.c: the command table, option parsing and HOST[:PORT] splitting. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "checkmain.h"
#include "commands/cli.h"
#include "commands/command.h"
#include "engine/role.h"

static const struct {
    const char *arg;
    int rc;
    const char *host;
    int port;
} hostports[] = {
    {"redis-0", 0, "redis-0", 6379},
    {"redis-0:6380", 0, "redis-0", 6380},
    {"10.0.0.1:1", 0, "10.0.0.1", 1},
    {"[::1]:7000", 0, "::1", 7000},
    {"[fe80::1]", 0, "fe80::1", 6379},
    {"::1", 0, "::1", 6379},
    {"host:", EX_USAGE, NULL, 0},
    {"host:0", EX_USAGE, NULL, 0},
    {"host:65536", EX_USAGE, NULL, 0},
    {"host:12x", EX_USAGE, NULL, 0},
    {":6379", EX_USAGE, NULL, 0},
    {"", EX_USAGE, NULL, 0},
    {"[::1", EX_USAGE, NULL, 0},
    {"[::1]x", EX_USAGE, NULL, 0},
};

START_TEST(split_hostport) {
    char host[64] = "";
    int port = -1;
    int rc = role_split_hostport(hostports[_i].arg, 6379, host, sizeof host, &port);
    ck_assert_msg(rc == hostports[_i].rc, "%s: rc %d", hostports[_i].arg, rc);
    if (rc == 0) {
        ck_assert_str_eq(host, hostports[_i].host);
        ck_assert_int_eq(port, hostports[_i].port);
    }
}
END_TEST

#define ARGV(...) ((char *[]){"prog", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"prog", __VA_ARGS__}) / sizeof(char *)))

static const struct {
    int kind, rc;
    const char *cmd;
    char **argv;
    int argc;
} parses[] = {
    {KIND_REDIS, 0, "render", ARGV("render", "--master"), ARGC("render", "--master")},
    {KIND_REDIS, 0, "run", ARGV("run", "-s", "x", "--replica-of", "h:1"), ARGC("run", "-s", "x", "--replica-of", "h:1")},
    {KIND_REDIS, 0, "discover", ARGV("discover", "--json", "--once"), ARGC("discover", "--json", "--once")},
    {KIND_REDIS, 0, "help", ARGV("--help"), ARGC("--help")},
    {KIND_REDIS, 0, "version", ARGV("-V"), ARGC("-V")},
    {KIND_REDIS, 0, "help", ARGV("render", "--help"), ARGC("render", "--help")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("frobnicate"), ARGC("frobnicate")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("render", "--monitor", "h"), ARGC("render", "--monitor", "h")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("render", "--master", "--replica-of", "h"), ARGC("render", "--master", "--replica-of", "h")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("discover", "--master"), ARGC("discover", "--master")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("render", "--json"), ARGC("render", "--json")},
    {KIND_REDIS, 0, "discover", ARGV("discover", "--all"), ARGC("discover", "--all")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("run", "--all"), ARGC("run", "--all")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("render", "stray"), ARGC("render", "stray")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("render", "--bogus"), ARGC("render", "--bogus")},
    {KIND_SENTINEL, 0, "render", ARGV("render", "--monitor", "m:6379"), ARGC("render", "--monitor", "m:6379")},
    {KIND_SENTINEL, EX_USAGE, NULL, ARGV("render", "--master"), ARGC("render", "--master")},
    {KIND_SENTINEL, EX_USAGE, NULL, ARGV("render", "-d", "/data"), ARGC("render", "-d", "/data")},
    {KIND_REDIS, 0, "install", ARGV("install", "/seed"), ARGC("install", "/seed")},
    {KIND_SENTINEL, 0, "install", ARGV("install", "-q", "/seed"), ARGC("install", "-q", "/seed")},
    {KIND_REDIS, 0, "help", ARGV("install", "--help"), ARGC("install", "--help")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("install"), ARGC("install")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("install", "/a", "/b"), ARGC("install", "/a", "/b")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("install", "-s", "x", "/a"), ARGC("install", "-s", "x", "/a")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("install", "--master", "/a"), ARGC("install", "--master", "/a")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("install", "--liveness", "/a"), ARGC("install", "--liveness", "/a")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("render", "/a"), ARGC("render", "/a")},
    {KIND_REDIS, 0, "check", ARGV("check"), ARGC("check")},
    {KIND_REDIS, 0, "check", ARGV("check", "--liveness", "-c", "x"), ARGC("check", "--liveness", "-c", "x")},
    {KIND_SENTINEL, 0, "check", ARGV("check", "--startup"), ARGC("check", "--startup")},
    {KIND_REDIS, 0, "check", ARGV("check", "--readiness", "--readiness"), ARGC("check", "--readiness", "--readiness")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("check", "--liveness", "--startup"), ARGC("check", "--liveness", "--startup")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("check", "--master"), ARGC("check", "--master")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("check", "--json"), ARGC("check", "--json")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("render", "--liveness"), ARGC("render", "--liveness")},
    {KIND_REDIS, 0, "prestop", ARGV("prestop"), ARGC("prestop")},
    {KIND_SENTINEL, 0, "prestop", ARGV("prestop", "-q"), ARGC("prestop", "-q")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("prestop", "--readiness"), ARGC("prestop", "--readiness")},
    {KIND_SENTINEL, EX_USAGE, NULL, ARGV("prestop", "--monitor", "h"), ARGC("prestop", "--monitor", "h")},
    {KIND_REDIS, 0, "router", ARGV("router", "-o", "/conf"), ARGC("router", "-o", "/conf")},
    {KIND_REDIS, 0, "router-check", ARGV("router-check", "-c", "x.ini"), ARGC("router-check", "-c", "x.ini")},
    {KIND_REDIS, 0, "webdis", ARGV("webdis"), ARGC("webdis")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("router", "--master"), ARGC("router", "--master")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("webdis", "--json"), ARGC("webdis", "--json")},
    {KIND_SENTINEL, EX_USAGE, NULL, ARGV("router"), ARGC("router")},
    {KIND_SENTINEL, EX_USAGE, NULL, ARGV("webdis"), ARGC("webdis")},
    {KIND_REDIS, 0, "router", ARGV("router", "--run"), ARGC("router", "--run")},
    {KIND_REDIS, 0, "webdis", ARGV("webdis", "--run", "-o", "/c"), ARGC("webdis", "--run", "-o", "/c")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("run", "--run"), ARGC("run", "--run")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("router-check", "--run"), ARGC("router-check", "--run")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("install", "--run", "/d"), ARGC("install", "--run", "/d")},
    {KIND_REDIS, 0, "credentials", ARGV("credentials", "status"), ARGC("credentials", "status")},
    {KIND_REDIS, 0, "exporter", ARGV("exporter", "--run", "--", "/redis_exporter", "-redis.addr", "x"),
     ARGC("exporter", "--run", "--", "/redis_exporter", "-redis.addr", "x")},
    {KIND_SENTINEL, 0, "exporter", ARGV("exporter", "--run", "--", "/redis_exporter"),
     ARGC("exporter", "--run", "--", "/redis_exporter")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("exporter", "--run"), ARGC("exporter", "--run")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("exporter", "--run", "--"), ARGC("exporter", "--run", "--")},
    {KIND_SENTINEL, 0, "credentials", ARGV("credentials", "--json", "status"), ARGC("credentials", "--json", "status")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("credentials"), ARGC("credentials")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("credentials", "status", "more"), ARGC("credentials", "status", "more")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("credentials", "--once", "status"), ARGC("credentials", "--once", "status")},
    {KIND_REDIS, EX_USAGE, NULL, ARGV("credentials", "--master", "status"), ARGC("credentials", "--master", "status")},
};

/* One executable, two names: argv[0]'s basename picks the tool. */
static const struct {
    const char *argv0;
    int dflt, want;
} names[] = {
    {"sentinel-init", KIND_REDIS, KIND_SENTINEL},
    {"/seed/sentinel-init", KIND_REDIS, KIND_SENTINEL},
    {"./redis-init", KIND_SENTINEL, KIND_REDIS},
    {"/usr/local/bin/redis-init", KIND_REDIS, KIND_REDIS},
    {"ri", KIND_SENTINEL, KIND_SENTINEL},
    {"/x/sentinel-init.old", KIND_REDIS, KIND_REDIS},
    {"sentinel-init/", KIND_REDIS, KIND_REDIS},
    {"", KIND_SENTINEL, KIND_SENTINEL},
    {NULL, KIND_REDIS, KIND_REDIS},
};

START_TEST(kind_from_argv0) {
    ck_assert_int_eq(cli_kind_from_argv0(names[_i].argv0, names[_i].dflt), names[_i].want);
}
END_TEST

/* credentials' operand is its action (the command refuses one it does not know). */
START_TEST(credentials_action) {
    struct cli_opts o;
    char *a[] = {"prog", "credentials", "-c", "x.ini", "status", NULL};
    ck_assert_int_eq(cli_parse(5, a, KIND_REDIS, &o), 0);
    ck_assert_str_eq(o.action, "status");
}
END_TEST

/* Which probe `check` runs. */
START_TEST(check_health_kind) {
    struct cli_opts o;
    char *a[] = {"prog", "check", NULL};
    ck_assert_int_eq(cli_parse(2, a, KIND_REDIS, &o), 0);
    ck_assert_int_eq(o.health, HEALTH_READINESS);
    char *b[] = {"prog", "check", "--liveness", NULL};
    ck_assert_int_eq(cli_parse(3, b, KIND_REDIS, &o), 0);
    ck_assert_int_eq(o.health, HEALTH_LIVENESS);
    char *c[] = {"prog", "check", "--startup", NULL};
    ck_assert_int_eq(cli_parse(3, c, KIND_SENTINEL, &o), 0);
    ck_assert_int_eq(o.health, HEALTH_STARTUP);
    char *d[] = {"prog", "check", "--help", NULL};
    ck_assert_int_eq(cli_parse(3, d, KIND_REDIS, &o), 0);
    ck_assert_ptr_eq(o.help_for, &command_check);
}
END_TEST

/* The command table: every command is found by its name, runs, has its
 * --help, and no two share a name; help and version are also reached
 * through their option spellings. */
static const char *const table_names[] = {"render", "discover", "run", "check", "prestop",
                                          "install", "router", "router-check", "webdis", "help",
                                          "version"};

START_TEST(table_entries) {
    const struct command *c = cli_find(table_names[_i]);
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c->name, table_names[_i]);
    ck_assert_ptr_nonnull(c->run);
    ck_assert_ptr_nonnull(c->usage);
    for (size_t j = 0; j < sizeof table_names / sizeof table_names[0]; j++)
        if (j != (size_t)_i) ck_assert_ptr_ne(cli_find(table_names[j]), c);
    ck_assert_ptr_eq(cli_find("--help"), &command_help);
    ck_assert_ptr_eq(cli_find("-V"), &command_version);
    ck_assert_ptr_null(cli_find(""));
    ck_assert_ptr_null(cli_find("Render"));
}
END_TEST

START_TEST(parse_table) {
    struct cli_opts o;
    int rc = cli_parse(parses[_i].argc, parses[_i].argv, parses[_i].kind, &o);
    ck_assert_msg(rc == parses[_i].rc, "row %d: rc %d", _i, rc);
    if (rc == 0) ck_assert_str_eq(o.cmd->name, parses[_i].cmd);
}
END_TEST

START_TEST(flags_map_to_settings_keys) {
    struct cli_opts o;
    char *argv[] = {"prog", "render", "-s", "/s", "-o", "/o", "-d", "/d", "--set", "sentinel.quorum=2", NULL};
    ck_assert_int_eq(cli_parse(10, argv, KIND_REDIS, &o), 0);
    ck_assert_int_eq(o.n_sets, 3);
    ck_assert_str_eq(o.sets[0].key, "secrets");
    ck_assert_str_eq(o.sets[1].key, "conf-dir");
    ck_assert_str_eq(o.sets[2].section, "redis");
    ck_assert_str_eq(o.sets[2].key, "dir");
    ck_assert_int_eq(o.n_set_args, 1);
    ck_assert_str_eq(o.set_args[0], "sentinel.quorum=2");
}
END_TEST

START_TEST(command_help_is_per_command) {
    struct cli_opts o;
    char *a[] = {"prog", "discover", "--help", NULL};
    ck_assert_int_eq(cli_parse(3, a, KIND_REDIS, &o), 0);
    ck_assert_ptr_eq(o.cmd, &command_help);
    ck_assert_ptr_eq(o.help_for, &command_discover);
    char *b[] = {"prog", "--help", NULL};
    ck_assert_int_eq(cli_parse(2, b, KIND_SENTINEL, &o), 0);
    ck_assert_ptr_null(o.help_for);
    char *c[] = {"prog", "install", "--help", NULL};
    ck_assert_int_eq(cli_parse(3, c, KIND_REDIS, &o), 0);
    ck_assert_ptr_eq(o.help_for, &command_install);
}
END_TEST

START_TEST(install_takes_its_dir) {
    struct cli_opts o;
    char *a[] = {"prog", "install", "-v", "/seed/bin", NULL};
    ck_assert_int_eq(cli_parse(4, a, KIND_SENTINEL, &o), 0);
    ck_assert_ptr_eq(o.cmd, &command_install);
    ck_assert_str_eq(o.dir, "/seed/bin");
    ck_assert_int_eq(o.verbose, 1);
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, split_hostport, 0, (int)(sizeof hostports / sizeof hostports[0]));
    tcase_add_loop_test(tc, parse_table, 0, (int)(sizeof parses / sizeof parses[0]));
    tcase_add_loop_test(tc, kind_from_argv0, 0, (int)(sizeof names / sizeof names[0]));
    tcase_add_test(tc, flags_map_to_settings_keys);
    tcase_add_test(tc, command_help_is_per_command);
    tcase_add_test(tc, install_takes_its_dir);
    tcase_add_test(tc, check_health_kind);
    tcase_add_test(tc, credentials_action);
    tcase_add_loop_test(tc, table_entries, 0, (int)(sizeof table_names / sizeof table_names[0]));
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
