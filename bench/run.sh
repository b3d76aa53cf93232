#!/usr/bin/env bash
# bench/run.sh: decision time of `redis-init discover` beside a bash +
# redis-cli implementation of the bash boot script's algorithm (bench/baseline/), on the
# same local cluster in the same run; plus binary sizes and peak RSS.
# `make bench` runs it (root: network namespaces). Results: docs/performance.md.
#
# For each size N in BENCH_SIZES (default "3 9 27") a fresh cluster is built
# with test/e2e/lib.sh (every pod a network namespace on a private bridge,
# dnsmasq answering the Kubernetes names; nothing leaves those namespaces):
#
#   redis-cluster-server-0            master (redis-init render --master)
#   redis-cluster-server-1..N-2       replicas (render --replica-of server-0)
#   redis-cluster-server-(N-1)        the BOOTING pod: its name resolves, its
#                                     redis is not started (an init container
#                                     is deciding); both tools run here, as it
#   redis-cluster-sentinel-0..2       sentinels (sentinel-init render --monitor)
#
# So each decision probes N-1 redis pods and 3 sentinels. Scenarios:
#
#   healthy      every peer answers (also on a TLS cluster of each of
#                BENCH_TLS_SIZES, default "3 27": redis-init-tls)
#   down-s0s1    sentinel-0 and sentinel-1 unresponsive: the first two peers
#                the sequential baseline asks
#   down-s2r1    sentinel-2 and redis-1 unresponsive: peers the baseline never
#                needs when sentinel-0 answers
#
# "Unresponsive": the name resolves, the process runs, but an nftables table
# in the peer's namespace drops every packet arriving on eth0 (ARP still
# works), so connecting hangs until the caller's timeout, like a hung node.
#
# Per scenario: one checked run of each tool (decision, per-peer outcomes),
# one run under /usr/bin/time for peak RSS, then hyperfine (-N, no shell)
# with BENCH_RUNS runs (default 21) of each after one warm-up. Both tools
# get the same per-probe budget: probe-timeout = 1000 ms for redis-init,
# `timeout 1.000` around every redis-cli call of the baseline.
#
# Output: a table on stdout; everything (raw hyperfine JSON, checked outputs,
# summary.tsv, table.md) in BENCH_OUT (default bench/results/<time>/).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
SIZES=${BENCH_SIZES:-3 9 27}
# TLS beside plain text (docs/tls.md): the healthy scenario again on a
# cluster of each of these sizes with [tls] mode = on and client
# certificates required, redis-init only (the baseline has no TLS).
TLS_SIZES=${BENCH_TLS_SIZES:-3 27}
RUNS=${BENCH_RUNS:-21}
PROBE_MS=${BENCH_PROBE_TIMEOUT:-1000}
SCENARIOS=${BENCH_SCENARIOS:-healthy down-s0s1 down-s2r1}
OUT=${BENCH_OUT:-$BENCH_DIR/results/$(date +%Y%m%d-%H%M%S)}
BASELINE=$BENCH_DIR/baseline/redis-boot.sh

# Cluster shape for test/e2e/lib.sh. Plain passwords: quoting is not what
# is measured here (the e2e suite tests it). A long down-after keeps the
# sentinels calm while peers are cut off (the master is never cut off, so no
# failover can start anyway).
export RI_BIN_DIR=${RI_BIN_DIR:-bin}
export E2E_PLAIN_SECRETS=1 E2E_PROBE_TIMEOUT=$PROBE_MS E2E_SENTINEL_N=3 E2E_DOWN_AFTER=30000
# shellcheck source=test/e2e/lib.sh
source "$REPO_DIR/test/e2e/lib.sh"

bench_log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# ---------------------------------------------------------------- checks

bench_need() {
    local t missing=()
    ((EUID == 0)) || die "bench needs root (network namespaces); running as uid $EUID"
    for t in hyperfine nft size strip jq timeout; do
        command -v "$t" >/dev/null 2>&1 || missing+=("$t")
    done
    [[ -x /usr/bin/time ]] || missing+=(/usr/bin/time)
    ((${#missing[@]} == 0)) ||
        die "missing tools: ${missing[*]} (Debian packages: hyperfine nftables binutils jq coreutils time)"
    for t in redis-init sentinel-init; do
        [[ -x $(ri_bin "$t") ]] || die "$(ri_bin "$t") not built (make)"
    done
    [[ $REPO_DIR$OUT != *[[:space:]]* ]] || die "paths with white space are not supported: $REPO_DIR, $OUT"
    [[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer"
    local n
    for n in $SIZES; do
        if ! [[ $n =~ ^[0-9]+$ ]] || ((n < 3 || n > 200)); then die "BENCH_SIZES: $n is not in 3..200"; fi
    done
}

# ---------------------------------------------------------------- static facts

machine_info() {
    {
        printf 'date\t%s\n' "$(date -u +%FT%TZ)"
        printf 'commit\t%s\n' "$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$REPO_DIR" diff --quiet HEAD -- lib cmd 2>/dev/null || echo ' (lib/cmd modified)')"
        printf 'binaries\t%s\n' "$(make -q -C "$REPO_DIR" all >/dev/null 2>&1 && echo 'up to date with the sources (make -q)' || echo 'OLDER than the sources: run make')"
        printf 'nproc\t%s\n' "$(nproc)"
        printf 'cpu\t%s\n' "$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
        printf 'memory\t%s\n' "$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
        printf 'kernel\t%s\n' "$(uname -r)"
        printf 'os\t%s\n' "$(. /etc/os-release && echo "$PRETTY_NAME")"
        printf 'redis\t%s\n' "$(redis-server --version | awk '{print $3}')"
        printf 'hyperfine\t%s\n' "$(hyperfine --version | awk '{print $2}')"
        printf 'loadavg_at_start\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
        printf 'runs\t%s\n' "$RUNS"
        printf 'probe_timeout_ms\t%s\n' "$PROBE_MS"
    } >"$OUT/machine.tsv"
}

binary_info() {
    local b f link
    {
        for b in redis-init sentinel-init; do
            f=$(ri_bin "$b")
            if ldd "$f" >/dev/null 2>&1; then
                link="dynamic, $(ldd "$f" | grep -c '=> /') shared libraries (sizes not included)"
            else
                link=static
            fi
            # As built (make: -O2 -g) and stripped (what an image would ship).
            strip -o "$OUT/$b.stripped" "$f"
            printf '%s\t%s\t%s\t%s\t%s\n' "$b" "$(stat -c %s "$f")" "$(stat -c %s "$OUT/$b.stripped")" \
                "$(size "$f" | awk 'NR == 2 {print $1 "\t" $2 "\t" $3}')" "$link"
            rm -f "$OUT/$b.stripped"
        done
    } >"$OUT/binaries.tsv"
    # The shared libraries of a dynamic build are not in the sizes above.
    ldd "$(ri_bin redis-init)" >"$OUT/ldd.txt" 2>&1 || true
}

# ---------------------------------------------------------------- cluster

# BENCH_WHY: the last reason bench_healthy failed.
BENCH_WHY=
bwhy() { BENCH_WHY=$*; return 1; }

# bench_healthy N: server-0 is master with its N-2 replicas online; every
# sentinel names it, sees the 2 others, and knows the N-1 replicas that
# sentinel-init configures (known-replica lines name every member, the
# booting pod included: it is known, and down).
bench_healthy() {
    local n=$1 m mf v s i
    m=$(redis_pod 0)
    mf=$(pod_fqdn "$m")
    v=$(info_field "$m" replication role)
    [[ $v == master ]] || bwhy "$m: role '$v'" || return 1
    v=$(rcli "$m" INFO replication 2>/dev/null | tr -d '\r' | grep -c '^slave[0-9]*:.*state=online') || true
    [[ $v == $((n - 2)) ]] || bwhy "$m: $v replicas online, want $((n - 2))" || return 1
    for ((i = 0; i < 3; i++)); do
        s=$(sentinel_pod "$i")
        v=$(sentinel_master_addr "$s")
        [[ ${v%% *} == "$mf" || ${v%% *} == "$mf." ]] || bwhy "$s: master '$v', want $mf" || return 1
        v=$(sentinel_master_field "$s" num-other-sentinels)
        [[ $v == 2 ]] || bwhy "$s: num-other-sentinels '$v', want 2" || return 1
        v=$(sentinel_master_field "$s" num-slaves)
        [[ $v == $((n - 1)) ]] || bwhy "$s: num-slaves '$v', want $((n - 1))" || return 1
    done
    BENCH_WHY=
}

# bench_cluster N: the e2e harness's pods (test/e2e/lib.sh), configured with
# role overrides rather than discovery, and every process but the booting
# pod's started; returns when bench_healthy.
bench_cluster() {
    local n=$1 i m mf name
    for ((i = 0; i < n; i++)); do pod_create "$(redis_pod "$i")"; done
    for ((i = 0; i < 3; i++)); do pod_create "$(sentinel_pod "$i")"; done
    m=$(redis_pod 0)
    mf=$(pod_fqdn "$m")
    pod_render "$m" redis-init --master
    for ((i = 1; i < n - 1; i++)); do pod_render "$(redis_pod "$i")" redis-init --replica-of "$mf"; done
    for ((i = 0; i < 3; i++)); do pod_render "$(sentinel_pod "$i")" sentinel-init --monitor "$mf"; done
    for ((i = 0; i < n - 1; i++)); do
        name=$(redis_pod "$i")
        pod_spawn "$name" redis-server "$(e2e_pod_dir "$name")/conf/redis.conf"
    done
    wait_until 30 "$m to answer" rcli "$m" PING || die "$m did not start; see $(e2e_pod_dir "$m")/log"
    for ((i = 0; i < 3; i++)); do
        name=$(sentinel_pod "$i")
        pod_spawn "$name" redis-sentinel "$(e2e_pod_dir "$name")/conf/sentinel.conf"
    done
    wait_until 120 "cluster of $n healthy" bench_healthy "$n" ||
        die "cluster of $n not healthy after 120 s: $BENCH_WHY"
    bench_log "cluster N=$n healthy (master $mf)"
}

# ---------------------------------------------------------------- cutting peers off

DROP_TABLE=ri_bench_drop
drop_pod() {
    pod_exec "$1" nft -f - <<EOF
table inet $DROP_TABLE {
    chain input { type filter hook input priority 0; policy drop; iif "lo" accept; }
}
EOF
}
undrop_pod() { pod_exec "$1" nft delete table inet "$DROP_TABLE"; }

# peer_answers FROM NAME: NAME answers PING over the network, seen from FROM.
peer_answers() {
    local port
    port=$(pod_port "$2")
    [[ $(rcli "$1" -h "$(pod_fqdn "$2")" -p "$port" PING 2>/dev/null) == PONG ]]
}

scenario_peers() {
    case $1 in
        healthy) ;;
        down-s0s1) printf '%s\n' "$(sentinel_pod 0)" "$(sentinel_pod 1)" ;;
        down-s2r1) printf '%s\n' "$(sentinel_pod 2)" "$(redis_pod 1)" ;;
        *) die "unknown scenario $1" ;;
    esac
}

# ---------------------------------------------------------------- measuring

# The environment both tools get in the booting pod: the pod's own (POD_NAME
# ...) plus the baseline's settings, the same values as settings.ini.
tool_env() {
    local boot=$1 n=$2
    pod_env "$boot"
    printf '%s\n' "SECRETS_FILE=$E2E_RUN_DIR/secrets.json" "NAMESPACE=$E2E_K8S_NS" \
        "DOMAIN=$E2E_DOMAIN" "REDIS_SVC=$E2E_REDIS_SVC" "SENTINEL_SVC=$E2E_SENTINEL_SVC" \
        "REDIS_N=$n" "SENTINEL_N=3" "REDIS_PORT=$E2E_REDIS_PORT" \
        "SENTINEL_PORT=$E2E_SENTINEL_PORT" "MASTER_NAME=$E2E_MASTER_NAME" \
        "PROBE_TIMEOUT_MS=$PROBE_MS"
}

# in_boot BOOT N CMD...: CMD in the booting pod with tool_env only.
in_boot() {
    local boot=$1 n=$2; shift 2
    local -a envv
    mapfile -t envv < <(tool_env "$boot" "$n")
    pod_exec "$boot" env -i "${envv[@]}" "$@"
}

ours_cmd() {
    local boot=$1
    local -a flags
    mapfile -t flags < <(ri_flags "$boot")
    printf '%s discover --once --json %s' "$(ri_bin redis-init)" "${flags[*]}"
}
base_cmd() { printf 'bash %s' "$BASELINE"; }

# stats FILE.json INDEX: "median p90 mean min max" in ms of hyperfine's
# result INDEX (p90: nearest rank).
stats() {
    jq -r --argjson i "$2" '.results[$i].times | map(. * 1000) | sort as $t | ($t | length) as $n
        | [ (if $n % 2 == 1 then $t[($n - 1) / 2] else ($t[$n / 2 - 1] + $t[$n / 2]) / 2 end),
            $t[((0.9 * $n) | ceil) - 1], (add / $n), $t[0], $t[$n - 1] ]
        | map(. * 10 | round / 10) | @tsv' "$1"
}
exit_codes() {
    jq -r --argjson i "$2" '.results[$i].exit_codes | group_by(.) | map("\(.[0])x\(length)") | join(",")' "$1"
}

# ours_decision FILE / ours_outcomes FILE: from redis-init's `discover
# --json` output, its decision ("follow HOST (S5)") and how many peers
# answered how ("answer=5 self=1").
ours_decision() {
    jq -r '.decision | "\(.action) \(.host // "")" + (if .rule then " (" + .rule + ")" else "" end)' \
        "$1" 2>/dev/null || echo "no JSON"
}
ours_outcomes() {
    jq -r '[.sentinels[], .redis[]] | map(.outcome) | group_by(.) | map("\(.[0])=\(length)") | join(" ")' \
        "$1" 2>/dev/null || echo "?"
}

# run_tls N: the healthy scenario on a TLS cluster: redis-init only, the
# row "redis-init-tls" (every probe a TLS handshake, host names verified).
run_tls() {
    local n=$1 boot dir rc=0 dec o_out rss
    boot=$(redis_pod $((n - 1)))
    dir="$OUT/n$n-healthy-tls"
    mkdir -p "$dir"
    in_boot "$boot" "$n" $(ours_cmd "$boot") >"$dir/redis-init-tls.out" 2>"$dir/redis-init-tls.err" || rc=$?
    dec="$(ours_decision "$dir/redis-init-tls.out") (exit $rc)"
    o_out=$(ours_outcomes "$dir/redis-init-tls.out")
    bench_log "N=$n healthy over TLS: redis-init: $dec; peers: $o_out"
    # shellcheck disable=SC2046 # the command line is plain words
    in_boot "$boot" "$n" /usr/bin/time -f %M -o "$dir/redis-init-tls.rss" $(ours_cmd "$boot") >/dev/null 2>&1 || true
    rss=$(tail -n 1 "$dir/redis-init-tls.rss" 2>/dev/null) || rss="?"
    in_boot "$boot" "$n" hyperfine -N --style basic --runs "$RUNS" --warmup 1 -i \
        --export-json "$dir/hyperfine.json" -n redis-init-tls "$(ours_cmd "$boot")" >"$dir/hyperfine.txt" 2>&1 &
    wait "$!" || die "hyperfine failed: $(tail -n 5 "$dir/hyperfine.txt")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" healthy redis-init-tls \
        "$(stats "$dir/hyperfine.json" 0)" "$(exit_codes "$dir/hyperfine.json" 0)" "$rss" "$dec" \
        "$o_out" >>"$OUT/summary.tsv"
}

# run_scenario N SCENARIO: cut its peers off, check, measure, restore.
# Tools: redis-init, the baseline (secrets from the bash scripts' config.json with
# jq) and, when healthy (where jq's start-up is a large part of the total),
# the baseline reading a secrets directory instead (baseline-nojq).
run_scenario() {
    local n=$1 scen=$2 boot p tag dir i rc
    boot=$(redis_pod $((n - 1)))
    tag="n$n-$scen"
    dir="$OUT/$tag"
    mkdir -p "$dir"
    local -a cut names cmds decs rss
    mapfile -t cut < <(scenario_peers "$scen")
    for p in "${cut[@]}"; do drop_pod "$p"; done
    for p in "${cut[@]}"; do
        ! peer_answers "$boot" "$p" || die "$p still answers after its packets are dropped"
    done
    names=(redis-init baseline)
    cmds=("$(ours_cmd "$boot")" "$(base_cmd)")
    if [[ $scen == healthy ]]; then
        names+=(baseline-nojq)
        cmds+=("$(base_cmd) $E2E_RUN_DIR/secrets.d")
    fi

    # One checked run of each (what it decided; for redis-init how each peer
    # answered), then one under /usr/bin/time for its peak RSS (KiB).
    local o_out="?" o_int="?"
    for i in "${!names[@]}"; do
        rc=0
        # shellcheck disable=SC2086 # the command lines are plain words
        in_boot "$boot" "$n" ${cmds[i]} >"$dir/${names[i]}.out" 2>"$dir/${names[i]}.err" || rc=$?
        if ((i == 0)); then
            decs[i]=$(ours_decision "$dir/${names[i]}.out")
            o_out=$(ours_outcomes "$dir/${names[i]}.out")
            o_int=$(jq -r '.elapsed_ms * 10 | round / 10' "$dir/${names[i]}.out" 2>/dev/null) || o_int="?"
        else
            decs[i]=$(head -n 1 "$dir/${names[i]}.out")
        fi
        decs[i]="${decs[i]} (exit $rc)"
        bench_log "N=$n $scen: ${names[i]}: ${decs[i]}$( ((i == 0)) && echo "; peers: $o_out; its own elapsed_ms $o_int")"
        rc=0
        # shellcheck disable=SC2086
        in_boot "$boot" "$n" /usr/bin/time -f %M -o "$dir/${names[i]}.rss" ${cmds[i]} >/dev/null 2>&1 || true
        rss[i]=$(tail -n 1 "$dir/${names[i]}.rss" 2>/dev/null) || rss[i]="?"
    done

    bench_log "N=$n $scen: hyperfine, $RUNS runs each"
    local -a hf=()
    for i in "${!names[@]}"; do hf+=(-n "${names[i]}" "${cmds[i]}"); done
    # In the background, so that a TERM or INT trap runs at once instead of
    # after a minute of runs (the teardown kills hyperfine with the pod).
    in_boot "$boot" "$n" hyperfine -N --style basic --runs "$RUNS" --warmup 1 -i \
        --export-json "$dir/hyperfine.json" "${hf[@]}" >"$dir/hyperfine.txt" 2>&1 &
    wait "$!" || die "hyperfine failed: $(tail -n 5 "$dir/hyperfine.txt")"

    for i in "${!names[@]}"; do
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$scen" "${names[i]}" \
            "$(stats "$dir/hyperfine.json" "$i")" "$(exit_codes "$dir/hyperfine.json" "$i")" \
            "${rss[i]}" "${decs[i]}" "$( ((i == 0)) && echo "$o_out; its own elapsed_ms $o_int")" \
            >>"$OUT/summary.tsv"
    done

    for p in "${cut[@]}"; do undrop_pod "$p"; done
    for p in "${cut[@]}"; do
        wait_until 30 "$p to answer again" peer_answers "$boot" "$p" || die "$p does not answer after restore"
    done
}

# secrets_dir: the secrets as a mounted Kubernetes Secret would look (one
# file per key), for baseline-nojq.
secrets_dir() {
    local d=$E2E_RUN_DIR/secrets.d k
    (
        umask 077
        mkdir -p "$d"
        for k in SERVICE_USERNAME SERVICE_PASSWORD ADMIN_USERNAME ADMIN_PASSWORD; do
            jq -r --arg k "$k" '.data[$k]' "$E2E_RUN_DIR/secrets.json" >"$d/$k"
        done
    )
}

# bench_size N: one cluster, every scenario, then its teardown. lib.sh's
# trap (EXIT, INT, TERM) tears it down if anything fails or interrupts.
bench_size() {
    local n=$1 scen
    E2E_REDIS_N=$n
    unset E2E_RUN_DIR E2E_RUN_ID
    cluster_create
    secrets_dir
    bench_log "N=$n: run $E2E_RUN_ID in $E2E_RUN_DIR"
    bench_cluster "$n"
    for scen in $SCENARIOS; do
        run_scenario "$n" "$scen"
        # A peer that was cut off must be back in the cluster before the next scenario.
        wait_until 90 "cluster of $n healthy after $scen" bench_healthy "$n" ||
            die "cluster of $n not healthy again after $scen: $BENCH_WHY"
    done
    teardown
}

# bench_size_tls N: a TLS cluster of N (E2E_TLS=on: a development CA and a
# certificate per pod, [tls] mode = on, auth-clients = yes), healthy only.
bench_size_tls() {
    local n=$1
    E2E_REDIS_N=$n
    unset E2E_RUN_DIR E2E_RUN_ID
    E2E_TLS=on cluster_create
    export E2E_TLS=on
    bench_log "N=$n over TLS: run $E2E_RUN_ID in $E2E_RUN_DIR"
    bench_cluster "$n"
    run_tls "$n"
    teardown
    unset E2E_TLS
}

# ---------------------------------------------------------------- report

print_report() {
    local f=$OUT/summary.tsv
    {
        echo "Machine:"
        echo
        awk -F'\t' '{printf "- %s: %s\n", $1, $2}' "$OUT/machine.tsv"
        echo
        echo "Binaries:"
        echo
        echo "| binary | bytes (as built) | bytes (stripped) | text | data | bss | linking |"
        echo "|---|---:|---:|---:|---:|---:|---|"
        awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7}' "$OUT/binaries.tsv"
        echo
        echo "Decision time (wall time of the whole command, $RUNS runs each, per-probe timeout $PROBE_MS ms):"
        echo
        echo "| redis pods + sentinels | scenario | tool | median ms | p90 ms | ratio baseline/ours | peak RSS KiB | exit codes | decision |"
        echo "|---|---|---|---:|---:|---:|---:|---|---|"
        # Columns: n scen tool median p90 mean min max exits rss decision outcomes
        awk -F'\t' '
            $3 == "redis-init" { ours[$1 "/" $2] = $4 }
            { row[NR] = $0 }
            END {
                for (i = 1; i <= NR; i++) {
                    split(row[i], c, "\t")
                    r = ""
                    if (c[3] != "redis-init" && ours[c[1] "/" c[2]] > 0)
                        r = sprintf("%.2f", c[4] / ours[c[1] "/" c[2]])
                    d = c[11]
                    gsub(/\.[^ ]*\.svc\.[^ ]*/, "", d)  # pod name, not FQDN
                    printf "| %s + 3 | %s | %s | %.1f | %.1f | %s | %s | %s | %s |\n",
                        c[1], c[2], c[3], c[4], c[5], r, c[10], c[9], d
                }
            }' "$f"
        echo
        echo "redis-init per-peer outcomes in the checked run:"
        echo
        awk -F'\t' '$3 == "redis-init" {printf "- N=%s %s: %s\n", $1, $2, $12}' "$f"
        echo
        echo "TLS beside plain text (healthy; ratio: TLS median / plain median, goal under 2):"
        echo
        echo "| redis pods + sentinels | plain median ms | TLS median ms | TLS p90 ms | ratio | TLS peak RSS KiB | TLS decision |"
        echo "|---|---:|---:|---:|---:|---:|---|"
        awk -F'\t' '
            $2 == "healthy" && $3 == "redis-init" { plain[$1] = $4 }
            $2 == "healthy" && $3 == "redis-init-tls" { tls[$1] = $0 }
            END {
                for (n in tls) {
                    split(tls[n], c, "\t")
                    d = c[11]; gsub(/\.[^ ]*\.svc\.[^ ]*/, "", d)
                    printf "| %s + 3 | %s | %.1f | %.1f | %s | %s | %s |\n", n, (n in plain) ? plain[n] : "-",
                        c[4], c[5], (plain[n] > 0) ? sprintf("%.2f", c[4] / plain[n]) : "-", c[10], d
                }
            }' "$f"
    } | tee "$OUT/table.md"
}

# bench_verify: summary.tsv holds every row the run promised, each with
# numbers where numbers belong; redis-init exited 0 every time and followed
# server-0: by S5 where a sentinel majority answers, by P1 where two of the
# three sentinels are cut off. `make bench-smoke` (part of
# `make test`) relies on it to fail when the output stops parsing.
bench_verify() {
    local f=$OUT/summary.tsv n scen tool want=0 row bad=0
    for n in $SIZES; do
        for scen in $SCENARIOS; do
            for tool in redis-init baseline $([[ $scen == healthy ]] && echo baseline-nojq); do
                want=$((want + 1))
                row=$(awk -F'\t' -v n="$n" -v s="$scen" -v t="$tool" '$1 == n && $2 == s && $3 == t' "$f")
                if [[ -z $row ]]; then
                    bench_log "verify: no row for N=$n $scen $tool"
                    bad=$((bad + 1))
                    continue
                fi
                local rule=S5
                [[ $scen == down-s0s1 ]] && rule=P1
                awk -F'\t' -v runs="$RUNS" -v rule="$rule" '
                    function num(x) { return x ~ /^[0-9]+(\.[0-9]+)?$/ }
                    !(num($4) && num($5) && num($6) && num($7) && num($8) && num($10)) { print "not a number"; exit 1 }
                    $3 == "redis-init" && $9 != "0x" runs { print "exit codes " $9; exit 1 }
                    $3 == "redis-init" && $11 !~ "^follow redis-cluster-server-0\\..* \\(" rule "\\) \\(exit 0\\)$" { print "decision " $11 ", want " rule; exit 1 }
                ' <<<"$row" >"$OUT/verify.err" || {
                    bench_log "verify: N=$n $scen $tool: $(cat "$OUT/verify.err")"
                    bad=$((bad + 1))
                }
            done
        done
    done
    for n in $TLS_SIZES; do
        want=$((want + 1))
        row=$(awk -F'\t' -v n="$n" '$1 == n && $2 == "healthy" && $3 == "redis-init-tls"' "$f")
        if [[ -z $row ]]; then
            bench_log "verify: no row for N=$n healthy redis-init-tls"
            bad=$((bad + 1))
            continue
        fi
        awk -F'\t' -v runs="$RUNS" '
            function num(x) { return x ~ /^[0-9]+(\.[0-9]+)?$/ }
            !(num($4) && num($5) && num($10)) { print "not a number"; exit 1 }
            $9 != "0x" runs { print "exit codes " $9; exit 1 }
            $11 !~ "^follow redis-cluster-server-0\\..* \\(S5\\) \\(exit 0\\)$" { print "decision " $11; exit 1 }
            $12 ~ /error|timeout/ { print "a peer failed over TLS: " $12; exit 1 }
        ' <<<"$row" >"$OUT/verify.err" || {
            bench_log "verify: N=$n healthy redis-init-tls: $(cat "$OUT/verify.err")"
            bad=$((bad + 1))
        }
    done
    local have
    have=$(wc -l <"$f")
    ((have == want)) || { bench_log "verify: $have rows, want $want"; bad=$((bad + 1)); }
    ((bad == 0)) || die "bench output does not verify ($bad problem(s)); see $OUT"
    bench_log "verify: $want rows of $f, all complete"
}

main() {
    bench_need
    mkdir -p "$OUT"
    : >"$OUT/summary.tsv"
    machine_info
    binary_info
    bench_log "results in $OUT"
    local n
    for n in $SIZES; do bench_size "$n"; done
    for n in $TLS_SIZES; do bench_size_tls "$n"; done
    printf 'loadavg_at_end\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.tsv"
    print_report
    bench_verify
}

# Sourcing (for experiments) defines the functions without running.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then main "$@"; fi
