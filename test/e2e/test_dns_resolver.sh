#!/usr/bin/env bash
# The resolver of the binaries under test (glibc's in `make e2e`, musl's own
# in `make e2e-static`), as discovery sees it through a Kubernetes-like
# resolv.conf (search <ns>.svc.<domain> svc.<domain> <domain>, ndots:5):
# - a FQDN that exists resolves (a pod with nothing listening is "refused");
# - a name that does not exist is NXDOMAIN -> "not-found" (down), never a
#   "dns-failure" (unknown), for FQDNs and for short names that go through
#   every search domain;
# - short names resolve through the search path (host-pattern without the
#   namespace and domain);
# - a pod whose own name appears late waits for it (dns-wait) and then
#   decides; the first answers for that name were NXDOMAIN.
set -euo pipefail
# shellcheck source=test/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

cluster_create
r0=$(redis_pod 0) r1=$(redis_pod 1) s0=$(sentinel_pod 0)
pod_create "$r0"
pod_create "$r1"
pod_create "$s0"
e2e_log "binaries: $(ri_bin redis-init) ($(file -b "$(ri_bin redis-init)" | grep -o '[a-z]*ally linked'))"

# outcomes JSON: "kind ordinal outcome addr" per peer, one per line.
outcomes() {
    jq -r '(.sentinels[] | "s\(.ordinal) \(.outcome) \(.addr // "-")"),
           (.redis[] | "r\(.ordinal) \(.outcome) \(.addr // "-")")' <<<"$1" | sort
}
expect_outcomes() {  # WHAT JSON: the existing pods refused at their IPs, the rest not-found
    local want
    want=$(printf '%s\n' "r0 self -" "r1 refused $(pod_ip "$r1")" "r2 not-found -" \
        "s0 refused $(pod_ip "$s0")" "s1 not-found -" "s2 not-found -" | sort)
    [[ $(outcomes "$2") == "$want" ]] || fail_test "$1: outcomes
$(outcomes "$2")
want
$want"
    e2e_log "$1: $(outcomes "$2" | paste -sd, | sed 's/,/, /g')"
}

# FQDNs (5 dots = ndots: tried as given first).
json=$(pod_discover "$r0" --once --all) || true
expect_outcomes "FQDNs" "$json"

# Short names: "<pod>.<service>" has 1 dot < ndots, so the search path
# (<ns>.svc.<domain> first) finds the existing ones, and the missing ones are
# NXDOMAIN in every search domain -> not-found.
json=$(pod_discover "$r0" --once --all --set 'cluster.host-pattern={service}-{i}.{service}') || true
expect_outcomes "short names through the search path" "$json"
[[ $(jq -r '.redis[1].host' <<<"$json") == "$r1.$E2E_REDIS_SVC" ]] ||
    fail_test "host-pattern not applied: $(jq -c '.redis[1]' <<<"$json")"

# A name that appears late: the one-pod cluster's pod 0 renders while its
# own record is not published yet. It must wait for the name (its lookups
# get NXDOMAIN), not fail and not decide without it; once the name appears
# it bootstraps (no sentinel exists: B5).
dns_hold "$r0"
dir=$(e2e_pod_dir "$r0")
mapfile -t flags < <(ri_flags "$r0")
mapfile -t envv < <(pod_env "$r0")
t0=$(date +%s%N)
pod_exec "$r0" env -i "${envv[@]}" "$(ri_bin redis-init)" render "${flags[@]}" \
    --set cluster.redis-replicas=1 --set cluster.sentinel-replicas=1 \
    --set discovery.dns-wait=20000 >"$dir/render.log" 2>&1 &
render_pid=$!
sleep 2
kill -0 "$render_pid" 2>/dev/null || fail_test "render did not wait for its own name: $(cat "$dir/render.log")"
[[ ! -e $dir/conf/redis.conf ]] || fail_test "render wrote redis.conf before its own name resolved"
grep -qF "config $(pod_fqdn "$r0") is NXDOMAIN" "$E2E_RUN_DIR/dns/dnsmasq.log" ||
    fail_test "the held name was not looked up (and answered NXDOMAIN) while render waited"
dns_release "$r0"
rc=0; wait "$render_pid" || rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
[[ $rc == 0 ]] || fail_test "render after the name appeared exited $rc: $(cat "$dir/render.log")"
grep -q 'rule=B5' "$dir/render.log" || fail_test "render did not bootstrap by B5: $(cat "$dir/render.log")"
[[ -s $dir/conf/redis.conf ]] || fail_test "no redis.conf after the name appeared"
((ms >= 2000)) || fail_test "render finished in $ms ms, before the name was published"
e2e_log "own name published late: render waited, then decided in $ms ms: $(grep -o 'rule=[A-Z0-9]*' "$dir/render.log" | head -1)"
e2e_log "dns resolver OK"
