#!/usr/bin/env bash
# chaos.sh [DURATION_S] [SEED]: a randomized fault campaign (make chaos;
# not in make test). A seeded random schedule of the fault suite's faults
# (test_faults.sh, test_cold_restart.sh) runs against the WAIT 1 writer for
# DURATION_S seconds (default 300). After every step the cluster must settle
# with exactly one pod accepting writes (a partitioned old master must be
# fenced within the bound); at the end every acknowledged write must be on
# the master. The seed is printed first, so a failure can be replayed with
# the same schedule: make chaos DURATION=... SEED=...
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
export E2E_DOWN_AFTER=${E2E_DOWN_AFTER:-$E2E_SHORTEST_DOWN_AFTER}
duration=${1:-300}
seed=${2:-$((RANDOM * 32768 + RANDOM))}
RANDOM=$seed
echo "chaos: seed $seed, duration ${duration}s (replay: make chaos DURATION=$duration SEED=$seed)"

cluster_up

declare -A n_steps=() recover_max=()
segment=0 issued=0 acked=0 max_gap=0
new_segment() { segment=$((segment + 1)); writer_start "c$segment"; }
# A segment ends at a power loss (the writer cannot outlive it) or at the
# end; its writes are verified once the cluster is back.
stop_segment() {
    writer_stop "c$segment"
    issued=$((issued + WRITER_ISSUED)) acked=$((acked + WRITER_ACKED))
    ((WRITER_GAP_MS <= max_gap)) || max_gap=$WRITER_GAP_MS
}
pick() { local a=("$@"); printf '%s' "${a[RANDOM % ${#a[@]}]}"; }

# Exactly one running redis pod takes a write (replicas say READONLY, a
# fenced old master NOREPLICAS).
one_writer() {
    local p n=0
    for p in $(running_redis_pods); do
        [[ $(rcli "$p" SET chaos-probe 1 2>&1) == OK ]] && n=$((n + 1))
    done
    ((n == 1))
}

step_kill_master() {
    local old; old=$(current_master)
    kill_pod "$old"; wait_failover "$old" 30
    sleep $((RANDOM % 3)); start_redis_pod "${old##*-}"
    assert_rejoined_after_failover "$old" 60
}
step_kill_replica() {
    local p; p=$(pick $(running_redis_pods | grep -vx "$(current_master)"))
    kill_pod "$p"; sleep $((1 + RANDOM % 3)); start_redis_pod "${p##*-}"
}
step_kill_sentinel() {
    local i=$((RANDOM % E2E_SENTINEL_N))
    kill_pod "$(sentinel_pod "$i")"; sleep $((RANDOM % 3)); start_sentinel_pod "$i"
}
step_recreate_master_new_ip() {
    local old; old=$(current_master)
    pod_delete "$old" --kill; wait_failover "$old" 30
    pod_create "$old"; start_redis_pod "${old##*-}"
}
step_partition_master() {
    local old p peers=() t0=$SECONDS; old=$(current_master)
    for p in $(running_redis_pods) $(running_sentinel_pods); do [[ $p == "$old" ]] || peers+=("$p"); done
    pod_partition "$old" "${peers[@]}"
    wait_failover "$old" 30
    fenced() { [[ $(rcli "$old" SET fence-probe 1 2>&1) == *NOREPLICAS* ]]; }
    wait_until 10 "$old fenced" fenced || fail_test "step partition: $old accepts writes $((SECONDS - t0)) s after the cut"
    pod_heal "$old"
}
step_switchover() {
    local m; m=$(current_master)
    pod_ri "$m" prestop >/dev/null 2>&1 || fail_test "step switchover: prestop on $m failed"
}
step_power_loss() {
    segment_stopped=1
    power_loss
    stop_segment
    local order; order=$(pick parallel reverse sentinels-first)
    local i
    case $order in
        parallel) for ((i = 0; i < E2E_REDIS_N; i++)); do start_redis_pod "$i"; done ;;
        reverse) for ((i = E2E_REDIS_N - 1; i >= 0; i--)); do start_redis_pod "$i"; sleep 1; done ;;
        sentinels-first) ;;
    esac
    for ((i = 0; i < E2E_SENTINEL_N; i++)); do start_sentinel_pod "$i"; done
    [[ $order != sentinels-first ]] || for ((i = 0; i < E2E_REDIS_N; i++)); do start_redis_pod "$i"; done
}

steps=(kill_master kill_replica kill_sentinel recreate_master_new_ip partition_master switchover power_loss)
new_segment
t_end=$((SECONDS + duration)) k=0
while ((SECONDS < t_end)); do
    k=$((k + 1))
    s=$(pick "${steps[@]}")
    segment_stopped=0
    e2e_log "chaos step $k: $s"
    t0=$SECONDS
    "step_$s"
    wait_healthy 90 || fail_test "step $k ($s): not healthy: $E2E_WHY"
    wait_until 10 "exactly one pod takes writes" one_writer || fail_test "step $k ($s): not exactly one writable pod"
    if ((segment_stopped)); then
        writer_verify "c$segment"
        new_segment
    fi
    took=$((SECONDS - t0))
    n_steps[$s]=$((${n_steps[$s]:-0} + 1))
    ((took <= ${recover_max[$s]:-0})) || recover_max[$s]=$took
    sleep $((1 + RANDOM % 4))
done
stop_segment
# Every acknowledged write of every segment, on the master of the end.
for ((i = 1; i <= segment; i++)); do writer_verify "c$i"; done
printf '\nchaos: seed %s, %d s, %d steps\n' "$seed" "$duration" "$k"
printf '%-24s %6s %14s\n' step count "max settle (s)"
for s in "${steps[@]}"; do printf '%-24s %6d %14d\n' "$s" "${n_steps[$s]:-0}" "${recover_max[$s]:-0}"; done
printf 'writes: issued %d, acknowledged %d, lost 0, longest gap %d ms; second failovers %d\n' \
    "$issued" "$acked" "$max_gap" "$SECOND_FAILOVERS"
