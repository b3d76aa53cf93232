/* test_settings.c: defaults, precedence (default < INI < env < flag) for
 * scalar and list keys, every kind of bad input, ordinal derivation and
 * host-pattern expansion. Values are read back through settings_dump() so
 * the tests do not depend on the key table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkmain.h"
#include "config/settings.h"

static struct settings S;  /* large: keep it off the stack */
static ri_err E;

/* ---- reading values back through settings_dump ---- */

struct capture { const char *prefix; char out[4096]; int n, total; };

static void on_line(void *ctx, const char *text) {
    struct capture *c = ctx;
    c->total++;
    size_t pl = strlen(c->prefix);
    if (strncmp(text, c->prefix, pl) != 0) return;
    const char *v = text + pl;
    if (*v == ' ') v++;
    if (c->n++) strcat(c->out, "|");
    strcat(c->out, v);
}

/* "a|b" for a list, the value for a scalar. */
static const char *get(const char *section, const char *key) {
    static struct capture c;
    static char prefix[128];
    memset(&c, 0, sizeof c);
    snprintf(prefix, sizeof prefix, "%s.%s =", section, key);
    c.prefix = prefix;
    settings_dump(&S, on_line, &c);
    ck_assert_msg(c.n > 0, "no dump line for %s", prefix);
    return c.out;
}

static int ini(const char *text) {
    memset(&E, 0, sizeof E);
    return settings_parse_ini(&S, text, strlen(text), "settings.ini", &E);
}

static int env(const char *a, const char *b) {
    char *envp[3] = {(char *)a, (char *)b, NULL};
    memset(&E, 0, sizeof E);
    return settings_load_env(&S, envp, &E);
}

static int flag(const char *arg) {
    memset(&E, 0, sizeof E);
    return settings_set_arg(&S, arg, &E);
}

static int finish(void) {
    memset(&E, 0, sizeof E);
    return settings_finish(&S, &E);
}

/* ---- defaults ---- */

START_TEST(defaults) {
    settings_init(&S);
    ck_assert_str_eq(get("cluster", "master-name"), "mymaster");
    ck_assert_str_eq(get("cluster", "host-pattern"), "{service}-{i}.{service}.{namespace}.svc.{domain}");
    ck_assert_str_eq(get("redis", "persistence"), "hybrid");
    ck_assert_str_eq(get("redis", "loadmodule"), "");
    ck_assert_str_eq(get("sentinel", "quorum"), "0");
    ck_assert_str_eq(get("acl", "default-user"), "off");
    ck_assert_int_eq(S.redis_port, 6379);
    ck_assert_int_eq(S.sentinel_port, 26379);
    ck_assert_int_eq(S.redis_replicas, 3);
    ck_assert_int_eq(S.failover_timeout_ms, 180000);
    ck_assert_int_eq(S.min_replicas_to_write, -1);
    ck_assert_str_eq(S.secrets_path, "/src/config.json");
    ck_assert_str_eq(S.save, "3600 1 300 100 60 10000");
    ck_assert_int_eq(S.ordinal, -1);
    struct capture c = {.prefix = "\x01"};
    settings_dump(&S, on_line, &c);
    ck_assert_int_eq(c.total, 73);  /* 72 keys (lists empty) + the derived ordinal comment */
    ck_assert_str_eq(get("credentials", "live"), "on");
    ck_assert_str_eq(get("credentials", "grace"), "3600000");
    ck_assert_str_eq(get("credentials", "drop"), "grace");
    ck_assert_str_eq(get("discovery", "adopt"), "");
    ck_assert_str_eq(get("acl", "sentinel-default-user"), "off");
    ck_assert_str_eq(get("metrics", "exporter-dir"), "");
    ck_assert_str_eq(get("metrics", "exporter-user"), "");
    ck_assert_str_eq(get("paths", "termination-log"), "/dev/termination-log");
    ck_assert_str_eq(get("metrics", "port"), "0");
    ck_assert_str_eq(get("metrics", "address"), "");
    ck_assert_str_eq(get("tls", "mode"), "off");
    ck_assert_str_eq(get("tls", "auth-clients"), "no");
    ck_assert_str_eq(get("tls", "dir"), "/tls");
    ck_assert_str_eq(get("tls", "cert"), "tls.crt");
    ck_assert_str_eq(get("tls", "key"), "tls.key");
    ck_assert_str_eq(get("tls", "ca"), "ca.crt");
    ck_assert_str_eq(get("tls", "protocols"), "TLSv1.2 TLSv1.3");
    ck_assert_str_eq(get("tls", "expiry-warning"), "30");
    ck_assert_str_eq(get("lifecycle", "agent"), "on");
    ck_assert_str_eq(get("lifecycle", "watch-interval"), "100");
    ck_assert_str_eq(get("server", "flavour"), "redis");
    ck_assert_str_eq(get("paths", "redis-server"), "");   /* "" = the flavour's, until finish */
    ck_assert_int_eq(S.min_replicas_max_lag, 5);
    ck_assert_int_eq(S.check_timeout_ms, 500);
    ck_assert_int_eq(S.prestop_timeout_ms, 20000);
    ck_assert_str_eq(get("router", "service"), "redis-cluster-router");
    ck_assert_str_eq(get("router", "host"), "");
    ck_assert_str_eq(get("webdis", "port"), "7379");
    ck_assert_str_eq(get("paths", "redis-init"), "");
    ck_assert_str_eq(get("paths", "haproxy"), "haproxy");
    ck_assert_str_eq(get("paths", "webdis"), "webdis");
    /* Derived values after finish: auto quorum and auto fencing resolved. */
    ck_assert_int_eq(ini("[cluster]\npod-name = redis-cluster-server-1\n"), 0);
    ck_assert_int_eq(finish(), 0);
    ck_assert_int_eq(S.quorum, 2);
    ck_assert_int_eq(settings_quorum(&S), 2);
    ck_assert_int_eq(S.min_replicas_to_write, 1);
    ck_assert_int_eq(S.ordinal, 1);
    ck_assert_int_eq(finish(), 0);  /* idempotent */
    ck_assert_int_eq(S.quorum, 2);
}
END_TEST

/* ---- precedence, per scalar key ---- */

static const struct {
    const char *section, *key, *def, *ini_v, *env_name, *env_v, *flag_v, *shown_ini, *shown_env, *shown_flag;
} prec[] = {
    {"cluster", "master-name", "mymaster", "m-ini", "REDIS_INIT_CLUSTER_MASTER_NAME", "m-env", "m-flag", 0, 0, 0},
    {"cluster", "redis-port", "6379", "7000", "REDIS_INIT_CLUSTER_REDIS_PORT", "7001", "7002", 0, 0, 0},
    {"sentinel", "quorum", "0", "1", "SENTINEL_QUORUM", "2", "3", 0, 0, 0},
    {"sentinel", "down-after", "10000", "5000", "SENTINEL_DOWN_AFTER", "6000", "7000", 0, 0, 0},
    {"sentinel", "failover-timeout", "180000", "1000", "REDIS_INIT_SENTINEL_FAILOVER_TIMEOUT", "2000", "3000", 0, 0, 0},
    {"paths", "secrets", "/src/config.json", "/i", "REDIS_INIT_SECRETS", "/e", "/f", 0, 0, 0},
    {"paths", "conf-dir", "/conf", "/i", "REDIS_INIT_CONF_DIR", "/e", "/f", 0, 0, 0},
    {"redis", "dir", "/data", "/i", "REDIS_INIT_DATA_DIR", "/e", "/f", 0, 0, 0},
    {"cluster", "pod-name", "", "redis-1", "POD_NAME", "redis-2", "redis-3", 0, 0, 0},
    {"cluster", "namespace", "", "ns-i", "POD_NAMESPACE", "ns-e", "ns-f", 0, 0, 0},
    {"redis", "persistence", "hybrid", "aof", "REDIS_INIT_REDIS_PERSISTENCE", "rdb", "none", 0, 0, 0},
    {"acl", "default-user", "off", "yes", "REDIS_INIT_ACL_DEFAULT_USER", "false", "ON", "on", "off", "on"},
    {"discovery", "deadline", "60000", "5000", "REDIS_INIT_DISCOVERY_DEADLINE", "6000", "7000", 0, 0, 0},
    {"lifecycle", "check-timeout", "500", "300", "REDIS_INIT_LIFECYCLE_CHECK_TIMEOUT", "400", "250", 0, 0, 0},
    {"lifecycle", "prestop-timeout", "20000", "9000", "REDIS_INIT_LIFECYCLE_PRESTOP_TIMEOUT", "8000", "7000", 0, 0, 0},
    {"lifecycle", "agent", "on", "no", "REDIS_INIT_LIFECYCLE_AGENT", "true", "off", "off", "on", "off"},
    {"lifecycle", "watch-interval", "100", "50", "REDIS_INIT_LIFECYCLE_WATCH_INTERVAL", "20", "10", 0, 0, 0},
    {"redis", "min-replicas-max-lag", "5", "3", "REDIS_INIT_REDIS_MIN_REPLICAS_MAX_LAG", "4", "2", 0, 0, 0},
    {"server", "flavour", "redis", "valkey", "REDIS_INIT_SERVER_FLAVOUR", "redis", "valkey", 0, 0, 0},
    {"redis", "save", "3600 1 300 100 60 10000", "\"\"", "REDIS_INIT_REDIS_SAVE", "60 1", "900 1 60 5", "", 0, 0},
};

#define SHOWN(x, alt) ((x) ? (x) : (alt))

START_TEST(precedence_scalar) {
    char line[256], arg[256];
    const char *sec = prec[_i].section, *key = prec[_i].key;
    settings_init(&S);
    ck_assert_str_eq(get(sec, key), prec[_i].def);
    snprintf(line, sizeof line, "[%s]\n%s = %s\n", sec, key, prec[_i].ini_v);
    ck_assert_msg(ini(line) == 0, "%s", E.msg);
    ck_assert_str_eq(get(sec, key), SHOWN(prec[_i].shown_ini, prec[_i].ini_v));
    snprintf(line, sizeof line, "%s=%s", prec[_i].env_name, prec[_i].env_v);
    ck_assert_msg(env(line, NULL) == 0, "%s", E.msg);
    ck_assert_str_eq(get(sec, key), SHOWN(prec[_i].shown_env, prec[_i].env_v));
    snprintf(arg, sizeof arg, "%s.%s=%s", sec, key, prec[_i].flag_v);
    ck_assert_msg(flag(arg) == 0, "%s", E.msg);
    ck_assert_str_eq(get(sec, key), SHOWN(prec[_i].shown_flag, prec[_i].flag_v));
    /* Lower origins applied later change nothing. */
    ck_assert_int_eq(env(line, NULL), 0);
    snprintf(line, sizeof line, "[%s]\n%s = %s\n", sec, key, prec[_i].ini_v);
    ck_assert_int_eq(ini(line), 0);
    ck_assert_str_eq(get(sec, key), SHOWN(prec[_i].shown_flag, prec[_i].flag_v));
    /* Env over INI without any flag, in the other call order too. */
    settings_init(&S);
    snprintf(line, sizeof line, "%s=%s", prec[_i].env_name, prec[_i].env_v);
    ck_assert_int_eq(env(line, NULL), 0);
    snprintf(line, sizeof line, "[%s]\n%s = %s\n", sec, key, prec[_i].ini_v);
    ck_assert_int_eq(ini(line), 0);
    ck_assert_str_eq(get(sec, key), SHOWN(prec[_i].shown_env, prec[_i].env_v));
}
END_TEST

START_TEST(prefixed_env_beats_alias) {
    for (int order = 0; order < 2; order++) {
        settings_init(&S);
        const char *a = "POD_NAME=alias-1", *b = "REDIS_INIT_CLUSTER_POD_NAME=prefixed-2";
        ck_assert_int_eq(order ? env(b, a) : env(a, b), 0);
        ck_assert_str_eq(S.pod_name, "prefixed-2");
    }
    settings_init(&S);
    ck_assert_int_eq(env("SENTINEL_FAILOVER=5000", "REDIS_INIT_SENTINEL_FAILOVER_TIMEOUT=6000"), 0);
    ck_assert_int_eq(S.failover_timeout_ms, 6000);
}
END_TEST

/* ---- precedence, list keys ---- */

START_TEST(precedence_lists) {
    settings_init(&S);
    ck_assert_int_eq(ini("[redis]\nloadmodule = /a.so\nloadmodule = /b.so x y\n"
                         "[acl]\nuser = app APP_PASSWORD ~app:* +@read\nuser = ops OPS_PASSWORD +info\n"), 0);
    ck_assert_str_eq(get("redis", "loadmodule"), "/a.so|/b.so x y");
    ck_assert_str_eq(get("acl", "user"), "app APP_PASSWORD ~app:* +@read|ops OPS_PASSWORD +info");
    ck_assert_int_eq(S.n_users, 2);
    ck_assert_str_eq(S.users[0].secret_key, "APP_PASSWORD");
    ck_assert_str_eq(S.users[0].rules, "~app:* +@read");
    /* env replaces the INI list, one item per line (CRLF and blank lines ok) */
    ck_assert_msg(env("REDIS_INIT_REDIS_LOADMODULE=/c.so\r\n\n/d.so\n", NULL) == 0, "%s", E.msg);
    ck_assert_str_eq(get("redis", "loadmodule"), "/c.so|/d.so");
    ck_assert_str_eq(get("acl", "user"), "app APP_PASSWORD ~app:* +@read|ops OPS_PASSWORD +info");
    /* flags replace env, and then append */
    ck_assert_int_eq(flag("redis.loadmodule=/e.so"), 0);
    ck_assert_int_eq(flag("redis.loadmodule=/f.so"), 0);
    ck_assert_str_eq(get("redis", "loadmodule"), "/e.so|/f.so");
    /* lower origins later are ignored */
    ck_assert_int_eq(ini("[redis]\nloadmodule = /g.so\n"), 0);
    ck_assert_int_eq(env("REDIS_INIT_REDIS_LOADMODULE=/h.so", NULL), 0);
    ck_assert_str_eq(get("redis", "loadmodule"), "/e.so|/f.so");
    /* an empty env value clears a list set in the INI file */
    settings_init(&S);
    ck_assert_int_eq(ini("[redis]\ndirective = maxmemory 100mb\n"), 0);
    ck_assert_int_eq(S.n_directive, 1);
    ck_assert_int_eq(env("REDIS_INIT_REDIS_DIRECTIVE=", NULL), 0);
    ck_assert_int_eq(S.n_directive, 0);
    ck_assert_int_eq(env("REDIS_INIT_ACL_USER=bob BOB_PW +ping\nann ANN_PW +info", NULL), 0);
    ck_assert_str_eq(get("acl", "user"), "bob BOB_PW +ping|ann ANN_PW +info");
}
END_TEST

/* ---- bad INI input: exact messages ---- */

static const struct { const char *text; int code; const char *msg; } bad_ini[] = {
    {"[redis]\n\nfoo = 1\n", EX_CONFIG, "settings.ini:3: unknown key [redis] foo"},
    {"; c\n[nope]\n", EX_CONFIG, "settings.ini:2: unknown section [nope]"},
    {"[Redis]\nbind = x\n", EX_CONFIG, "settings.ini:1: unknown section [Redis]"},
    {"master-name = x\n", EX_CONFIG, "settings.ini:1: key master-name is outside any [section]"},
    {"[cluster\n", EX_CONFIG, "settings.ini:1: syntax error: expected [section], key = value or a ; comment"},
    {"[cluster]\njust words\n", EX_CONFIG, "settings.ini:2: syntax error: expected [section], key = value or a ; comment"},
    {"[cluster]\n  redis-port = 1\n  x\n", EX_CONFIG, "settings.ini:3: syntax error: expected [section], key = value or a ; comment"},
    {"[cluster]\nredis-port = abc\n", EX_CONFIG, "settings.ini:2: [cluster] redis-port: \"abc\" is not an integer"},
    {"[cluster]\nredis-port = 6379x\n", EX_CONFIG, "settings.ini:2: [cluster] redis-port: \"6379x\" is not an integer"},
    {"[cluster]\nredis-port = +80\n", EX_CONFIG, "settings.ini:2: [cluster] redis-port: \"+80\" is not an integer"},
    {"[cluster]\nredis-port = 0\n", EX_CONFIG, "settings.ini:2: [cluster] redis-port: 0 is out of range 1..65535"},
    {"[cluster]\nsentinel-port = 65536\n", EX_CONFIG, "settings.ini:2: [cluster] sentinel-port: 65536 is out of range 1..65535"},
    {"[cluster]\nredis-replicas = 99999999999999999999\n", EX_CONFIG,
     "settings.ini:2: [cluster] redis-replicas: \"99999999999999999999\" is not an integer"},
    {"[cluster]\nredis-replicas = 65\n", EX_CONFIG, "settings.ini:2: [cluster] redis-replicas: 65 is out of range 1..64"},
    {"[sentinel]\nquorum = -1\n", EX_CONFIG, "settings.ini:2: [sentinel] quorum: -1 is out of range 0..64"},
    {"[discovery]\nprobe-timeout = 0\n", EX_CONFIG, "settings.ini:2: [discovery] probe-timeout: 0 is out of range 1..86400000"},
    {"[metrics]\nport = 70000\n", EX_CONFIG, "settings.ini:2: [metrics] port: 70000 is out of range 0..65535"},
    {"[metrics]\naddress = localhost\n", EX_CONFIG,
     "settings.ini:2: [metrics] address: must be an IPv4 or IPv6 address, or empty for every address"},
    {"[metrics]\naddress = 10.0.0.300\n", EX_CONFIG,
     "settings.ini:2: [metrics] address: must be an IPv4 or IPv6 address, or empty for every address"},
    {"[acl]\ndefault-user = maybe\n", EX_CONFIG,
     "settings.ini:2: [acl] default-user: \"maybe\" is not a boolean (yes/no, on/off, true/false, 1/0)"},
    {"[redis]\npersistence = both\n", EX_CONFIG, "settings.ini:2: [redis] persistence: \"both\" is not one of hybrid, aof, rdb, none"},
    {"[server]\nflavour = keydb\n", EX_CONFIG, "settings.ini:2: [server] flavour: \"keydb\" is not one of redis, valkey"},
    {"[server]\nflavour = Valkey\n", EX_CONFIG, "settings.ini:2: [server] flavour: \"Valkey\" is not one of redis, valkey"},
    {"[server]\nflavour =\n", EX_CONFIG, "settings.ini:2: [server] flavour: \"\" is not one of redis, valkey"},
    {"[cluster]\nflavour = valkey\n", EX_CONFIG, "settings.ini:2: unknown key [cluster] flavour"},
    {"[redis]\nappendfsync = sometimes\n", EX_CONFIG, "settings.ini:2: [redis] appendfsync: must be always, everysec or no"},
    {"[redis]\nsave = 3600\n", EX_CONFIG, "settings.ini:2: [redis] save: must be pairs of \"<seconds> <changes>\" (odd count)"},
    {"[cluster]\nhost-pattern = {service}.{namespace}\n", EX_CONFIG,
     "settings.ini:2: [cluster] host-pattern: must contain {i}, the member's ordinal"},
    {"[cluster]\nhost-pattern = {svc}-{i}\n", EX_CONFIG,
     "settings.ini:2: [cluster] host-pattern: unknown placeholder at \"{svc}-{i}\": use {service}, {i}, {namespace}, {domain}"},
    {"[cluster]\nhost-pattern = {service}-{i}:6379\n", EX_CONFIG,
     "settings.ini:2: [cluster] host-pattern: may only hold letters, digits, '.', '-', '_' and the placeholders {service} {i} {namespace} {domain}"},
    {"[cluster]\nmaster-name = my master\n", EX_CONFIG,
     "settings.ini:2: [cluster] master-name: may only contain letters, digits, '.', '_' and '-'"},
    {"[cluster]\nredis-service = -redis\n", EX_CONFIG,
     "settings.ini:2: [cluster] redis-service: must be a DNS label: 1..63 letters, digits, '-' or '_', starting and ending with a letter or digit"},
    {"[cluster]\ndomain = cluster..local\n", EX_CONFIG,
     "settings.ini:2: [cluster] domain: must be a DNS name: dot-separated labels of letters, digits, '-' or '_', at most 253 bytes, no trailing dot"},
    {"[redis]\ndirective = port 7000\n", EX_CONFIG,
     "settings.ini:2: [redis] directive: port is managed by redis-init (use [cluster] redis-port)"},
    {"[redis]\ndirective = \"DIR\" /tmp\n", EX_CONFIG,
     "settings.ini:2: [redis] directive: dir is managed by redis-init (use [redis] dir)"},
    {"[redis]\ndirective = rename-command CONFIG \"\"\n", EX_CONFIG,
     "settings.ini:2: [redis] directive: rename-command is managed by redis-init (sentinel and redis-init need the real command names)"},
    {"[redis]\ndirective = requirepass x\n", EX_CONFIG,
     "settings.ini:2: [redis] directive: requirepass is managed by redis-init (passwords come from the secrets)"},
    {"[redis]\ndirective = primaryauth x\n", EX_CONFIG,
     "settings.ini:2: [redis] directive: primaryauth is managed by redis-init (comes from REPLICA_PASSWORD)"},
    {"[redis]\ndirective = PrimaryUser x\n", EX_CONFIG,
     "settings.ini:2: [redis] directive: primaryuser is managed by redis-init (comes from REPLICA_USERNAME)"},
    {"[redis]\ndirective = maxmemory\n", EX_CONFIG, "settings.ini:2: [redis] directive: must be \"NAME VALUE...\""},
    {"[redis]\ndirective = maxmemory \"100mb\n", EX_CONFIG,
     "settings.ini:2: [redis] directive: unbalanced quotes, or more than 64 arguments"},
    {"[redis]\ndirective = maxmemory 100mb\xc3\xa9\n", EX_CONFIG,
     "settings.ini:2: [redis] directive: must be printable ASCII on one line"},
    {"[redis]\nloadmodule = redisjson.so\n", EX_CONFIG,
     "settings.ini:2: [redis] loadmodule: must start with the module's absolute path"},
    {"[acl]\nuser = bob BOB_PW\n", EX_CONFIG, "settings.ini:2: [acl] user: expected \"NAME SECRET_KEY RULES...\""},
    {"[acl]\nuser = default PW +@all\n", EX_CONFIG,
     "settings.ini:2: [acl] user: user \"default\" is managed by [acl] default-user"},
    {"[acl]\nuser = bob BOB/PW +@all\n", EX_CONFIG,
     "settings.ini:2: [acl] user: user bob: SECRET_KEY must be 1..63 letters, digits, '-', '_' or '.'"},
    {"[acl]\nuser = bob PW +@all\nuser = bob PW2 +ping\n", EX_CONFIG,
     "settings.ini:3: [acl] user: user \"bob\" is defined twice"},
    {"[cluster]\nmaster-name = a\0b\n", EX_CONFIG, "settings.ini:2: contains a NUL byte"},
    {"[tls]\nmode = yes\n", EX_CONFIG, "settings.ini:2: [tls] mode: must be off, on (TLS only) or dual (TLS and plain text)"},
    {"[tls]\nauth-clients = required\n", EX_CONFIG, "settings.ini:2: [tls] auth-clients: must be no, optional or yes"},
    {"[acl]\nsentinel-default-user = on\n", EX_CONFIG, "settings.ini:2: [acl] sentinel-default-user: must be off or discovery"},
    {"[credentials]\ndrop = never\n", EX_CONFIG, "settings.ini:2: [credentials] drop: must be grace or command"},
    {"[tls]\ncert = /etc/tls/tls.crt\n", EX_CONFIG,
     "settings.ini:2: [tls] cert: must be a file name in [tls] dir, not a path (set dir to the mounted Secret)"},
    {"[tls]\nca = ..\n", EX_CONFIG, "settings.ini:2: [tls] ca: must be a file name"},
    {"[tls]\nkey = \"\"\n", EX_CONFIG, "settings.ini:2: [tls] key: must not be empty"},
    {"[tls]\nprotocols = TLSv1.1 TLSv1.2\n", EX_CONFIG,
     "settings.ini:2: [tls] protocols: \"TLSv1.1\" is not TLSv1.2 or TLSv1.3 (older versions are not offered)"},
    {"[tls]\nprotocols = \"\"\n", EX_CONFIG, "settings.ini:2: [tls] protocols: must name TLSv1.2, TLSv1.3 or both"},
    {"[tls]\nplain-port = 70000\n", EX_CONFIG, "settings.ini:2: [tls] plain-port: 70000 is out of range 0..65535"},
};

START_TEST(bad_ini_input) {
    settings_init(&S);
    const char *t = bad_ini[_i].text;
    size_t len = strlen(t);
    if (strstr(bad_ini[_i].msg, "NUL")) len += 1 + strlen(t + len + 1);
    memset(&E, 0, sizeof E);
    int rc = settings_parse_ini(&S, t, len, "settings.ini", &E);
    ck_assert_int_eq(rc, bad_ini[_i].code);
    ck_assert_int_eq(E.code, bad_ini[_i].code);
    ck_assert_str_eq(E.msg, bad_ini[_i].msg);
}
END_TEST

START_TEST(acl_rules_checked) {
    settings_init(&S);
    ck_assert_int_eq(ini("[acl]\nuser = bob BOB_PW >secret +@all\n"), EX_CONFIG);
    ck_assert_ptr_nonnull(strstr(E.msg, "settings.ini:2: [acl] user: user bob"));
    ck_assert_int_eq(ini("[acl]\nuser = bob BOB_PW on +@all\n"), EX_CONFIG);
    ck_assert_int_eq(ini("[acl]\nuser = bob BOB_PW nopass\n"), EX_CONFIG);
    ck_assert_int_eq(ini("[acl]\nuser = bob BOB_PW ~app:* +@read -@dangerous\n"), 0);
}
END_TEST

START_TEST(long_lines) {
    static char text[6000];
    settings_init(&S);
    /* A 1000-byte directive fits (inih's default 200-byte lines would not). */
    int n = snprintf(text, sizeof text, "[redis]\ndirective = notify-keyspace-events ");
    memset(text + n, 'K', 1000 - 23);
    strcpy(text + n + 1000 - 23, "\n");
    ck_assert_msg(ini(text) == 0, "%s", E.msg);
    ck_assert_int_eq((int)strlen(S.directive[0]), 1000);
    n = snprintf(text, sizeof text, "[redis]\ndirective = x ");
    memset(text + n, 'K', 4500);
    strcpy(text + n + 4500, "\n");
    ck_assert_int_eq(ini(text), EX_CONFIG);
    ck_assert_str_eq(E.msg, "settings.ini:2: line longer than 3998 bytes");
}
END_TEST

START_TEST(ini_syntax_ok) {
    settings_init(&S);
    ck_assert_msg(ini("\xef\xbb\xbf; comment\n# comment\n[cluster]\r\nmaster-name = \"quoted\" ; trailing\r\n"
                      "redis-service=r\n[cluster]\nsentinel-service : s\n[acl]\n") == 0, "%s", E.msg);
    ck_assert_str_eq(S.master_name, "quoted");
    ck_assert_str_eq(S.redis_service, "r");
    ck_assert_str_eq(S.sentinel_service, "s");
}
END_TEST

/* ---- files ---- */

START_TEST(ini_files) {
    settings_init(&S);
    ck_assert_int_eq(settings_load_ini(&S, "/nonexistent/settings.ini", &E), EX_NOINPUT);
    ck_assert_str_eq(E.msg, "cannot read settings /nonexistent/settings.ini: No such file or directory");
    ck_assert_int_eq(settings_load_ini(&S, "/tmp", &E), EX_NOINPUT);
    ck_assert_str_eq(E.msg, "cannot read settings /tmp: Is a directory");
    char path[] = "/tmp/ri-settings-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *text = "[sentinel]\nquorum = 2\n[redis]\nfoo = 1\n";
    ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
    ck_assert_int_eq(settings_load_ini(&S, path, &E), EX_CONFIG);
    char want[256];
    snprintf(want, sizeof want, "%s:4: unknown key [redis] foo", path);
    ck_assert_str_eq(E.msg, want);
    unlink(path);
}
END_TEST

/* The example in docs/configuration.md (kept identical to the fixture). */
START_TEST(example_file) {
    const char *dir = getenv("RI_FIXTURES");
    char path[512];
    snprintf(path, sizeof path, "%s/settings-example.ini", dir ? dir : "test/fixtures");
    settings_init(&S);
    ck_assert_msg(settings_load_ini(&S, path, &E) == 0, "%s", E.msg);
    ck_assert_msg(finish() == 0, "%s", E.msg);
    ck_assert_str_eq(S.namespace_, "redis-services");
    ck_assert_int_eq(S.ordinal, 0);
    ck_assert_int_eq(S.n_directive, 2);
    ck_assert_str_eq(S.directive[1], "maxmemory-policy allkeys-lru");
    ck_assert_int_eq(S.n_users, 1);
    ck_assert_str_eq(S.users[0].rules, "~app:* &app:* +@read +@write -@dangerous");
    ck_assert_int_eq(S.quorum, 2);
    ck_assert_int_eq(S.n_loadmodule, 1);
    ck_assert_str_eq(S.loadmodule[0], "/usr/lib/redis/modules/redisbloom.so");
}
END_TEST

/* ---- environment and flags ---- */

static const struct { const char *var; int code; const char *msg; } env_cases[] = {
    {"REDIS_INIT_CLUSTER_MASTERNAME=x", EX_CONFIG, "env REDIS_INIT_CLUSTER_MASTERNAME: no such setting (see docs/configuration.md)"},
    {"REDIS_INIT_SENTINEL_PORT=tcp://10.0.0.1:26379", 0, ""},   /* Kubernetes service link */
    {"REDIS_INIT_SENTINEL_SERVICE_HOST=10.0.0.1", 0, ""},
    {"REDIS_INIT_REDIS_PORT_6379_TCP_ADDR=10.0.0.2", 0, ""},
    {"REDIS_INIT_CONFIG=/etc/redis-init.ini", 0, ""},
    {"REDIS_INIT_SERVER_FLAVOUR=valkey", 0, ""},
    {"REDIS_INIT_SERVER_FLAVOR=valkey", EX_CONFIG, "env REDIS_INIT_SERVER_FLAVOR: no such setting (see docs/configuration.md)"},           /* not a section: someone else's */
    {"SENTINEL_QUORUM=x", EX_CONFIG, "env SENTINEL_QUORUM: [sentinel] quorum: \"x\" is not an integer"},
    {"REDIS_INIT_CLUSTER_REDIS_PORT=70000", EX_CONFIG, "env REDIS_INIT_CLUSTER_REDIS_PORT: [cluster] redis-port: 70000 is out of range 1..65535"},
};

START_TEST(env_input) {
    settings_init(&S);
    ck_assert_int_eq(env(env_cases[_i].var, NULL), env_cases[_i].code);
    if (env_cases[_i].code) ck_assert_str_eq(E.msg, env_cases[_i].msg);
}
END_TEST

static const struct { const char *arg; int code; const char *msg; } flag_cases[] = {
    {"sentinel.quorum=2", 0, ""},
    {"quorum=2", EX_USAGE, "--set quorum=2: expected section.key=value"},
    {"sentinel.quorum", EX_USAGE, "--set sentinel.quorum: expected section.key=value"},
    {"redis.nokey=1", EX_CONFIG, "flag --set redis.nokey: unknown key [redis] nokey"},
    {"nosec.key=1", EX_CONFIG, "flag --set nosec.key: unknown section [nosec]"},
    {"cluster.redis-port=", EX_CONFIG, "flag --set cluster.redis-port: [cluster] redis-port: \"\" is not an integer"},
    {"paths.templates=", 0, ""},
};

START_TEST(flag_input) {
    settings_init(&S);
    ck_assert_int_eq(flag(flag_cases[_i].arg), flag_cases[_i].code);
    if (flag_cases[_i].code) ck_assert_str_eq(E.msg, flag_cases[_i].msg);
}
END_TEST

/* ---- settings_finish ---- */

static const struct { const char *text; const char *msg; } bad_finish[] = {
    {"[sentinel]\nquorum = 4\n", "settings.ini:2: [sentinel] quorum: 4 is more than sentinel-replicas (3, from default)"},
    {"[cluster]\nsentinel-replicas = 5\n[sentinel]\nquorum = 6\n",
     "settings.ini:4: [sentinel] quorum: 6 is more than sentinel-replicas (5, from settings.ini:2)"},
    {"[cluster]\nredis-replicas = 1\n[redis]\nmin-replicas-to-write = 1\n",
     "settings.ini:4: [redis] min-replicas-to-write: 1 is more than the 0 replica(s) that redis-replicas = 1 gives: the master could never accept a write"},
    {"[discovery]\ndeadline = 500\n", "settings.ini:2: [discovery] deadline: 500 ms is shorter than probe-timeout (1000 ms)"},
    {"[discovery]\nround-interval = 70000\n", "settings.ini:2: [discovery] round-interval: 70000 ms is longer than deadline (60000 ms)"},
    {"[cluster]\nhost-pattern = {service}{service}{service}{service}{service}-{i}\n"
     "redis-service = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
     "settings.ini:2: [cluster] host-pattern: \"{service}{service}{service}{service}{service}-{i}\" gives "
     "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" for member 2 of "
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: longer than 253 bytes"},
    {"[cluster]\nhost-pattern = {service}{service}-{i}\nredis-service = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
     "settings.ini:2: [cluster] host-pattern: \"{service}{service}-{i}\" gives "
     "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" for member 2 of "
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: a label is longer than 63 bytes"},
    {"[tls]\nmode = dual\nplain-sentinel-port = 26380\n",
     "default: [tls] plain-port: must be set with mode = dual: the plain-text port beside the TLS one"},
    {"[tls]\nmode = dual\nplain-port = 6380\n",
     "default: [tls] plain-sentinel-port: must be set with mode = dual: the plain-text port beside the TLS one"},
    {"[tls]\nmode = dual\nplain-port = 6379\nplain-sentinel-port = 26380\n",
     "settings.ini:3: [tls] plain-port: 6379 is also the TLS port ([cluster] redis-port)"},
    {"[tls]\nmode = on\nplain-port = 6380\n",
     "settings.ini:3: [tls] plain-port: is only used with mode = dual (the plain-text port beside TLS)"},
    {"[tls]\nmode = on\nclient-cert = client.crt\n",
     "default: [tls] client-key: client-cert and client-key go together (both empty: the server's own)"},
    {"[discovery]\nadopt = redis-cluster-server\n",
     "settings.ini:2: [discovery] adopt: \"redis-cluster-server\" has no -N ordinal suffix: name a redis pod"},
    {"[discovery]\nadopt = redis-cluster-server-3\n",
     "settings.ini:2: [discovery] adopt: redis-cluster-server-3 has ordinal 3, but [cluster] redis-replicas is 3"},
};

START_TEST(finish_errors) {
    settings_init(&S);
    ck_assert_msg(ini(bad_finish[_i].text) == 0, "%s", E.msg);
    ck_assert_int_eq(finish(), EX_CONFIG);
    ck_assert_str_eq(E.msg, bad_finish[_i].msg);
}
END_TEST

/* [discovery] adopt: a pod name becomes the ordinal the decision uses. */
static const struct { const char *text; int ordinal; } adopts[] = {
    {"", -1},
    {"[discovery]\nadopt = redis-cluster-server-0\n", 0},
    {"[discovery]\nadopt = redis-cluster-server-2\n", 2},
    {"[cluster]\nredis-replicas = 5\n[discovery]\nadopt = old-redis-node-4\n", 4},
};

START_TEST(adopt_ordinal) {
    settings_init(&S);
    ck_assert_msg(ini(adopts[_i].text) == 0, "%s", E.msg);
    ck_assert_msg(finish() == 0, "%s", E.msg);
    ck_assert_int_eq(S.adopt_ordinal, adopts[_i].ordinal);
}
END_TEST

/* The flavour names the programs `run` executes, unless [paths] sets them. */
static const struct { const char *text; const char *server, *sentinel; } programs[] = {
    {"", "redis-server", "redis-sentinel"},
    {"[server]\nflavour = redis\n", "redis-server", "redis-sentinel"},
    {"[server]\nflavour = valkey\n", "valkey-server", "valkey-sentinel"},
    {"[server]\nflavour = valkey\n[paths]\nredis-server = /opt/vk/bin/valkey-server\n",
     "/opt/vk/bin/valkey-server", "valkey-sentinel"},
    {"[paths]\nredis-sentinel = /usr/local/bin/redis-sentinel\n", "redis-server", "/usr/local/bin/redis-sentinel"},
    {"[server]\nflavour = valkey\n[paths]\nredis-server =\nredis-sentinel = redis-sentinel\n",
     "valkey-server", "redis-sentinel"},
};

START_TEST(flavour_programs) {
    settings_init(&S);
    ck_assert_msg(ini(programs[_i].text) == 0, "%s", E.msg);
    ck_assert_int_eq(finish(), 0);
    ck_assert_str_eq(S.redis_server_bin, programs[_i].server);
    ck_assert_str_eq(S.redis_sentinel_bin, programs[_i].sentinel);
    ck_assert_str_eq(get("paths", "redis-server"), programs[_i].server);
    ck_assert_int_eq(finish(), 0);  /* idempotent */
    ck_assert_str_eq(S.redis_sentinel_bin, programs[_i].sentinel);
}
END_TEST

START_TEST(finish_identity) {
    settings_init(&S);
    ck_assert_int_eq(finish(), 0);
    ck_assert_str_eq(S.namespace_, "default");
    char host[256] = "";
    gethostname(host, sizeof host);
    ck_assert_str_eq(S.pod_name, host);
    settings_init(&S);
    ck_assert_int_eq(env("POD_NAMESPACE=redis-services", "POD_NAME=redis-cluster-sentinel-2"), 0);
    ck_assert_int_eq(finish(), 0);
    ck_assert_str_eq(S.namespace_, "redis-services");
    ck_assert_int_eq(S.ordinal, 2);
}
END_TEST

static const struct { const char *pod; int ordinal; } ordinals[] = {
    {"redis-cluster-server-0", 0}, {"redis-12", 12}, {"r-2-3", 3}, {"redis", -1}, {"redis-x1", -1},
    {"redis-1x", -1}, {"redis-007", -1}, {"redis-0.redis.ns.svc.cluster.local", 0},
    {"redis.x-1", -1}, {"redis-123456789", 123456789}, {"redis-1234567890", -1}, {"a-b", -1},
};

START_TEST(ordinal_derivation) {
    settings_init(&S);
    char arg[128];
    snprintf(arg, sizeof arg, "cluster.pod-name=%s", ordinals[_i].pod);
    ck_assert_msg(flag(arg) == 0, "%s", E.msg);
    ck_assert_int_eq(finish(), 0);
    ck_assert_int_eq(S.ordinal, ordinals[_i].ordinal);
}
END_TEST

/* ---- host names ---- */

static const struct { const char *pattern, *ns, *service; int i; const char *want; } hosts[] = {
    {NULL, "redis-services", "redis-cluster-server", 2,
     "redis-cluster-server-2.redis-cluster-server.redis-services.svc.cluster.local"},
    {NULL, "", "redis-cluster-sentinel", 0, "redis-cluster-sentinel-0.redis-cluster-sentinel.default.svc.cluster.local"},
    {"{service}-{i}", "x", "redis", 0, "redis-0"},
    {"{service}-{i}", "x", "sentinel", 2, "sentinel-2"},
    {"node{i}.{domain}", "x", "redis", 11, "node11.cluster.local"},
};

START_TEST(host_expansion) {
    settings_init(&S);
    if (hosts[_i].pattern) ck_assert_int_eq(settings_set(&S, ORIGIN_FLAG, "t", "cluster", "host-pattern", hosts[_i].pattern, &E), 0);
    ck_assert_int_eq(settings_set(&S, ORIGIN_FLAG, "t", "cluster", "namespace", hosts[_i].ns, &E), 0);
    ck_assert_msg(finish() == 0, "%s", E.msg);
    char out[SET_HOST_MAX];
    ck_assert_msg(settings_host(&S, hosts[_i].service, hosts[_i].i, out, sizeof out, &E) == 0, "%s", E.msg);
    ck_assert_str_eq(out, hosts[_i].want);
}
END_TEST

START_TEST(host_errors) {
    settings_init(&S);
    ck_assert_int_eq(finish(), 0);
    char small[8];
    ck_assert_int_eq(settings_host(&S, "redis", 0, small, sizeof small, &E), EX_CONFIG);
    ck_assert_ptr_nonnull(strstr(E.msg, "of redis: too long"));
    char out[SET_HOST_MAX];
    ck_assert_int_eq(settings_host(&S, "bad_service!", 0, out, sizeof out, &E), EX_CONFIG);
    ck_assert_int_eq(settings_host(&S, "redis", -1, out, sizeof out, &E), EX_CONFIG);
}
END_TEST

static Suite *make_suite(void) {
    Suite *su = suite_create("settings");
    TCase *tc = tcase_create("core");
#define LOOP(t, arr) tcase_add_loop_test(tc, t, 0, (int)(sizeof arr / sizeof arr[0]))
    tcase_add_test(tc, defaults);
    LOOP(precedence_scalar, prec);
    tcase_add_test(tc, prefixed_env_beats_alias);
    tcase_add_test(tc, precedence_lists);
    LOOP(bad_ini_input, bad_ini);
    tcase_add_test(tc, acl_rules_checked);
    tcase_add_test(tc, long_lines);
    tcase_add_test(tc, ini_syntax_ok);
    tcase_add_test(tc, ini_files);
    tcase_add_test(tc, example_file);
    LOOP(env_input, env_cases);
    LOOP(flag_input, flag_cases);
    LOOP(finish_errors, bad_finish);
    LOOP(adopt_ordinal, adopts);
    LOOP(flavour_programs, programs);
    tcase_add_test(tc, finish_identity);
    LOOP(ordinal_derivation, ordinals);
    LOOP(host_expansion, hosts);
    tcase_add_test(tc, host_errors);
    suite_add_tcase(su, tc);
    return su;
}

CHECK_MAIN(make_suite)
