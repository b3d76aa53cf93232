#!/usr/bin/env bash
# bench/lifecycle.sh: what the Kubernetes hooks cost, on a 3 redis + 3
# sentinel cluster started with `redis-init run` / `sentinel-init run`
# (test/e2e/lib.sh; nothing leaves the run's network namespaces):
#
#   check latency   hyperfine (-N) of BENCH_CHECK_RUNS (default 100) runs of
#                   `check --readiness` on a replica, on the master (it asks
#                   the sentinels) and on a sentinel, and `check --liveness`;
#                   then the master's readiness with one sentinel dropping
#                   every packet (nftables, as bench/run.sh cuts peers off).
#   agent cost      the resident agent (run as the server's init, with its
#                   thread) of the master, a replica and a sentinel over
#                   BENCH_AGENT_SECONDS (default 60) of steady state: RSS,
#                   CPU in % of one core, wake-ups (context switches) per s.
#   switchover      BENCH_PRESTOP_RUNS (default 5) planned switchovers with
#                   `prestop` on the master under the steady writer (WAIT 1):
#                   longest write gap, prestop's own time, writes lost.
#
# `make bench` runs it after bench/run.sh, into the same BENCH_OUT; it can
# run alone. Results: docs/performance.md.
set -euo pipefail

LC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# bench/run.sh's helpers (drop_pod, undrop_pod, peer_answers) and settings.
# shellcheck source=bench/run.sh
source "$LC_DIR/run.sh"
CHECK_RUNS=${BENCH_CHECK_RUNS:-100}
PRESTOP_RUNS=${BENCH_PRESTOP_RUNS:-5}
AGENT_SECONDS=${BENCH_AGENT_SECONDS:-60}

# The settings of a deployment (down-after as the e2e suite: 2 s), plain
# passwords; the probe budget is the default check-timeout (500 ms).
export E2E_DOWN_AFTER=2000

# lc_stats FILE.json INDEX: "median p99 min max" in ms (nearest rank).
lc_stats() {
    jq -r --argjson i "$2" '.results[$i].times | map(. * 1000) | sort as $t | ($t | length) as $n
        | [ (if $n % 2 == 1 then $t[($n - 1) / 2] else ($t[$n / 2 - 1] + $t[$n / 2]) / 2 end),
            $t[((0.99 * $n) | ceil) - 1], $t[0], $t[$n - 1] ]
        | map(. * 100 | round / 100) | @tsv' "$1"
}

# check_cmd POD ARGS: the command line the kubelet would exec in POD.
check_cmd() {
    local pod=$1 bin; shift
    if pod_is_sentinel "$pod"; then bin=$(ri_bin sentinel-init); else bin=$(ri_bin redis-init); fi
    local -a flags
    mapfile -t flags < <(ri_flags "$pod")
    printf '%s check %s %s' "$bin" "$*" "${flags[*]}"
}

# bench_check LABEL POD ARGS: CHECK_RUNS runs in POD's namespace.
bench_check() {
    local label=$1 pod=$2; shift 2
    local -a envv
    mapfile -t envv < <(pod_env "$pod")
    local json="$OUT/lifecycle-$label.json"
    pod_exec "$pod" env -i "${envv[@]}" hyperfine -N --style basic --runs "$CHECK_RUNS" --warmup 3 -i \
        --export-json "$json" "$(check_cmd "$pod" "$@")" >"$OUT/lifecycle-$label.txt" 2>&1 &
    wait "$!" || die "hyperfine of check ($label) failed: $(tail -n 5 "$OUT/lifecycle-$label.txt")"
    local codes
    codes=$(jq -r '.results[0].exit_codes | group_by(.) | map("\(.[0])x\(length)") | join(",")' "$json")
    printf 'check\t%s\t%s\t%s\n' "$label" "$(lc_stats "$json" 0)" "$codes" >>"$OUT/lifecycle.tsv"
    bench_log "check $label: $(lc_stats "$json" 0) (median p99 min max ms), exit codes $codes"
}

# lc_proc_sample PID: "cpu_ns ctx_switches rss_kib" of a process, all its
# threads (the init and the agent's thread). CPU is the scheduler's own
# account (schedstat, ns): the clock ticks of /proc/PID/stat would charge a
# thread that wakes on the timer a whole tick now and then.
lc_proc_sample() {
    local pid=$1 ticks ctx rss
    ticks=$(cat /proc/"$pid"/task/*/schedstat | awk '{n += $1} END {printf "%.0f", n}')
    ctx=$(cat /proc/"$pid"/task/*/status | awk '/^(non)?voluntary_ctxt_switches:/ {n += $2} END {print n}')
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
    echo "$ticks $ctx $rss"
}

# bench_agent: the init + agent of a master, a replica and a sentinel,
# sampled at the start and the end of AGENT_SECONDS of steady state.
bench_agent() {
    local m=$1 r=$2 s=$3 pod role pid
    local -A pids a
    for role in master replica sentinel; do
        case $role in master) pod=$m ;; replica) pod=$r ;; sentinel) pod=$s ;; esac
        pid=$(cat "$(e2e_pod_dir "$pod")/init.pid")
        grep -q '^run' <(tr '\0' '\n' <"/proc/$pid/cmdline" | sed -n 2p) ||
            die "agent cost: pid $pid of $pod is not \`run\`"
        pids[$role]=$pid
        a[$role]=$(lc_proc_sample "$pid")
    done
    sleep "$AGENT_SECONDS"
    for role in master replica sentinel; do
        local t0 c0 t1 c1 rss
        read -r t0 c0 _ <<<"${a[$role]}"
        read -r t1 c1 rss <<<"$(lc_proc_sample "${pids[$role]}")"
        printf 'agent\t%s\t%s\t%s\t%s\n' "$role" "$rss" \
            "$(awk -v d="$((t1 - t0))" -v s="$AGENT_SECONDS" 'BEGIN {printf "%.3f", 100 * d / 1e9 / s}')" \
            "$(awk -v d="$((c1 - c0))" -v s="$AGENT_SECONDS" 'BEGIN {printf "%.1f", d / s}')" >>"$OUT/lifecycle.tsv"
        bench_log "agent of the $role: RSS $rss KiB, CPU and wake-ups over ${AGENT_SECONDS} s: $(tail -n 1 "$OUT/lifecycle.tsv" | cut -f4-5)"
    done
}

# One planned switchover under the writer: gap, prestop time, lost.
bench_switchover() {
    local k=$1 m t0 took
    m=$(current_master) || die "not exactly one master before switchover $k"
    writer_start "sw$k"
    sleep 2
    t0=$(date +%s%N)
    pod_ri "$m" prestop >>"$(e2e_pod_dir "$m")/log" 2>&1 || die "prestop on $m failed (switchover $k)"
    took=$((($(date +%s%N) - t0) / 1000000))
    sleep 2
    writer_stop "sw$k"
    writer_verify "sw$k"
    printf 'switchover\t%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$m" "$WRITER_GAP_MS" "$took" "$WRITER_ACKED" 0 \
        >>"$OUT/lifecycle.tsv"
    bench_log "switchover $k from $m: gap $WRITER_GAP_MS ms, prestop $took ms, acked $WRITER_ACKED, lost 0"
    wait_healthy 60 || die "not healthy after switchover $k: $E2E_WHY"
}

# lc_median: the median of sorted numbers on stdin.
lc_median() { awk '{v[NR] = $1} END {print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

lc_report() {
    local f=$OUT/lifecycle.tsv
    {
        echo "check latency (wall time of the whole command, $CHECK_RUNS runs each unless the exit codes say otherwise, check-timeout 500 ms):"
        echo
        echo "| probe | median ms | p99 ms | min ms | max ms | exit codes |"
        echo "|---|---:|---:|---:|---:|---|"
        awk -F'\t' '$1 == "check" {printf "| %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7}' "$f"
        echo
        echo "The resident agent (\`run\` as the server's init with its agent thread; steady state, $AGENT_SECONDS s, watch-interval 100 ms):"
        echo
        echo "| pod | RSS KiB | CPU % of one core | wake-ups per s |"
        echo "|---|---:|---:|---:|"
        awk -F'\t' '$1 == "agent" {printf "| %s | %s | %s | %s |\n", $2, $3, $4, $5}' "$f"
        echo
        echo "Planned switchover with prestop under the writer (WAIT 1 per write, down-after $E2E_DOWN_AFTER ms):"
        echo
        echo "| run | old master | longest write gap ms | prestop ms | acknowledged | lost |"
        echo "|---:|---|---:|---:|---:|---:|"
        awk -F'\t' '$1 == "switchover" {printf "| %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7}' "$f"
        local n mg mp
        n=$(awk -F'\t' '$1 == "switchover"' "$f" | wc -l)
        mg=$(awk -F'\t' '$1 == "switchover" {print $4}' "$f" | sort -n | lc_median)
        mp=$(awk -F'\t' '$1 == "switchover" {print $5}' "$f" | sort -n | lc_median)
        printf '\nMedian of %s: longest write gap %s ms, prestop %s ms.\n' "$n" "$mg" "$mp"
    } | tee "$OUT/lifecycle.md"
}

# lc_verify: lifecycle.tsv holds the seven check rows with numbers and the
# exit codes each must have (every run passes, but with two of three
# sentinels dead, where the bound is reached: 75), and PRESTOP_RUNS
# switchovers that lost nothing.
lc_verify() {
    local f=$OUT/lifecycle.tsv bad=0 label want
    for label in replica-readiness master-readiness sentinel-readiness master-liveness \
        master-readiness-dead-sentinel replica-readiness-dead-sentinel master-readiness-two-dead-sentinels; do
        want=0
        [[ $label == master-readiness-two-dead-sentinels ]] && want=75
        awk -F'\t' -v l="$label" -v w="$want" '
            function num(x) { return x ~ /^[0-9]+(\.[0-9]+)?$/ }
            $1 == "check" && $2 == l { seen = 1; if (!(num($3) && num($4) && num($5) && num($6))) bad = "not a number"
                                        else if ($7 !~ "^" w "x[0-9]+$") bad = "exit codes " $7 }
            END { if (!seen) bad = "missing"; if (bad) { print bad; exit 1 } }' "$f" >"$OUT/verify.err" ||
            { bench_log "verify: check $label: $(cat "$OUT/verify.err")"; bad=$((bad + 1)); }
    done
    awk -F'\t' '
        $1 == "agent" { n++; if (!($3 ~ /^[0-9]+$/ && $4 ~ /^[0-9.]+$/ && $5 ~ /^[0-9.]+$/)) bad = $0 }
        END { if (n != 3) bad = n " agent rows, want 3"; if (bad) { print bad; exit 1 } }' "$f" >"$OUT/verify.err" ||
        { bench_log "verify: agent: $(cat "$OUT/verify.err")"; bad=$((bad + 1)); }
    awk -F'\t' -v runs="$PRESTOP_RUNS" '
        $1 == "switchover" { n++; if (!($4 ~ /^[0-9]+$/ && $5 ~ /^[0-9]+$/ && $6 ~ /^[0-9]+$/ && $7 == 0)) bad = $0 }
        END { if (n != runs) bad = n " switchovers, want " runs; if (bad) { print bad; exit 1 } }' "$f" >"$OUT/verify.err" ||
        { bench_log "verify: switchover: $(cat "$OUT/verify.err")"; bad=$((bad + 1)); }
    ((bad == 0)) || die "lifecycle output does not verify ($bad problem(s)); see $OUT"
    bench_log "verify: $f complete (7 checks, 3 agents, $PRESTOP_RUNS switchover(s), 0 lost)"
}

lc_main() {
    bench_need
    [[ -x $E2E_WRITER ]] || die "$E2E_WRITER not built (make bench builds it)"
    mkdir -p "$OUT"
    : >"$OUT/lifecycle.tsv"
    [[ -f $OUT/machine.tsv ]] || machine_info
    unset E2E_RUN_DIR E2E_RUN_ID
    E2E_REDIS_N=3
    cluster_create
    start_cluster_ordered
    wait_healthy 60 || die "cluster not healthy: $E2E_WHY"
    local m r s
    m=$(current_master)
    r=$(redis_pod 1)
    [[ $r != "$m" ]] || r=$(redis_pod 2)
    s=$(sentinel_pod 0)
    bench_agent "$m" "$r" "$s"
    bench_check replica-readiness "$r" --readiness
    bench_check master-readiness "$m" --readiness
    bench_check sentinel-readiness "$s" --readiness
    bench_check master-liveness "$m" --liveness
    drop_pod "$(sentinel_pod 2)"
    ! peer_answers "$m" "$(sentinel_pod 2)" || die "sentinel-2 still answers after its packets are dropped"
    bench_check master-readiness-dead-sentinel "$m" --readiness
    bench_check replica-readiness-dead-sentinel "$r" --readiness
    # Two of three dead: no majority can form, so the check runs into its
    # bound (check-timeout) and fails (75): the worst case, fewer runs.
    drop_pod "$(sentinel_pod 1)"
    CHECK_RUNS=$((CHECK_RUNS < 20 ? CHECK_RUNS : 20)) bench_check master-readiness-two-dead-sentinels "$m" --readiness
    undrop_pod "$(sentinel_pod 1)"
    undrop_pod "$(sentinel_pod 2)"
    wait_until 30 "sentinel-1 answers again" peer_answers "$m" "$(sentinel_pod 1)" || die "sentinel-1 does not answer again"
    wait_until 30 "sentinel-2 answers again" peer_answers "$m" "$(sentinel_pod 2)" || die "sentinel-2 does not answer again"
    wait_healthy 60 || die "not healthy after the dead-sentinel runs: $E2E_WHY"
    local k
    for ((k = 1; k <= PRESTOP_RUNS; k++)); do bench_switchover "$k"; done
    teardown
    lc_report
    lc_verify
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then lc_main "$@"; fi
