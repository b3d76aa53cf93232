# shellcheck shell=bash
# lib.sh: a multi-host Redis/Sentinel "cluster" on one machine, for e2e tests.
#
# Every pod is a network namespace; all of a run's traffic stays inside
# namespaces this file creates:
#
#   ri-<id>-net              bridge br<id> (10.231.0.1/24) + dnsmasq on it
#   ri-<id>-<pod name>       eth0 (veth into the bridge), one 10.231.0.x/24
#                            address, lo; NO default route, so nothing can
#                            leave the subnet even by mistake.
#
# dnsmasq is authoritative for cluster.local (--local, --no-resolv,
# --no-hosts, no cache) and serves the pods' headless-service names from an
# addn-hosts file that is rewritten and SIGHUP'd on every pod change: a
# deleted pod's name is NXDOMAIN at once, a re-created pod gets a new IP.
# `ip netns exec` bind-mounts /etc/netns/<ns>/{resolv.conf,hosts} over /etc,
# so pods resolve through dnsmasq only and never see the host's /etc/hosts.
#
# Pods run a tiny "container runtime" (container.sh) that restarts the
# command when it exits, like restartPolicy: Always. Pod dirs mimic volumes:
# conf/ is an emptyDir (wiped when the pod is deleted), data/ is a PVC (kept
# unless pod_delete --wipe-data).
#
# Usage: source this file, call cluster_create (installs the cleanup trap),
# then pod_create / start_redis_pod / ... Everything is torn down on exit,
# Ctrl-C or TERM. State lives in $E2E_RUN_DIR so another process (cluster.sh
# down/status) can reattach with cluster_attach.

E2E_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_REPO_DIR=$(cd "$E2E_LIB_DIR/../.." && pwd)
# The server the pods run: E2E_SERVER=redis7 (default) | redis8 | valkey8
# (test/servers.sh: Redis 8.0 and Valkey 8.1 come from a trixie root).
# shellcheck source=test/servers.sh
source "$E2E_LIB_DIR/../servers.sh"

# Cluster shape and names, as the binaries see them (settings INI [cluster]).
E2E_K8S_NS=${E2E_K8S_NS:-redis-e2e}
E2E_DOMAIN=${E2E_DOMAIN:-cluster.local}
E2E_REDIS_SVC=${E2E_REDIS_SVC:-redis-cluster-server}
E2E_SENTINEL_SVC=${E2E_SENTINEL_SVC:-redis-cluster-sentinel}
E2E_REDIS_N=${E2E_REDIS_N:-3}
E2E_SENTINEL_N=${E2E_SENTINEL_N:-3}
E2E_REDIS_PORT=${E2E_REDIS_PORT:-6379}
E2E_SENTINEL_PORT=${E2E_SENTINEL_PORT:-26379}
E2E_MASTER_NAME=${E2E_MASTER_NAME:-mymaster}
# Private subnet; it exists only inside this run's namespaces, so two runs
# can use the same one without colliding.
E2E_SUBNET=${E2E_SUBNET:-10.231.0}
E2E_GW="$E2E_SUBNET.1"
E2E_POD_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

e2e_log() { printf '[e2e %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { printf '[e2e] FATAL: %s\n' "$*" >&2; exit 1; }
fail() { printf '[e2e] ASSERTION FAILED: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- waiting

# wait_until SECONDS DESCRIPTION CMD...: poll CMD (every 0.25 s) until it
# succeeds; bounded, so a hung cluster fails the test instead of hanging it.
wait_until() {
    local limit=$1 what=$2; shift 2
    local end=$((SECONDS + limit))
    while :; do
        if "$@" >/dev/null 2>&1; then return 0; fi
        if ((SECONDS >= end)); then
            e2e_log "timeout after ${limit}s waiting for: $what"
            return 1
        fi
        sleep 0.25
    done
}

# ---------------------------------------------------------------- names

e2e_netns_of() { printf 'ri-%s-%s' "$E2E_RUN_ID" "$1"; }
e2e_pod_dir() { printf '%s/pods/%s' "$E2E_RUN_DIR" "$1"; }
redis_pod() { printf '%s-%s' "$E2E_REDIS_SVC" "$1"; }
sentinel_pod() { printf '%s-%s' "$E2E_SENTINEL_SVC" "$1"; }

# pod_service NAME: the headless service a pod belongs to (its name minus -N).
pod_service() { printf '%s' "${1%-*}"; }

# pod_fqdn NAME: the pod's DNS name, as a StatefulSet behind a headless
# service gets it.
pod_fqdn() {
    printf '%s.%s.%s.svc.%s' "$1" "$(pod_service "$1")" "$E2E_K8S_NS" "$E2E_DOMAIN"
}

pod_is_sentinel() { [[ $(pod_service "$1") == "$E2E_SENTINEL_SVC" ]]; }

pod_port() {
    if pod_is_sentinel "$1"; then echo "$E2E_SENTINEL_PORT"; else echo "$E2E_REDIS_PORT"; fi
}

pod_ip() { cat "$(e2e_pod_dir "$1")/ip"; }
pod_exists() { [[ -f "$(e2e_pod_dir "$1")/ip" ]]; }

# ---------------------------------------------------------------- setup

e2e_need_tools() {
    local t missing=()
    for t in ip dnsmasq redis-server redis-sentinel redis-cli jq setsid getent; do
        command -v "$t" >/dev/null 2>&1 || missing+=("$t")
    done
    ((${#missing[@]} == 0)) ||
        die "missing tools: ${missing[*]} (Debian packages: iproute2 dnsmasq-base redis-server redis-sentinel redis-tools jq util-linux)"
    ((EUID == 0)) || die "e2e needs root (network namespaces); running as uid $EUID"
}

# cluster_create: new run id, run dir ($E2E_RUN_DIR if set), network namespace with the
# bridge and dnsmasq, secrets and settings. Installs the cleanup trap unless
# E2E_NO_TRAP=1.
cluster_create() {
    e2e_need_tools
    ri_server_ready || die "server $E2E_SERVER is not available"
    E2E_RUN_ID=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
    E2E_RUN_DIR=${E2E_RUN_DIR:-/tmp/ri-e2e-$E2E_RUN_ID}
    # A trixie server sees the host's /tmp only (test/server-exec.sh).
    [[ -z $RI_SERVER_ROOT || $E2E_RUN_DIR == /tmp/* ]] ||
        die "E2E_SERVER=$E2E_SERVER needs E2E_RUN_DIR under /tmp (got $E2E_RUN_DIR)"
    E2E_NETNS=$(e2e_netns_of net)
    E2E_BRIDGE="br$E2E_RUN_ID"
    if [[ ${E2E_NO_TRAP:-0} != 1 ]]; then
        # EXIT covers errors and normal ends; INT/TERM become exits so the
        # EXIT trap runs exactly once.
        trap teardown EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
    fi
    mkdir -p "$E2E_RUN_DIR/pods" "$E2E_RUN_DIR/dns"
    chmod 0700 "$E2E_RUN_DIR"
    e2e_save_state

    if ! ip netns add "$E2E_NETNS" 2>"$E2E_RUN_DIR/netns.err"; then
        cat "$E2E_RUN_DIR/netns.err" >&2
        die "cannot create a network namespace ('ip netns add' failed). The e2e tests need root with CAP_SYS_ADMIN and CAP_NET_ADMIN (a privileged container or a VM); they are NOT skipped."
    fi
    e2e_write_netns_etc "$E2E_NETNS"
    ip -n "$E2E_NETNS" link set lo up
    # A fixed MAC: by default a bridge takes the lowest MAC of its ports, so
    # deleting a pod could change the gateway's MAC under the other pods'
    # ARP caches and black-hole their DNS queries for seconds.
    ip -n "$E2E_NETNS" link add "$E2E_BRIDGE" address 02:00:0a:e7:00:01 type bridge
    ip -n "$E2E_NETNS" addr add "$E2E_GW/24" dev "$E2E_BRIDGE"
    ip -n "$E2E_NETNS" link set "$E2E_BRIDGE" up
    echo 10 >"$E2E_RUN_DIR/next_ip"
    echo 0 >"$E2E_RUN_DIR/next_veth"
    : >"$E2E_RUN_DIR/dns/hosts"
    e2e_start_dnsmasq
    e2e_write_secrets
    ri_server_wrappers "$E2E_RUN_DIR/sbin"
    e2e_write_settings
    e2e_log "cluster $E2E_RUN_ID created in $E2E_RUN_DIR ($E2E_SERVER)"
}

# Non-secret state, so cluster.sh down/status (another process) can reattach.
e2e_save_state() {
    {
        printf 'E2E_RUN_ID=%q\n' "$E2E_RUN_ID"
        printf 'E2E_RUN_DIR=%q\n' "$E2E_RUN_DIR"
        printf 'E2E_NETNS=%q\n' "$E2E_NETNS"
        printf 'E2E_BRIDGE=%q\n' "$E2E_BRIDGE"
        printf 'E2E_K8S_NS=%q\n' "$E2E_K8S_NS"
        printf 'RI_BIN_DIR=%q\n' "${RI_BIN_DIR:-}"
        printf 'E2E_SERVER=%q\n' "$E2E_SERVER"
    } >"$E2E_RUN_DIR/state"
}

# cluster_attach RUN_DIR: load a run's state (no trap is installed).
cluster_attach() {
    [[ -f $1/state ]] || return 1
    # shellcheck source=/dev/null
    source "$1/state"
    e2e_load_admin
}

# /etc/netns/<ns>/ is bind-mounted over /etc by `ip netns exec`: resolv.conf
# makes the pod ask our dnsmasq (search/ndots as in a Kubernetes pod), hosts
# keeps the host machine's /etc/hosts out.
e2e_write_netns_etc() {
    local d="/etc/netns/$1"
    mkdir -p "$d"
    cat >"$d/resolv.conf" <<EOF
nameserver $E2E_GW
search $E2E_K8S_NS.svc.$E2E_DOMAIN svc.$E2E_DOMAIN $E2E_DOMAIN
options ndots:5 timeout:1 attempts:2
EOF
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$d/hosts"
}

e2e_start_dnsmasq() {
    local d="$E2E_RUN_DIR/dns"
    # --conf-file=/dev/null: ignore /etc/dnsmasq.conf and dnsmasq.d.
    # --local + --no-resolv: authoritative NXDOMAIN for unknown cluster
    # names, nothing ever forwarded. Names outside the cluster domain are
    # NXDOMAIN too (--local=/#/), as a cluster DNS's upstream answers for a
    # name that exists nowhere: without it dnsmasq answers REFUSED, which
    # glibc reports as a failure (EAI_AGAIN) and musl retries until it times
    # out, so a short name's last, absolute try would never be "not found".
    # --cache-size=0 and --local-ttl=0: no one (dnsmasq or a client) keeps an
    # old answer after a pod change.
    ip netns exec "$E2E_NETNS" dnsmasq \
        --conf-file=/dev/null --keep-in-foreground --user=root --group=root \
        --pid-file="$d/dnsmasq.pid" \
        --listen-address="$E2E_GW" --bind-interfaces --port=53 \
        --no-resolv --no-hosts --no-poll --local="/$E2E_DOMAIN/" --local='/#/' \
        --domain-needed --cache-size=0 --local-ttl=0 --neg-ttl=0 \
        --addn-hosts="$d/hosts" \
        --log-queries --log-facility="$d/dnsmasq.log" \
        </dev/null >>"$d/dnsmasq.out" 2>&1 &
    wait_until 10 "dnsmasq to answer" e2e_dns_probe ||
        { cat "$d/dnsmasq.out" >&2; die "dnsmasq did not start"; }
}

# A query from inside the net namespace (its resolv.conf points at dnsmasq):
# NXDOMAIN is a valid answer, a timeout is not. getent also exits 2 when
# nothing listens yet (connection refused), so dnsmasq must have logged the
# query and written its pid file too (e2e_dns_sync signals that pid).
e2e_dns_probe() {
    local rc=0 d="$E2E_RUN_DIR/dns"
    ip netns exec "$E2E_NETNS" getent hosts "probe.$E2E_DOMAIN" >/dev/null 2>&1 || rc=$?
    ((rc == 0 || rc == 2)) && [[ -s $d/dnsmasq.pid ]] &&
        grep -qF "query[A] probe.$E2E_DOMAIN" "$d/dnsmasq.log" 2>/dev/null
}

# Rewrite the addn-hosts file from the pods that exist and make dnsmasq
# re-read it. Also publishes the headless-service names (all pods' IPs, as a
# service with publishNotReadyAddresses does).
e2e_dns_sync() {
    local d="$E2E_RUN_DIR/dns" f name ip tmp
    tmp="$d/hosts.tmp"
    : >"$tmp"
    for f in "$E2E_RUN_DIR"/pods/*/ip; do
        [[ -f $f && ! -e $(dirname "$f")/dns-held ]] || continue
        name=$(basename "$(dirname "$f")")
        ip=$(cat "$f")
        printf '%s\t%s\n' "$ip" "$(pod_fqdn "$name")" >>"$tmp"
        printf '%s\t%s.%s.svc.%s\n' "$ip" "$(pod_service "$name")" "$E2E_K8S_NS" "$E2E_DOMAIN" >>"$tmp"
    done
    mv "$tmp" "$d/hosts"
    kill -HUP "$(cat "$d/dnsmasq.pid")"
}

# dns_hold NAME / dns_release NAME: take an existing pod's records out of
# DNS (NXDOMAIN) and publish them again, as a new pod's name appears only
# seconds after the pod starts.
dns_hold() {
    touch "$(e2e_pod_dir "$1")/dns-held"
    e2e_dns_sync
    e2e_dns_wait "$(pod_fqdn "$1")" ""
}
dns_release() {
    rm -f "$(e2e_pod_dir "$1")/dns-held"
    e2e_dns_sync
    e2e_dns_wait "$(pod_fqdn "$1")" "$(pod_ip "$1")"
}

# dns_lookup POD NAME: the addresses NAME resolves to inside POD (exit 2 =
# NXDOMAIN, as getent reports it).
dns_lookup() {
    ip netns exec "$(e2e_netns_of "$1")" getent ahostsv4 "$2" | awk '{print $1}' | sort -u
}

# Wait until dnsmasq serves NAME as IP ("" = NXDOMAIN): SIGHUP is
# asynchronous, and tests must not race it.
e2e_dns_wait() {
    local name=$1 want=$2
    wait_until 5 "DNS $name -> ${want:-NXDOMAIN}" e2e_dns_is "$name" "$want" ||
        die "dnsmasq did not publish $name -> ${want:-NXDOMAIN}"
}
e2e_dns_is() {
    local got rc=0
    got=$(ip netns exec "$E2E_NETNS" getent ahostsv4 "$1" 2>/dev/null | awk 'NR==1{print $1}') || rc=$?
    if [[ -z $2 ]]; then ((rc == 2)); else [[ $got == "$2" ]]; fi
}

# ---------------------------------------------------------------- secrets

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
            jq -n '{data: {
                REPLICA_USERNAME: "replica-user", REPLICA_PASSWORD: env.REPLICA_PASSWORD,
                SENTINEL_USERNAME: "sentinel-user", SENTINEL_PASSWORD: env.SENTINEL_PASSWORD,
                SENTINEL_SYNC_USERNAME: "sentinel-sync", SENTINEL_SYNC_PASSWORD: env.SENTINEL_SYNC_PASSWORD,
                ADMIN_USERNAME: "admin", ADMIN_PASSWORD: env.ADMIN_PASSWORD,
                SERVICE_USERNAME: "api-service", SERVICE_PASSWORD: env.SERVICE_PASSWORD,
                WEBDIS_USERNAME: "webdis-http", WEBDIS_PASSWORD: env.WEBDIS_PASSWORD}}' >"$f"
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
# cannot be made gives up after 30 s.
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

[sentinel]
down-after = ${E2E_DOWN_AFTER:-2000}
failover-timeout = ${E2E_FAILOVER_TIMEOUT:-10000}
EOF
}

# ---------------------------------------------------------------- pods

# pod_create NAME: a namespace with a veth into the bridge, a fresh IP (never
# reused within a run) and a DNS record.
pod_create() {
    local name=$1 ns ip n v dir
    ns=$(e2e_netns_of "$name")
    dir=$(e2e_pod_dir "$name")
    pod_exists "$name" && die "pod $name already exists"
    n=$(cat "$E2E_RUN_DIR/next_ip")
    ((n < 255)) || die "out of pod addresses in $E2E_SUBNET.0/24"
    echo $((n + 1)) >"$E2E_RUN_DIR/next_ip"
    ip="$E2E_SUBNET.$n"
    v=$(cat "$E2E_RUN_DIR/next_veth")
    echo $((v + 1)) >"$E2E_RUN_DIR/next_veth"
    # Host-side veth name: unique per run and per pod incarnation, <= 15 chars.
    local veth="v${E2E_RUN_ID}p$v"

    mkdir -p "$dir/conf" "$dir/data"
    ip netns add "$ns" || die "ip netns add $ns failed"
    e2e_write_netns_etc "$ns"
    ip -n "$ns" link set lo up
    # Both ends are created inside the run's namespaces: nothing touches the
    # root namespace's interfaces.
    ip -n "$E2E_NETNS" link add "$veth" type veth peer name eth0 netns "$ns"
    ip -n "$E2E_NETNS" link set "$veth" master "$E2E_BRIDGE" up
    ip -n "$ns" addr add "$ip/24" dev eth0
    ip -n "$ns" link set eth0 up
    echo "$veth" >"$dir/veth"
    echo 0 >"$dir/restarts"
    touch "$dir/stopped"  # no container yet
    echo "$ip" >"$dir/ip"
    e2e_dns_sync
    e2e_dns_wait "$(pod_fqdn "$name")" "$ip"
    e2e_log "pod $name created: $ip ($ns)"
}

# pod_exec NAME CMD...: run CMD inside the pod's network namespace (with the
# pod's resolv.conf and hosts), in the caller's environment.
pod_exec() {
    local name=$1; shift
    ip netns exec "$(e2e_netns_of "$name")" "$@"
}

# pod_env NAME: the clean environment a pod's container gets.
pod_env() {
    printf '%s\n' "PATH=$E2E_POD_PATH" "HOME=$(e2e_pod_dir "$1")" \
        "POD_NAME=$1" "POD_NAMESPACE=$E2E_K8S_NS" "HOSTNAME=$1"
}

# pod_spawn NAME CMD...: start CMD as the pod's container, supervised by
# container.sh (restart on exit), in its own session so Ctrl-C in the
# caller's terminal does not reach it; teardown kills it by namespace.
pod_spawn() {
    local name=$1 dir; shift
    dir=$(e2e_pod_dir "$name")
    pod_exists "$name" || die "pod $name does not exist"
    local -a envv
    mapfile -t envv < <(pod_env "$name")
    rm -f "$dir/stopped"
    printf '\n[e2e %(%F %T)T] ==== container start: %s\n' -1 "$*" >>"$dir/log"
    setsid ip netns exec "$(e2e_netns_of "$name")" env -i "${envv[@]}" \
        bash "$E2E_LIB_DIR/container.sh" "$dir/restarts" "$@" \
        </dev/null >>"$dir/log" 2>&1 &
    echo "$!" >"$dir/container.pid"
}

ri_bin() {
    local d=${RI_BIN_DIR:-bin}
    [[ $d == /* ]] || d="$E2E_REPO_DIR/$d"
    printf '%s/%s' "$d" "$1"
}

# The common flags of both binaries for pod NAME.
ri_flags() {
    local dir
    dir=$(e2e_pod_dir "$1")
    printf '%s\n' -c "$E2E_RUN_DIR/settings.ini" -s "$E2E_RUN_DIR/secrets.json" -o "$dir/conf"
    pod_is_sentinel "$1" || printf '%s\n' -d "$dir/data"
    # A test may give one pod settings of its own: one argument per line.
    [[ ! -f $dir/extra-flags ]] || cat "$dir/extra-flags"
}

# start_redis_pod ORD / start_sentinel_pod ORD: create the pod if needed and
# run `redis-init run` / `sentinel-init run` in it.
start_redis_pod() { e2e_start_ri_pod "$(redis_pod "$1")" redis-init; }
start_sentinel_pod() { e2e_start_ri_pod "$(sentinel_pod "$1")" sentinel-init; }
e2e_start_ri_pod() {
    local name=$1 bin
    bin=$(ri_bin "$2")
    [[ -x $bin ]] || die "$bin not built (make)"
    pod_exists "$name" || pod_create "$name"
    local -a flags
    mapfile -t flags < <(ri_flags "$name")
    pod_spawn "$name" "$bin" run "${flags[@]}"
    [[ $2 != redis-init ]] || pod_spawn_prober "$name" "$bin" "${flags[@]}"
}

# pod_spawn_prober NAME BIN FLAGS...: the kubelet's readiness probe of a
# redis pod, `check --readiness` every E2E_PROBE_PERIOD seconds (default 1),
# which also refreshes the pod's history record (docs/decision.md). It dies
# with the pod (stop_pod kills by namespace), as probes stop with a pod.
pod_spawn_prober() {
    local name=$1 dir; shift
    dir=$(e2e_pod_dir "$name")
    local -a envv
    mapfile -t envv < <(pod_env "$name")
    setsid ip netns exec "$(e2e_netns_of "$name")" env -i "${envv[@]}" \
        bash -c 'period=$1; shift; while sleep "$period"; do "$@" >/dev/null 2>&1; done' \
        prober "${E2E_PROBE_PERIOD:-1}" "$1" check --readiness "${@:2}" \
        </dev/null >>"$dir/log" 2>&1 &
}

# pod_ri NAME COMMAND [ARGS]: redis-init / sentinel-init COMMAND as the pod's
# container would run it (identity, volumes, clean environment), e.g. from a
# probe or a preStop hook; its exit code passes through.
pod_ri() {
    local name=$1 cmd=$2 bin; shift 2
    if pod_is_sentinel "$name"; then bin=$(ri_bin sentinel-init); else bin=$(ri_bin redis-init); fi
    local -a flags envv
    mapfile -t flags < <(ri_flags "$name")
    mapfile -t envv < <(pod_env "$name")
    pod_exec "$name" env -i "${envv[@]}" "$bin" "$cmd" "${flags[@]}" "$@"
}

# pod_discover NAME [ARGS]: `discover --json` as that pod would run it;
# prints the JSON (exit code of discover).
pod_discover() { local name=$1; shift; pod_ri "$name" discover --json "$@"; }

# check_rc POD [ARGS]: run `check` in POD like the kubelet would; prints its
# exit code. Its stderr line goes to E2E_RUN_DIR/check.err and, like a
# probe's output, into the pod's log (so secret-leak checks see it).
check_rc() {
    local pod=$1 rc=0; shift
    pod_ri "$pod" check "$@" >/dev/null 2>"$E2E_RUN_DIR/check.err" || rc=$?
    cat "$E2E_RUN_DIR/check.err" >>"$(e2e_pod_dir "$pod")/log"
    echo "$rc"
}

# assert_check POD WANT_RC [ARGS]: check exits WANT_RC (and, when not 0,
# says why in one stderr line).
assert_check() {
    local pod=$1 want=$2 got; shift 2
    got=$(check_rc "$pod" "$@")
    [[ $got == "$want" ]] || fail "check $* on $pod exited $got, want $want: $(cat "$E2E_RUN_DIR/check.err")"
    if [[ $want != 0 ]]; then
        [[ $(wc -l <"$E2E_RUN_DIR/check.err") == 1 ]] || fail "check $* on $pod: not one stderr line: $(cat "$E2E_RUN_DIR/check.err")"
    fi
}

# check_says POD WANT_RC RULE [ARGS]: check exits WANT_RC by rule RULE (-v:
# a pass logs its rule too). For wait_until.
check_says() {
    local pod=$1 want=$2 rule=$3; shift 3
    [[ $(check_rc "$pod" -v "$@") == "$want" ]] && grep -Eq "rule[ =]$rule([^0-9]|$)" "$E2E_RUN_DIR/check.err"
}

# e2e_kill_netns GRACE NS...: SIGTERM every process in the namespaces,
# SIGKILL what is left after GRACE seconds. Lists again until they are
# empty: a supervisor may have forked in between.
e2e_kill_netns() {
    local grace=$1 end pids; shift
    end=$((SECONDS + grace))
    pids=$(e2e_netns_pids "$@")
    [[ -n $pids ]] || return 0
    # shellcheck disable=SC2086 # word splitting of the pid list is intended
    kill -TERM $pids 2>/dev/null || true
    while :; do
        pids=$(e2e_netns_pids "$@")
        [[ -n $pids ]] || return 0
        if ((SECONDS >= end)); then
            # shellcheck disable=SC2086
            kill -KILL $pids 2>/dev/null || true
        fi
        sleep 0.1
        ((SECONDS < end + 10)) || { e2e_log "processes in $* survive SIGKILL: $pids"; return 1; }
    done
}
e2e_netns_pids() {
    local ns
    for ns in "$@"; do ip netns pids "$ns" 2>/dev/null; done | tr '\n' ' ' | sed 's/ *$//'
}

# stop_pod NAME [GRACE]: stop the pod's processes (SIGTERM, then SIGKILL
# after GRACE seconds, default 10), keep its network and DNS record.
stop_pod() {
    local name=$1 grace=${2:-10}
    e2e_kill_netns "$grace" "$(e2e_netns_of "$name")"
    touch "$(e2e_pod_dir "$name")/stopped"
    printf '[e2e %(%F %T)T] ==== pod stopped\n' -1 >>"$(e2e_pod_dir "$name")/log"
    e2e_log "pod $name stopped"
}

# power_loss: every redis and sentinel pod loses power at the same instant:
# SIGKILL to all their processes at once (no shutdown, no final save);
# networks, DNS records and volumes stay.
power_loss() {
    local -a pods nss
    mapfile -t pods < <(running_redis_pods; running_sentinel_pods)
    local p
    for p in "${pods[@]}"; do nss+=("$(e2e_netns_of "$p")"); done
    local pids end=$((SECONDS + 10))
    # Again until none is left: a loop may fork between listing and kill.
    while pids=$(e2e_netns_pids "${nss[@]}"); [[ -n $pids ]]; do
        ((SECONDS < end)) || die "processes survived the power loss: $pids"
        # shellcheck disable=SC2086 # word splitting of the pid list is intended
        kill -KILL $pids 2>/dev/null || true
        sleep 0.1
    done
    for p in "${pods[@]}"; do
        touch "$(e2e_pod_dir "$p")/stopped"
        printf '[e2e %(%F %T)T] ==== power loss\n' -1 >>"$(e2e_pod_dir "$p")/log"
    done
    e2e_log "power loss: ${pods[*]}"
}

# kill_pod NAME: crash it (SIGKILL at once), like a node failure.
kill_pod() { stop_pod "$1" 0; }

# pod_delete NAME [--wipe-data] [--kill]: stop the processes, remove the DNS
# record (NXDOMAIN from now on), delete the namespace (and with it the veth).
# conf/ (emptyDir) is wiped; data/ (PVC) is kept unless --wipe-data.
pod_delete() {
    local name=$1 wipe=0 grace=10 dir ns; shift
    while (($#)); do
        case $1 in
            --wipe-data) wipe=1 ;;
            --kill) grace=0 ;;
            *) die "pod_delete: unknown option $1" ;;
        esac
        shift
    done
    dir=$(e2e_pod_dir "$name")
    ns=$(e2e_netns_of "$name")
    pod_exists "$name" || die "pod $name does not exist"
    e2e_kill_netns "$grace" "$ns"
    rm -f "$dir/ip"
    e2e_dns_sync
    e2e_dns_wait "$(pod_fqdn "$name")" ""
    ip netns del "$ns"
    rm -rf "/etc/netns/$ns" "${dir:?}/conf"
    mkdir -p "$dir/conf"
    ((wipe == 0)) || { rm -rf "${dir:?}/data"; mkdir -p "$dir/data"; }
    printf '[e2e %(%F %T)T] ==== pod deleted%s\n' -1 "$( ((wipe)) && echo ' (data wiped)')" >>"$dir/log"
    e2e_log "pod $name deleted"
}

# pod_recreate_new_ip NAME [pod_delete options]: delete and create again; the
# new incarnation always gets a different address.
pod_recreate_new_ip() {
    local name=$1 old; shift
    old=$(pod_ip "$name")
    pod_delete "$name" "$@"
    pod_create "$name"
    [[ $(pod_ip "$name") != "$old" ]] || die "pod $name got its old IP back"
}

# pod_partition NAME PEER...: cut NAME off from the PEER pods (both ways,
# nftables inside NAME's namespace), leaving it reachable by everyone else;
# pod_heal NAME undoes it.
pod_partition() {
    local name=$1 p ips=() set; shift
    command -v nft >/dev/null 2>&1 || die "nft is missing (Debian package nftables)"
    for p in "$@"; do ips+=("$(pod_ip "$p")"); done
    set=$(IFS=,; printf '%s' "${ips[*]}")
    ip netns exec "$(e2e_netns_of "$name")" nft -f - <<EOF
table inet e2e_partition {
    chain in { type filter hook input priority 0; ip saddr { $set } drop; }
    chain out { type filter hook output priority 0; ip daddr { $set } drop; }
}
EOF
    e2e_log "pod $name partitioned from: $*"
}
pod_heal() {
    ip netns exec "$(e2e_netns_of "$1")" nft delete table inet e2e_partition
    e2e_log "pod $1 healed"
}

# pod_restarts NAME: how often the pod's container exited and was restarted.
pod_restarts() { cat "$(e2e_pod_dir "$1")/restarts"; }

# ---------------------------------------------------------------- redis-cli

# rcli POD ARGS...: redis-cli inside POD's namespace against its own server
# (redis or sentinel port) as the admin user. The password travels in
# REDISCLI_AUTH for this one command, never on argv. Extra redis-cli options
# (-h HOST) may come first in ARGS.
rcli() {
    local name=$1; shift
    REDISCLI_AUTH="$E2E_ADMIN_PASS" ip netns exec "$(e2e_netns_of "$name")" \
        timeout 5 redis-cli --user "$E2E_ADMIN_USER" -h 127.0.0.1 -p "$(pod_port "$name")" "$@"
}

# info_field POD SECTION FIELD: one field of INFO SECTION ("" if absent).
info_field() {
    rcli "$1" INFO "$2" 2>/dev/null | tr -d '\r' | awk -F: -v k="$3" '$1 == k {print $2; exit}'
}

redis_role() { info_field "$1" replication role; }

# sentinel_master_addr SPOD: "host port" the sentinel names for the group.
sentinel_master_addr() {
    rcli "$1" SENTINEL get-master-addr-by-name "$E2E_MASTER_NAME" 2>/dev/null | tr -d '\r' | paste -sd' '
}

# sentinel_master_field SPOD FIELD: a field of SENTINEL MASTER <group>.
sentinel_master_field() {
    rcli "$1" SENTINEL master "$E2E_MASTER_NAME" 2>/dev/null | tr -d '\r' |
        awk -v k="$2" 'NR % 2 == 1 && $0 == k {getline; print; exit}'
}

# pod_of_fqdn HOST: the pod name of a host name we published ("" if none).
pod_of_fqdn() {
    local h=${1%.} suffix
    for suffix in "$E2E_REDIS_SVC" "$E2E_SENTINEL_SVC"; do
        suffix=".$suffix.$E2E_K8S_NS.svc.$E2E_DOMAIN"
        if [[ $h == *"$suffix" ]]; then printf '%s' "${h%"$suffix"}"; return 0; fi
    done
    return 1
}

# ---------------------------------------------------------------- applications

# sentinel_addrs: "fqdn:port,..." of every sentinel, as an application's
# configuration names them.
sentinel_addrs() {
    local i out=()
    for ((i = 0; i < E2E_SENTINEL_N; i++)); do out+=("$(pod_fqdn "$(sentinel_pod "$i")"):$E2E_SENTINEL_PORT"); done
    (IFS=,; printf '%s' "${out[*]}")
}

# e2e_need_clients: the real client libraries of test/clients (Debian's
# python3-redis, npm's ioredis via `npm ci` from the committed lock file).
E2E_CLIENTS_DIR="$E2E_REPO_DIR/test/clients"
e2e_need_clients() {
    /usr/bin/python3 -c 'import redis' 2>/dev/null ||
        die "python3-redis is missing (Debian package python3-redis; tools/install-deps.sh installs it)"
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
        die "node and npm are needed for the ioredis client tests (Debian: nodejs npm)"
    if [[ ! -f $E2E_CLIENTS_DIR/node_modules/ioredis/package.json ]]; then
        (cd "$E2E_CLIENTS_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2) ||
            die "npm ci in test/clients failed"
    fi
}

# app_exec POD CMD...: run an application command inside POD with the
# secrets file it reads (like a mounted Secret) named in RI_SECRETS, for
# this process only; nothing secret on its argv.
app_exec() {
    local name=$1; shift
    RI_SECRETS="$E2E_RUN_DIR/secrets.json" pod_exec "$name" "$@"
}

# svc_cli POD HOST PORT ARGS...: redis-cli inside POD against HOST:PORT as
# the service user (what an application uses); the password travels in
# REDISCLI_AUTH for this one command, never on argv.
svc_cli() {
    local pod=$1 host=$2 port=$3 user pass; shift 3
    user=$(jq -r .data.SERVICE_USERNAME "$E2E_RUN_DIR/secrets.json")
    pass=$(jq -r .data.SERVICE_PASSWORD "$E2E_RUN_DIR/secrets.json")
    REDISCLI_AUTH="$pass" ip netns exec "$(e2e_netns_of "$pod")" \
        timeout 5 redis-cli --no-auth-warning --user "$user" -h "$host" -p "$port" "$@"
}

# The master router (HAProxy rendered by `redis-init router`) as a pod of
# the router service; applications reach it by its service name.
E2E_ROUTER_SVC=${E2E_ROUTER_SVC:-redis-cluster-router}
router_pod() { printf '%s-0' "$E2E_ROUTER_SVC"; }
router_host() { printf '%s.%s.svc.%s' "$E2E_ROUTER_SVC" "$E2E_K8S_NS" "$E2E_DOMAIN"; }

# start_router_pod: render haproxy.cfg + its check in the router pod (as its
# init container would), then run haproxy in the foreground as its container.
start_router_pod() {
    local name dir
    name=$(router_pod)
    dir=$(e2e_pod_dir "$name")
    command -v haproxy >/dev/null 2>&1 || die "haproxy is missing (Debian package haproxy; tools/install-deps.sh)"
    pod_exists "$name" || pod_create "$name"
    pod_ri "$name" router >>"$dir/log" 2>&1 || die "redis-init router failed: $(tail -3 "$dir/log")"
    pod_spawn "$name" haproxy -db -f "$dir/conf/haproxy.cfg"
}

# run_id POD: the server's run_id (which process answers).
run_id() { info_field "$1" server run_id; }

# routed_to CLIENT: the redis pod that a new connection through the router
# reaches, from pod CLIENT ("" if none answers).
routed_to() {
    local rid p
    rid=$(svc_cli "$1" "$(router_host)" "$E2E_REDIS_PORT" INFO server 2>/dev/null | tr -d '\r' |
        awk -F: '$1 == "run_id" {print $2}')
    [[ -n $rid ]] || return 1
    for p in $(running_redis_pods); do
        [[ $(run_id "$p") == "$rid" ]] && { printf '%s\n' "$p"; return 0; }
    done
    return 1
}

# ---------------------------------------------------------------- webdis

# Webdis 0.1.12+ is needed (ACL user in redis_auth); bookworm has 0.1.9, so
# it runs from a Debian trixie root filesystem built with mmdebstrap from the
# machine's own apt mirror, cached across runs (E2E_TRIXIE_ROOT).
E2E_TRIXIE_ROOT=${E2E_TRIXIE_ROOT:-$E2E_CACHE_DIR/trixie-webdis}

# e2e_trixie_webdis: the root filesystem with webdis (built once).
e2e_trixie_webdis() {
    ri_trixie_root "$E2E_TRIXIE_ROOT" webdis || die "no trixie root with webdis"
    [[ -x $E2E_TRIXIE_ROOT/usr/bin/webdis ]] || die "no webdis in $E2E_TRIXIE_ROOT"
}

# start_webdis_pod: render webdis.json (redis-init webdis) and run webdis
# from the trixie root (chroot) inside its own pod; the conf dir is
# bind-mounted read-only into the chroot at /etc/webdis-conf.
webdis_pod() { printf 'webdis-0'; }
start_webdis_pod() {
    local name dir root=$E2E_TRIXIE_ROOT
    name=$(webdis_pod)
    dir=$(e2e_pod_dir "$name")
    e2e_trixie_webdis
    pod_exists "$name" || pod_create "$name"
    pod_ri "$name" webdis >>"$dir/log" 2>&1 || die "redis-init webdis failed: $(tail -3 "$dir/log")"
    # The pod's DNS (resolv.conf, hosts) inside the chroot; each pod its own
    # mount namespace (unshare), so nothing is left mounted on the host.
    pod_spawn "$name" unshare --mount --propagation private sh -c '
        set -e
        root=$1 conf=$2 ns=$3
        mkdir -p "$root/etc/webdis-conf"
        touch "$root/etc/resolv.conf" "$root/etc/hosts"
        mount --bind "$conf" "$root/etc/webdis-conf"
        mount --bind "/etc/netns/$ns/resolv.conf" "$root/etc/resolv.conf"
        mount --bind "/etc/netns/$ns/hosts" "$root/etc/hosts"
        mount -t proc proc "$root/proc"
        exec chroot "$root" /usr/bin/webdis /etc/webdis-conf/webdis.json' sh "$root" "$dir/conf" "$(e2e_netns_of "$name")"
}

# ---------------------------------------------------------------- health

# Running redis / sentinel pods (created and not stopped), in ordinal order.
running_redis_pods() { e2e_running_pods "$E2E_REDIS_SVC" "$E2E_REDIS_N"; }
running_sentinel_pods() { e2e_running_pods "$E2E_SENTINEL_SVC" "$E2E_SENTINEL_N"; }
e2e_running_pods() {
    local i
    for ((i = 0; i < $2; i++)); do
        pod_exists "$1-$i" && [[ ! -f "$(e2e_pod_dir "$1-$i")/stopped" ]] && printf '%s\n' "$1-$i"
    done
    return 0
}

# current_master: the one redis pod reporting role:master; fails (and
# prints nothing) when there are zero or several.
current_master() {
    local p masters=()
    for p in $(running_redis_pods); do
        [[ $(redis_role "$p") == master ]] && masters+=("$p")
    done
    ((${#masters[@]} == 1)) || return 1
    printf '%s\n' "${masters[0]}"
}

# E2E_WHY holds the last reason cluster_healthy failed, for messages.
E2E_WHY=
why() { E2E_WHY=$*; return 1; }

# cluster_healthy: exactly one master; every other running redis pod
# replicates from it by host name with the link up; the master counts all
# E2E_REDIS_N-1 replicas; every running sentinel names the master by host
# name, sees the other E2E_SENTINEL_N-1 sentinels and all replicas, and none
# of them (replica or peer sentinel) is flagged down. Stopped pods are not
# asked.
cluster_healthy() {
    local nr=$E2E_REDIS_N ns=$E2E_SENTINEL_N m mf p v
    m=$(current_master) || why "not exactly one master" || return 1
    mf=$(pod_fqdn "$m")
    for p in $(running_redis_pods); do
        [[ $p == "$m" ]] && continue
        v=$(info_field "$p" replication master_host)
        [[ ${v%.} == "$mf" ]] || why "$p: master_host '$v', want $mf" || return 1
        v=$(info_field "$p" replication master_link_status)
        [[ $v == up ]] || why "$p: master_link_status '$v'" || return 1
    done
    v=$(info_field "$m" replication connected_slaves)
    [[ $v == $((nr - 1)) ]] || why "$m: connected_slaves '$v', want $((nr - 1))" || return 1
    for p in $(running_sentinel_pods); do
        v=$(sentinel_master_addr "$p")
        [[ ${v%% *} == "$mf" || ${v%% *} == "$mf." ]] || why "$p: master addr '$v', want $mf" || return 1
        v=$(sentinel_master_field "$p" num-other-sentinels)
        [[ $v == $((ns - 1)) ]] || why "$p: num-other-sentinels '$v', want $((ns - 1))" || return 1
        v=$(sentinel_master_field "$p" num-slaves)
        [[ $v == $((nr - 1)) ]] || why "$p: num-slaves '$v', want $((nr - 1))" || return 1
        v=$(sentinel_master_field "$p" flags)
        [[ $v == master ]] || why "$p: master flags '$v'" || return 1
        v=$(rcli "$p" SENTINEL replicas "$E2E_MASTER_NAME" 2>/dev/null | tr -d '\r' |
            awk 'prev == "flags" && $0 != "slave" {print} {prev = $0}')
        [[ -z $v ]] || why "$p: replica flags '$v'" || return 1
        v=$(rcli "$p" SENTINEL sentinels "$E2E_MASTER_NAME" 2>/dev/null | tr -d '\r' |
            awk 'prev == "flags" && $0 != "sentinel" {print} {prev = $0}')
        [[ -z $v ]] || why "$p: peer sentinel flags '$v'" || return 1
    done
    E2E_WHY=
}

# wait_healthy SECONDS: wait for cluster_healthy, explain if it never is.
wait_healthy() {
    local limit=${1:-60} end=$((SECONDS + ${1:-60}))
    while ! cluster_healthy; do
        if ((SECONDS >= end)); then
            e2e_log "cluster not healthy after ${limit}s: $E2E_WHY"
            cluster_status >&2 || true
            return 1
        fi
        sleep 0.5
    done
    assert_selected_server
}

# assert_selected_server: every running pod's server is the E2E_SERVER
# selected (INFO server names it: redis_version / valkey_version), so a
# matrix run can never pass on the wrong server.
assert_selected_server() {
    local p
    for p in $(running_redis_pods) $(running_sentinel_pods); do
        rcli "$p" INFO server 2>/dev/null | tr -d '\r' | grep -Eq "$RI_SERVER_VERSION" ||
            fail "$p does not run $E2E_SERVER (want $RI_SERVER_VERSION in INFO server)"
    done
}

# cluster_status: one line per pod, for humans.
cluster_status() {
    local p
    for p in $(running_redis_pods); do
        printf '%-28s %-12s role=%-7s master_host=%s link=%s slaves=%s restarts=%s\n' "$p" "$(pod_ip "$p")" \
            "$(redis_role "$p")" "$(info_field "$p" replication master_host)" \
            "$(info_field "$p" replication master_link_status)" \
            "$(info_field "$p" replication connected_slaves)" "$(pod_restarts "$p")"
    done
    for p in $(running_sentinel_pods); do
        printf '%-28s %-12s master=%s sentinels=%s slaves=%s flags=%s restarts=%s\n' "$p" "$(pod_ip "$p")" \
            "$(sentinel_master_addr "$p")" "$(sentinel_master_field "$p" num-other-sentinels)" \
            "$(sentinel_master_field "$p" num-slaves)" "$(sentinel_master_field "$p" flags)" \
            "$(pod_restarts "$p")"
    done
}

# ---------------------------------------------------------------- test helpers

# redis_ready POD: answers, and is a master or a replica with its link up
# (what a readiness probe would check).
redis_ready() {
    local role
    role=$(redis_role "$1")
    [[ $role == master ]] || { [[ $role == slave ]] && [[ $(info_field "$1" replication master_link_status) == up ]]; }
}

# sentinel_ready POD: answers and monitors a master.
sentinel_ready() { [[ -n $(sentinel_master_addr "$1") ]]; }

# start_cluster_ordered: redis pods one by one, each after the previous is
# ready (StatefulSet OrderedReady), then the sentinels the same way.
start_cluster_ordered() {
    local i p
    for ((i = 0; i < E2E_REDIS_N; i++)); do
        p=$(redis_pod "$i")
        start_redis_pod "$i"
        wait_until 60 "$p ready" redis_ready "$p" || fail "$p did not become ready"
    done
    for ((i = 0; i < E2E_SENTINEL_N; i++)); do
        p=$(sentinel_pod "$i")
        start_sentinel_pod "$i"
        wait_until 60 "$p ready" sentinel_ready "$p" || fail "$p did not become ready"
    done
}

# cluster_up: the usual start of a test: a new cluster, started in order,
# healthy within 60 s (or the test fails, saying why).
cluster_up() {
    cluster_create
    start_cluster_ordered
    wait_healthy 60 || fail "cluster not healthy after start: $E2E_WHY"
}

# write_keys PREFIX COUNT: SET PREFIX:i = PREFIX-value-i on the master, then
# WAIT until every running replica acknowledged them, so "writes survive"
# checks are about our failover handling, not about replication lag.
write_keys() {
    local prefix=$1 n=$2 m i acked want
    m=$(current_master) || fail "write_keys: not exactly one master"
    for ((i = 0; i < n; i++)); do
        printf 'SET %s:%d %s-value-%d\n' "$prefix" "$i" "$prefix" "$i"
    done | rcli "$m" >/dev/null || fail "write_keys: SET on $m failed"
    want=$(($(running_redis_pods | wc -l) - 1))
    acked=$(rcli "$m" WAIT "$want" 5000 | tr -d '\r')
    [[ $acked -ge $want ]] || fail "write_keys: only $acked of $want replicas acknowledged"
}

# keys_present POD PREFIX COUNT: POD holds exactly the values write_keys set.
keys_present() {
    local pod=$1 prefix=$2 n=$3 i got want
    got=$(for ((i = 0; i < n; i++)); do printf 'GET %s:%d\n' "$prefix" "$i"; done | rcli "$pod" | tr -d '\r')
    want=$(for ((i = 0; i < n; i++)); do printf '%s-value-%d\n' "$prefix" "$i"; done)
    [[ $got == "$want" ]]
}

# assert_rejoined POD MASTER SECONDS: POD came back, as a replica, and the
# cluster is healthy with MASTER as its one master.
assert_rejoined() {
    local pod=$1 master=$2 secs=$3
    wait_until "$secs" "$pod ready" redis_ready "$pod" || fail "$pod did not come back"
    [[ $(redis_role "$pod") == slave ]] || fail "$pod came back as $(redis_role "$pod"), want replica"
    wait_healthy "$secs" || fail "not healthy after $pod came back: $E2E_WHY"
    assert_master "$master"
}

# failed_over_from OLD: every running sentinel names the same master, not
# OLD, and it answers as master; sets PROMOTED to that pod.
failed_over_from() {
    local p a first=
    for p in $(running_sentinel_pods); do
        a=$(sentinel_master_addr "$p")
        a=${a%% *}
        [[ -n $a && $a != "$(pod_fqdn "$1")" ]] || return 1
        [[ -z $first || $a == "$first" ]] || return 1
        first=$a
    done
    [[ -n $first ]] && PROMOTED=$(pod_of_fqdn "$first") && [[ $(redis_role "$PROMOTED") == master ]]
}

# wait_failover OLD SECS: wait for failed_over_from OLD; sets PROMOTED and
# FAILOVER_MS (milliseconds from the call, polled every 250 ms).
wait_failover() {
    local t0
    t0=$(date +%s%N)
    wait_until "$2" "sentinels to fail over from $1" failed_over_from "$1" ||
        fail "no failover from $1 within $2 s"
    failed_over_from "$1"
    FAILOVER_MS=$((($(date +%s%N) - t0) / 1000000))
}

# assert_failover_fast WHAT: the last wait_failover took at most down-after
# + 4 s (the vote, the promotion, Sentinel's 1 s INFO period, our 250 ms
# polling; docs/resilience.md).
assert_failover_fast() {
    local bound=$((${E2E_DOWN_AFTER:-2000} + 4000))
    ((FAILOVER_MS <= bound)) || fail "$1: new master after $FAILOVER_MS ms, bound $bound ms"
}

# assert_rejoined_after_failover POD SECS: POD is back as a replica and the
# cluster healthy, under whichever master the sentinels settled on. At
# down-after 1000 ms Sentinel sometimes fails the freshly promoted master
# over once more (no PONG from it within down-after of the switch, under
# load): that costs a second write gap, not data; it is logged and counted
# in SECOND_FAILOVERS (docs/resilience.md).
SECOND_FAILOVERS=0
assert_rejoined_after_failover() {
    local pod=$1 secs=$2 m
    wait_until "$secs" "$pod ready" redis_ready "$pod" || fail "$pod did not come back"
    [[ $(redis_role "$pod") == slave ]] || fail "$pod came back as $(redis_role "$pod"), want replica"
    wait_healthy "$secs" || fail "not healthy after $pod came back: $E2E_WHY"
    m=$(current_master)
    if [[ $m != "$PROMOTED" ]]; then
        SECOND_FAILOVERS=$((SECOND_FAILOVERS + 1))
        e2e_log "a second failover after $PROMOTED was promoted: $m is master now"
        PROMOTED=$m
    fi
}

# assert_keys_everywhere PREFIX COUNT: every running redis pod has them
# (waits a little for replication after a resync).
assert_keys_everywhere() {
    local p
    for p in $(running_redis_pods); do
        wait_until 15 "$1:* on $p" keys_present "$p" "$1" "$2" || fail "$p lacks keys written as $1:*"
    done
}

# assert_master POD: POD is the one master and every sentinel names it.
assert_master() {
    local m
    m=$(current_master) || fail "not exactly one master"
    [[ $m == "$1" ]] || fail "master is $m, expected $1"
}

# assert_no_restarts: no container exited (crash loop, deadline exit).
assert_no_restarts() {
    local d n
    for d in "$E2E_RUN_DIR"/pods/*/; do
        n=$(cat "$d/restarts")
        [[ $n == 0 ]] || fail "pod $(basename "$d") restarted $n time(s)"
    done
}

# assert_discover_consistent POD: `discover --json` run in POD (exit 0)
# decides what the cluster actually is: master for the master, follow the
# master for a replica, monitor it for a sentinel; every peer answered, and
# what it reported matches the servers.
assert_discover_consistent() {
    local pod=$1 m mf json rc=0 want_action
    m=$(current_master) || fail "not exactly one master"
    mf=$(pod_fqdn "$m")
    # --all: every peer heard out, so the whole report can be held against reality.
    json=$(pod_discover "$pod" --all) || rc=$?
    [[ $rc == 0 ]] || fail "discover in $pod exited $rc: $json"
    jq -e . >/dev/null <<<"$json" || fail "discover in $pod printed no JSON: $json"
    if pod_is_sentinel "$pod"; then want_action=monitor
    elif [[ $pod == "$m" ]]; then want_action=master
    else want_action=follow; fi
    jq -e --arg a "$want_action" --arg mf "$mf" --arg self "$pod" --arg svc "$E2E_REDIS_SVC" '
        def host: rtrimstr(".");
        def masterpod: $mf | split(".")[0];
        .decision.action == $a
        and ($a == "master" or (.decision.host | host) == $mf)
        and ([.sentinels[] | select(.outcome != "self") |
              .outcome == "answer" and (.master_host | host) == $mf] | all)
        and ([.redis[] | select(.outcome != "self") | .outcome == "answer"] | all)
        and ([.redis[] | select(.outcome == "answer") |
              if (.host | split(".")[0]) == masterpod then .role == "master"
              else .role == "replica" and (.master_host | host) == $mf and .link_up end] | all)
    ' >/dev/null <<<"$json" || fail "discover in $pod does not match the cluster (master $m, want $want_action): $(jq -c . <<<"$json")"
    # The default run may settle before hearing everyone: same decision.
    local fast want got
    fast=$(pod_discover "$pod") || fail "discover (settling) in $pod exited non-zero: $fast"
    want=$(jq -c '.decision | {action, rule, host, port}' <<<"$json")
    got=$(jq -c '.decision | {action, rule, host, port}' <<<"$fast")
    [[ $got == "$want" ]] || fail "discover in $pod decides $got when settling early, $want when hearing all"
    e2e_log "discover in $pod: $want"
}

# assert_no_secret_leaks: no password appears on any pod process's command
# line or in any pod log.
assert_no_secret_leaks() {
    local ns pid pw f
    local -a pws
    mapfile -t pws < <(jq -r '.data | to_entries[] | select(.key | endswith("PASSWORD")) | .value' "$E2E_RUN_DIR/secrets.json")
    for ns in $(ip netns list | awk '{print $1}' | grep "^ri-$E2E_RUN_ID-"); do
        for pid in $(ip netns pids "$ns"); do
            [[ -r /proc/$pid/cmdline ]] || continue
            for pw in "${pws[@]}"; do
                if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$pw"; then
                    fail "a password is on the command line of pid $pid in $ns"
                fi
            done
        done
    done
    for f in "$E2E_RUN_DIR"/pods/*/log; do
        for pw in "${pws[@]}"; do
            ! grep -qF -- "$pw" "$f" || fail "a password appears in $f"
        done
    done
}

# ---------------------------------------------------------------- writer

# The steady writer (test/tools/ri-writer.c) runs in a client pod "app-0":
# it asks the sentinels for the master like an application, writes
# PREFIX:n and confirms each write with WAIT 1, and records what was
# acknowledged. Passwords come from secrets.json, never argv.
E2E_WRITER=${E2E_WRITER:-$E2E_REPO_DIR/build/tools/ri-writer}
E2E_APP_POD=app-0

# The sentinels' addresses as a client is configured with them.
sentinel_list() {
    local i out=()
    for ((i = 0; i < E2E_SENTINEL_N; i++)); do out+=("$(pod_fqdn "$(sentinel_pod "$i")"):$E2E_SENTINEL_PORT"); done
    local IFS=,
    printf '%s' "${out[*]}"
}

e2e_writer() {
    [[ -x $E2E_WRITER ]] || die "$E2E_WRITER not built (make build/tools/ri-writer)"
    pod_exists "$E2E_APP_POD" || pod_create "$E2E_APP_POD"
    local mode=$1 prefix=$2; shift 2
    pod_exec "$E2E_APP_POD" "$E2E_WRITER" "$mode" -s "$E2E_RUN_DIR/secrets.json" -S "$(sentinel_list)" \
        -m "$E2E_MASTER_NAME" -p "$prefix" -a "$E2E_RUN_DIR/writer-$prefix.acked" "$@"
}

# writer_start PREFIX: start writing in the background.
writer_start() {
    local p=$1
    rm -f "$E2E_RUN_DIR/writer-$p.stop"
    e2e_writer write "$p" -x "$E2E_RUN_DIR/writer-$p.stop" >"$E2E_RUN_DIR/writer-$p.out" 2>&1 &
    echo "$!" >"$E2E_RUN_DIR/writer-$p.pid"
    wait_until 10 "writer $p acknowledges writes" test -s "$E2E_RUN_DIR/writer-$p.acked" ||
        fail "writer $p never got a write acknowledged: $(cat "$E2E_RUN_DIR/writer-$p.out")"
}

# writer_stop PREFIX: stop it; sets WRITER_ISSUED, WRITER_ACKED, WRITER_GAP_MS.
writer_stop() {
    local p=$1 line
    touch "$E2E_RUN_DIR/writer-$p.stop"
    wait "$(cat "$E2E_RUN_DIR/writer-$p.pid")" || fail "writer $p failed: $(cat "$E2E_RUN_DIR/writer-$p.out")"
    line=$(tail -n 1 "$E2E_RUN_DIR/writer-$p.out")
    [[ $line =~ issued=([0-9]+)\ acked=([0-9]+)\ max_gap_ms=([0-9]+) ]] || fail "writer $p: bad summary '$line'"
    WRITER_ISSUED=${BASH_REMATCH[1]} WRITER_ACKED=${BASH_REMATCH[2]} WRITER_GAP_MS=${BASH_REMATCH[3]}
    e2e_log "writer $p: $line"
}

# writer_verify PREFIX: every acknowledged write is on the master the
# sentinels name now.
writer_verify() {
    local out rc=0
    out=$(e2e_writer verify "$1" 2>&1) || rc=$?
    e2e_log "writer $1 verify: $out"
    ((rc == 0)) || fail "acknowledged writes lost ($1): $out"
}

# ---------------------------------------------------------------- teardown

# dump_logs: the tail of every pod's log and of dnsmasq's, for a failed test.
dump_logs() {
    local f
    for f in "$E2E_RUN_DIR"/pods/*/log; do
        [[ -f $f ]] || continue
        printf '\n----- %s (last %s lines) -----\n' "${f#"$E2E_RUN_DIR"/}" "${E2E_LOG_LINES:-80}"
        tail -n "${E2E_LOG_LINES:-80}" "$f"
    done
    printf '\n----- dnsmasq.log (last 20 lines) -----\n'
    tail -n 20 "$E2E_RUN_DIR/dns/dnsmasq.log" 2>/dev/null || true
}

# teardown: kill every process of the run, delete its namespaces (the veths
# and the bridge go with them) and /etc/netns entries, remove the run dir.
# Idempotent; safe to call from a trap at any point of cluster_create.
# On failure the logs are dumped and kept in $E2E_ARTIFACTS if set.
teardown() {
    local rc=$? ns
    # Run to the end whatever happens: no errexit, and a second Ctrl-C does
    # not cut the cleanup short (it is bounded: at most ~12 s).
    set +e
    trap - EXIT
    trap '' INT TERM
    [[ -n ${E2E_RUN_ID:-} ]] || return "$rc"
    if ((rc != 0)) && [[ -d ${E2E_RUN_DIR:-} ]]; then
        dump_logs >&2 || true
        e2e_save_artifacts || true
    fi
    # All pods at once (a short grace: nothing needs a clean shutdown now),
    # so teardown takes seconds, not seconds per pod.
    local -a nss
    mapfile -t nss < <(ip netns list 2>/dev/null | awk '{print $1}' | grep "^ri-$E2E_RUN_ID-")
    if ((${#nss[@]})); then
        e2e_kill_netns 2 "${nss[@]}" || true
        for ns in "${nss[@]}"; do
            ip netns del "$ns" 2>/dev/null || e2e_log "could not delete netns $ns"
        done
    fi
    rm -rf /etc/netns/ri-"$E2E_RUN_ID"-*
    if [[ ${E2E_KEEP:-0} != 1 && -n ${E2E_RUN_DIR:-} && -f $E2E_RUN_DIR/state ]]; then
        rm -rf "$E2E_RUN_DIR"
    fi
    return "$rc"
}

# Logs only (conf dirs hold credentials).
e2e_save_artifacts() {
    [[ -n ${E2E_ARTIFACTS:-} ]] || return 0
    local dst="$E2E_ARTIFACTS/${E2E_TEST_NAME:-run}-$E2E_RUN_ID" f p
    mkdir -p "$dst"
    for f in "$E2E_RUN_DIR"/pods/*/log; do
        [[ -f $f ]] || continue
        p=$(basename "$(dirname "$f")")
        cp "$f" "$dst/$p.log"
    done
    cp "$E2E_RUN_DIR/dns/dnsmasq.log" "$dst/" 2>/dev/null || true
    e2e_log "logs kept in $dst"
}
