# shellcheck shell=bash
# e2e/lib/secrets.sh: the run's secrets and settings.
# Part of test/e2e/lib.sh, which sources it.

# Passwords deliberately contain the characters that broke other tools'
# quoting (% / \ & # $ " ' space): a quoting bug fails the tests. They are
# generated and written through the environment of jq, never argv.
e2e_rand() { od -An -N6 -tx1 /dev/urandom | tr -d ' \n'; }
e2e_write_secrets() {
    local f="$E2E_RUN_DIR/secrets.json" nasty="%/\\&#\$\"' x"
    # E2E_PLAIN_SECRETS=1: alphanumeric passwords, to tell a quoting bug
    # from anything else.
    [[ ${E2E_PLAIN_SECRETS:-0} != 1 ]] || nasty=""
    (
        umask 077
        REPLICA_PASSWORD="rep-$(e2e_rand)$nasty" \
            SENTINEL_PASSWORD="sen-$(e2e_rand)${nasty:+\$HOME&#}" \
            SENTINEL_SYNC_PASSWORD="sync-$(e2e_rand)${nasty:+\\n\"}" \
            ADMIN_PASSWORD="adm-$(e2e_rand)${nasty:+%s#\$\'\"\\}" \
            SERVICE_PASSWORD="svc-$(e2e_rand)${nasty:+&/}" \
            WEBDIS_PASSWORD="web-$(e2e_rand)$nasty" \
            EXPORTER_PASSWORD="$(! metrics_on || printf 'exp-%s%s' "$(e2e_rand)" "${nasty:+\"\\}")" \
            jq -n '{data: {
                REPLICA_USERNAME: "replica-user", REPLICA_PASSWORD: env.REPLICA_PASSWORD,
                SENTINEL_USERNAME: "sentinel-user", SENTINEL_PASSWORD: env.SENTINEL_PASSWORD,
                SENTINEL_SYNC_USERNAME: "sentinel-sync", SENTINEL_SYNC_PASSWORD: env.SENTINEL_SYNC_PASSWORD,
                ADMIN_USERNAME: "admin", ADMIN_PASSWORD: env.ADMIN_PASSWORD,
                SERVICE_USERNAME: "api-service", SERVICE_PASSWORD: env.SERVICE_PASSWORD,
                WEBDIS_USERNAME: "webdis-http", WEBDIS_PASSWORD: env.WEBDIS_PASSWORD}}
            # E2E_METRICS=on: the exporter user (lib/metrics.sh).
            * if env.EXPORTER_PASSWORD != "" then {data: {EXPORTER_PASSWORD: env.EXPORTER_PASSWORD}} else {} end' >"$f"
    )
    chmod 0600 "$f"
    e2e_load_admin
}

# The admin credentials, in shell variables only (never exported: pods get a
# clean environment, redis-cli gets REDISCLI_AUTH for its one command).
e2e_load_admin() {
    E2E_ADMIN_USER=$(jq -r .data.ADMIN_USERNAME "$E2E_RUN_DIR/secrets.json")
    E2E_ADMIN_PASS=$(jq -r .data.ADMIN_PASSWORD "$E2E_RUN_DIR/secrets.json")
}

# Short timeouts keep the suite fast: failover in ~2-5 s, a decision that
# cannot be made gives up after 30 s. The master starts a replica's full
# sync at once (repl-diskless-sync-delay 0, E2E_DISKLESS_DELAY): Redis's
# default waits 5 s for more replicas, which a test's one rejoining replica
# never brings. Nothing asserted depends on that wait, and without it an
# empty master wipes a replica at once, never 5 s later, so a data-loss bug
# shows sooner. The compose and kubelet suites run Redis's default.
e2e_write_settings() {
    cat >"$E2E_RUN_DIR/settings.ini" <<EOF
; written by test/e2e/lib.sh for run $E2E_RUN_ID ($E2E_SERVER)
[server]
flavour = $RI_SERVER_FLAVOUR

[paths]
redis-server = $E2E_RUN_DIR/sbin/$RI_SERVER_PROG
redis-sentinel = $E2E_RUN_DIR/sbin/$RI_SENTINEL_PROG

[cluster]
namespace = $E2E_K8S_NS
domain = $E2E_DOMAIN
redis-service = $E2E_REDIS_SVC
sentinel-service = $E2E_SENTINEL_SVC
redis-replicas = $E2E_REDIS_N
sentinel-replicas = $E2E_SENTINEL_N
redis-port = $E2E_REDIS_PORT
sentinel-port = $E2E_SENTINEL_PORT
master-name = $E2E_MASTER_NAME

[discovery]
probe-timeout = ${E2E_PROBE_TIMEOUT:-500}
deadline = ${E2E_DEADLINE:-30000}
round-interval = ${E2E_ROUND_INTERVAL:-500}

[redis]
directive = repl-diskless-sync-delay ${E2E_DISKLESS_DELAY:-0}

[sentinel]
down-after = ${E2E_DOWN_AFTER:-2000}
failover-timeout = ${E2E_FAILOVER_TIMEOUT:-10000}
EOF
    metrics_settings >>"$E2E_RUN_DIR/settings.ini"
    # E2E_SENTINEL_DEFAULT_USER=discovery: the sentinels' default user open
    # for lookups (docs/connecting.md), for clients that cannot log in there.
    [[ -z ${E2E_SENTINEL_DEFAULT_USER:-} ]] ||
        printf '\n[acl]\nsentinel-default-user = %s\n' "$E2E_SENTINEL_DEFAULT_USER" >>"$E2E_RUN_DIR/settings.ini"
    # E2E_CREDS_GRACE: [credentials] grace (ms), how long the old passwords
    # stay once every member uses the new ones (test_credentials.sh).
    [[ -z ${E2E_CREDS_GRACE:-} ]] ||
        printf '\n[credentials]\ngrace = %s\n' "$E2E_CREDS_GRACE" >>"$E2E_RUN_DIR/settings.ini"
    [[ ${E2E_TLS:-off} == on ]] || return 0
    e2e_write_tls
    # Each pod reads its own certificate: REDIS_INIT_TLS_DIR (pod_env).
    printf '\n[tls]\nmode = on\nauth-clients = yes\n' >>"$E2E_RUN_DIR/settings.ini"
}

# E2E_TLS=on (docs/tls.md): a development CA and a certificate per pod
# from tools/tls-certs.sh, named as host-pattern names the pods; the client
# pod app-0 gets one too (client certificates are required). Each pod's
# folder $E2E_RUN_DIR/tls/<pod>/ has a Kubernetes Secret volume's layout:
# the files link to ..data/, a link to the current version, swapped
# atomically on an update (e2e_tls_renew).
e2e_write_tls() {
    local t=$E2E_RUN_DIR/tls
    "$E2E_REPO_DIR/tools/tls-certs.sh" ca "$t/ca" "redis-init e2e CA $E2E_RUN_ID"
    e2e_tls_renew v1
    "$E2E_REPO_DIR/tools/tls-certs.sh" cert "$t/ca" "$t/app-0" app-0
}

# e2e_tls_renew VERSION [CA_DIR [BUNDLE]]: a new certificate for every
# redis and sentinel pod, the router and Webdis (a new key too), issued by
# CA_DIR (default the first CA), with BUNDLE as their ca.crt when given
# (a CA rollover), published as kubelet does: written beside the current
# one, then the ..data link swapped in one rename.
e2e_tls_renew() {
    local t=$E2E_RUN_DIR/tls v=..$1 ca=${2:-$E2E_RUN_DIR/tls/ca} bundle=${3:-} d p
    NAMESPACE=$E2E_K8S_NS DOMAIN=$E2E_DOMAIN REDIS_SERVICE=$E2E_REDIS_SVC \
        SENTINEL_SERVICE=$E2E_SENTINEL_SVC REDIS_REPLICAS=$E2E_REDIS_N \
        SENTINEL_REPLICAS=$E2E_SENTINEL_N "$E2E_REPO_DIR/tools/tls-certs.sh" cluster "$ca" "$t/gen"
    # Webdis's: a client's (its name is no one's to verify).
    "$E2E_REPO_DIR/tools/tls-certs.sh" cert "$ca" "$t/gen/$(webdis_pod)" "$(webdis_pod)" >/dev/null
    for d in "$t"/gen/*/; do
        p=$(basename "$d")
        [[ $p != router ]] || p=$(router_pod)
        [[ -z $bundle ]] || cp "$bundle" "$d/ca.crt"
        e2e_tls_publish "$p" "$v" "$d"
    done
    rm -rf "$t/gen"
}

# e2e_tls_publish POD VERSION DIR: DIR's files become POD's version VERSION:
# moved beside the current one, then ..data swapped in one rename.
e2e_tls_publish() {
    local t=$E2E_RUN_DIR/tls p=$1 v=$2 d=$3 f
    mkdir -p "$t/$p"
    mv "$d" "$t/$p/$v"
    ln -sfn "$v" "$t/$p/..data.tmp" && mv -T "$t/$p/..data.tmp" "$t/$p/..data"
    for f in tls.crt tls.key ca.crt; do [[ -L $t/$p/$f ]] || ln -s "..data/$f" "$t/$p/$f"; done
}

# e2e_tls_set_ca VERSION BUNDLE: every pod that has a Secret layout keeps
# its certificate and key and gets BUNDLE as its ca.crt, as a new version
# (a CA rollover's first and last steps); app-0's ca.crt too.
e2e_tls_set_ca() {
    local t=$E2E_RUN_DIR/tls v=..$1 bundle=$2 p s
    for s in "$t"/*/..data; do
        p=$(basename "$(dirname "$s")")
        mkdir -p "$t/gen/$p"
        cp "$t/$p/tls.crt" "$t/$p/tls.key" "$t/gen/$p/"
        cp "$bundle" "$t/gen/$p/ca.crt"
        e2e_tls_publish "$p" "$v" "$t/gen/$p"
    done
    rm -rf "$t/gen"
    cp "$bundle" "$t/app-0/ca.crt.new" && mv "$t/app-0/ca.crt.new" "$t/app-0/ca.crt"
}

# e2e_tls_dir POD: the pod's certificate folder ("" without E2E_TLS).
e2e_tls_dir() { [[ ${E2E_TLS:-off} != on ]] || printf '%s' "$E2E_RUN_DIR/tls/$1"; }
