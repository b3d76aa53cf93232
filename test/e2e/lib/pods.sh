# shellcheck shell=bash
# e2e/lib/pods.sh: pods: create, run redis-init / sentinel-init in them, stop, kill, partition.
# Part of test/e2e/lib.sh, which sources it.

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
    # The exporter sidecar's shared volume (an emptyDir in k8s).
    ! metrics_on || mkdir -p "$dir/exporter"
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
    [[ ${E2E_TLS:-off} != on ]] || printf '%s\n' "REDIS_INIT_TLS_DIR=$(e2e_tls_dir "$1")"
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
    disown "$!" # stop_pod kills it: no "Killed" notice in the test's output
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
    metrics_flags "$1"
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
    [[ $2 != redis-init || ${E2E_PROBES:-on} == off ]] || pod_spawn_prober "$name" "$bin" "${flags[@]}"
}

# pod_spawn_prober NAME BIN FLAGS...: the kubelet's readiness probe of a
# redis pod, `check --readiness` every E2E_PROBE_PERIOD seconds (default 1),
# which also refreshes the pod's history record (docs/decision.md; the
# agent keeps it fresh anyway). E2E_PROBES=off starts none: the agent alone
# must then suffice. It dies with the pod (stop_pod kills by namespace), as
# probes stop with a pod.
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
    [[ $got == "$want" ]] || fail_test "check $* on $pod exited $got, want $want: $(cat "$E2E_RUN_DIR/check.err")"
    if [[ $want != 0 ]]; then
        [[ $(wc -l <"$E2E_RUN_DIR/check.err") == 1 ]] || fail_test "check $* on $pod: not one stderr line: $(cat "$E2E_RUN_DIR/check.err")"
    fi
}

# check_says POD WANT_RC RULE [ARGS]: check exits WANT_RC by rule RULE (-v:
# a pass logs its rule too). For wait_until.
check_says() {
    local pod=$1 want=$2 rule=$3; shift 3
    [[ $(check_rc "$pod" -v "$@") == "$want" ]] && grep -Eq "rule[ =]$rule([^0-9]|$)" "$E2E_RUN_DIR/check.err"
}

# e2e_kill_netns GRACE NS...: SIGTERM every process in the namespaces,
# SIGKILL what is left after GRACE seconds (0: SIGKILL at once, a crash).
# Lists again until they are empty: a supervisor may have forked in between.
e2e_kill_netns() {
    local grace=$1 end pids; shift
    end=$((SECONDS + grace))
    pids=$(e2e_netns_pids "$@")
    [[ -n $pids ]] || return 0
    # shellcheck disable=SC2086 # word splitting of the pid list is intended
    ((grace == 0)) || kill -TERM $pids 2>/dev/null || true
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

# e2e_terminate NAME GRACE: stop a pod the way the kubelet does: its
# container is not restarted, SIGTERM goes to the container's PID 1 alone
# (redis-init run, which hands a master over first), and whatever is left
# in the pod (the probes, the server if the init is gone) is stopped after
# it, SIGKILL after GRACE seconds in all. GRACE 0: SIGKILL at once.
e2e_terminate() {
    local name=$1 grace=$2 dir ns init end
    dir=$(e2e_pod_dir "$name")
    ns=$(e2e_netns_of "$name")
    end=$((SECONDS + grace))
    if ((grace > 0)) && [[ -f $dir/container.pid && -f $dir/init.pid ]]; then
        kill -KILL "$(cat "$dir/container.pid")" 2>/dev/null || true
        init=$(cat "$dir/init.pid")
        if kill -TERM "$init" 2>/dev/null; then
            while kill -0 "$init" 2>/dev/null && ((SECONDS < end)); do sleep 0.1; done
        fi
    fi
    e2e_kill_netns "$((end > SECONDS ? end - SECONDS : 0))" "$ns"
    rm -f "$dir/init.pid"
}

# stop_pod NAME [GRACE]: stop the pod like the kubelet (e2e_terminate;
# GRACE seconds, default 10), keep its network and DNS record.
stop_pod() {
    local name=$1 grace=${2:-10}
    e2e_terminate "$name" "$grace"
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

# restart_after_outage ORDER: start every redis and sentinel pod again, in
# ORDER: parallel (all at once), ordered / reverse (redis pods by ordinal,
# 2 s apart, then the sentinels), sentinels-first, sentinels-last.
restart_after_outage() {
    local i
    case $1 in
        parallel) e2e_all_redis; e2e_all_sentinels ;;
        ordered) for ((i = 0; i < E2E_REDIS_N; i++)); do start_redis_pod "$i"; sleep 2; done
                 e2e_all_sentinels ;;
        reverse) for ((i = E2E_REDIS_N - 1; i >= 0; i--)); do start_redis_pod "$i"; sleep 2; done
                 e2e_all_sentinels ;;
        sentinels-first) e2e_all_sentinels; sleep 3; e2e_all_redis ;;
        sentinels-last) e2e_all_redis; sleep 5; e2e_all_sentinels ;;
        *) die "restart_after_outage: unknown order $1" ;;
    esac
}
e2e_all_redis() { local i; for ((i = 0; i < E2E_REDIS_N; i++)); do start_redis_pod "$i"; done; }
e2e_all_sentinels() { local i; for ((i = 0; i < E2E_SENTINEL_N; i++)); do start_sentinel_pod "$i"; done; }

# since_last_start POD: its log since its last container start.
since_last_start() { awk '/==== container start/ { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' "$(e2e_pod_dir "$1")/log"; }

# since_outage POD: its log since the last power loss.
since_outage() { awk '/==== power loss/ { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' "$(e2e_pod_dir "$1")/log"; }

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
    e2e_terminate "$name" "$grace"
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

# pod_render NAME BIN ARGS...: `BIN render` as the pod's init container
# would run it (its flags, its clean environment), with ARGS (a role
# override); the files land in the pod's conf dir, nothing is started.
pod_render() {
    local name=$1 bin=$2
    shift 2
    local -a flags envv
    mapfile -t flags < <(ri_flags "$name")
    mapfile -t envv < <(pod_env "$name")
    pod_exec "$name" env -i "${envv[@]}" "$(ri_bin "$bin")" render "${flags[@]}" "$@" \
        >>"$(e2e_pod_dir "$name")/log" 2>&1 ||
        die "$bin render $* failed for $name: $(tail -n 3 "$(e2e_pod_dir "$name")/log")"
}
