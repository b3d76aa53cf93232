#!/usr/bin/env bash
# The agent's own metrics ([metrics] port, docs/observability.md) from real
# servers and a real sentinel, checked with Prometheus's promtool, and the
# decision in the termination message ([paths] termination-log). Pods on
# 127.0.7.N (pods 0-2 of 3, a sentinel's metrics on .9): a master (the fence holds its writes until its replica links),
# a replica that is then promoted by hand (a role change the agent sees), a
# sentinel, a pod whose metrics port is taken (its server runs anyway), and
# a pod that cannot decide (its termination message says why).
. "$(dirname "$0")/lib.sh"
echo "metrics"
PROMTOOL=${PROMTOOL:-${DK_CACHE:-/var/cache/redis-init-test}/prometheus/usr/bin/promtool}
[[ -x $PROMTOOL ]] || { fail "promtool missing: $PROMTOOL (tools/install-deps.sh unpacks Debian's prometheus)"; exit 1; }

EXPORTER=${EXPORTER_BIN:-${DK_CACHE:-/var/cache/redis-init-test}/prometheus-redis-exporter/usr/bin/prometheus-redis-exporter}
[[ -x $EXPORTER ]] || { fail "redis_exporter missing: $EXPORTER (tools/install-deps.sh unpacks Debian's prometheus-redis-exporter)"; exit 1; }

SECRETS=$TMP/config.json
make_secrets_probe "$SECRETS.probe" probe-M7
jq '.data += {EXPORTER_PASSWORD: "exp\"o\\rt-M7"}' "$SECRETS.probe" >"$SECRETS" && chmod 600 "$SECRETS"
P=$(free_port) SP=$(free_port) MP=$(free_port)
# Each redis pod has a port of its own: the agent asks its server on
# 127.0.0.1, as in a pod, and every pod here shares that address.
P2=$(free_port) P3=$(free_port)
ini() { # ini ORDINAL PORT EXTRA...: a pod's settings
    cat <<INI
[server]
flavour = $RI_SERVER_FLAVOUR
[cluster]
host-pattern = 127.0.7.{i}
redis-port = $2
sentinel-port = $SP
redis-replicas = 3
sentinel-replicas = 1
[paths]
redis-server = $SERVER
redis-sentinel = $SENTINEL
[redis]
bind = 127.0.7.$1 127.0.0.1
[metrics]
port = $MP
INI
    local extra; for extra in "${@:3}"; do printf '%s\n' "$extra"; done
}
# pod NAME ORDINAL KIND PORT ADDR ARGS...: `run` of that pod in the
# background, its server on PORT, its metrics on 127.0.7.ADDR.
pod() {
    local name=$1 i=$2 kind=$3 port=$4 addr=$5; shift 5
    mkdir -p "$TMP/$name/conf" "$TMP/$name/data" "$TMP/$name/exp"
    [[ -f $TMP/$name.ini ]] || ini "$i" "$port" >"$TMP/$name.ini"
    : >"$TMP/term-$name"
    local prog=redis-init data=(-d "$TMP/$name/data")
    [[ $kind == sentinel ]] && prog=sentinel-init data=()
    start_bg "$TMP/$name.log" env POD_NAME="redis-cluster-$kind-$i" "$BIN/$prog" run \
        -c "$TMP/$name.ini" -s "$SECRETS" -o "$TMP/$name/conf" "${data[@]}" \
        --set "metrics.address=127.0.7.$addr" --set "paths.termination-log=$TMP/term-$name" "$@"
}
scrape() { curl -sf --max-time 5 "http://127.0.7.$1:$MP/metrics"; }
metric() { scrape "$1" | grep -E "^$2 " | awk '{print $2}'; }
is() { [[ $(metric "$1" "$2") == "$3" ]]; }
admin() { rcli_at 127.0.7."$1" "$2" admin admin-Q9 "${@:3}"; }

# ---------------------------------------------------------------- the master, fenced
pod m 1 server "$P" 1 --master --set "metrics.exporter-dir=$TMP/m/exp"
check "master: the metrics answer" wait_for 10 scrape 1
out=$(curl -s -i "http://127.0.7.1:$MP/metrics" | tr -d '\r')
check "master: 200 with the text format's content type" \
    grep -q '^Content-Type: text/plain; version=0.0.4; charset=utf-8$' <<<"$out"
lint=$(scrape 1 | "$PROMTOOL" check metrics 2>&1) && rc=0 || rc=$?
check "master: promtool check metrics passes${lint:+: $lint}" test "$rc" = 0 -a -z "$lint"
check "master: decision_info names the override" bash -c 'grep -qx "redis_init_decision_info{rule=\"override\",role=\"master\",master=\"\"} 1" <<<"$1"' _ "$(scrape 1)"
check "master: server_role master 1" is 1 'redis_init_server_role\{role="master"\}' 1
check "master: its replica is not there yet: fenced 1" is 1 redis_init_fenced 1
refused=$(rcli_at 127.0.7.1 "$P" api_service svc-Q9 SET k v)
check "master: a write is refused ($refused)" grep -q NOREPLICAS <<<"$refused"
check "master: fenced_writes_total counts it" is 1 redis_init_fenced_writes_total 1
check "master: expected pods and quorum as configured" \
    bash -c '[[ $(grep -c -e "^redis_init_expected_pods{kind=\"redis\"} 3$" -e "^redis_init_expected_pods{kind=\"sentinel\"} 1$" -e "^redis_init_config_quorum 1$" <<<"$1") == 3 ]]' _ "$(scrape 1)"
check "master: maxclients from the server (10000)" is 1 redis_init_server_maxclients 10000
check "master: the history record is in step (age under 2 s)" \
    awk -v a="$(metric 1 redis_init_history_record_age_seconds)" 'BEGIN { exit !(a != "" && a < 2) }'
nosecret=1
for pw in admin-Q9 repl-Q9 sent-Q9 sync-Q9 svc-Q9 probe-M7 unused-default 'o\rt-M7'; do
    grep -qF -- "$pw" <<<"$(scrape 1)" && nosecret=0
done
check "master: no password in the metrics" test "$nosecret" = 1
check "master: another path is 404" test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.7.1:$MP/other")" = 404
check "master: POST is 405" test "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.7.1:$MP/metrics")" = 405
check "master: HEAD is 200 without a body" test "$(curl -s -I -o /dev/null -w '%{http_code} %{size_download}' "http://127.0.7.1:$MP/metrics")" = "200 0"
check "master: termination message: the override" grep -qx 'redis-init: master (override on the command line; nothing observed)' "$TMP/term-m"

# ---------------------------------------------------------------- the exporter beside the master
# redis_exporter 1.45 as the sidecar runs it: the user by name, the
# password from the file `run` wrote (REDIS_PASSWORD_FILE, a path).
pwfile=$TMP/m/exp/passwords.json
check "exporter: the password file is 0400" test "$(stat -c %a "$pwfile" 2>&1)" = 400
check "exporter: it maps localhost and the pod's name to the password" \
    test "$(jq -c . "$pwfile" 2>&1)" = "$(jq -nc --arg p 'exp"o\rt-M7' --arg a "redis://localhost:$P" --arg b "redis://127.0.7.1:$P" '{($a): $p, ($b): $p}')"
EP=$(free_port) ESP=$(free_port)
exporter() { # exporter PORT TARGET-PORT PWFILE: one exporter, in the background
    start_bg "$TMP/exporter-$1.log" env REDIS_USER=exporter REDIS_PASSWORD_FILE="$3" \
        "$EXPORTER" -redis.addr "redis://localhost:$2" -web.listen-address "127.0.7.1:$1"
}
exporter "$EP" "$P" "$pwfile"
escrape() { curl -sf --max-time 5 "http://127.0.7.1:$1/metrics"; }
check "exporter: redis_up 1 as the exporter user" wait_for 10 bash -c 'curl -sf "$1" | grep -qx "redis_up 1"' _ "http://127.0.7.1:$EP/metrics"
eout=$(escrape "$EP")
for fam in 'redis_instance_info{.*role="master"' 'redis_connected_slaves ' 'redis_master_repl_offset ' \
    'redis_memory_used_bytes ' 'redis_errors_total{err="NOREPLICAS"} ' 'redis_slowlog_length ' \
    'redis_slowlog_last_id ' 'redis_rejected_connections_total ' 'redis_rdb_last_bgsave_status '; do
    check "exporter: $fam is there" grep -q "^$fam" <<<"$eout"
done
check "exporter: no redis_config_ family (CONFIG GET is refused to it)" bash -c '! grep -q "^redis_config_" <<<"$1"' _ "$eout"
cg=$(rcli_at 127.0.7.1 "$P" exporter 'exp"o\rt-M7' CONFIG GET masterauth)
check "exporter user: CONFIG GET masterauth is refused ($cg)" grep -q NOPERM <<<"$cg"
kk=$(rcli_at 127.0.7.1 "$P" exporter 'exp"o\rt-M7' GET k)
check "exporter user: no key access ($kk)" grep -q NOPERM <<<"$kk"
# What each permission buys: without it, that family goes (measured here,
# docs/observability.md has the table); without INFO, nothing works.
lose() { # lose PERM FAMILY: with -PERM the family is gone, with +PERM back
    admin 1 "$P" ACL SETUSER exporter "-$1" >/dev/null
    local without; without=$(escrape "$EP")
    admin 1 "$P" ACL SETUSER exporter "+$1" >/dev/null
    ! grep -q "^$2" <<<"$without" && grep -q "^$2" <<<"$(escrape "$EP")"
}
check "exporter: without +info, redis_up is 0" lose info 'redis_up 1'
check "exporter: without +slowlog|len, redis_slowlog_length goes" lose 'slowlog|len' 'redis_slowlog_length '
check "exporter: without +slowlog|get, redis_slowlog_last_id goes" lose 'slowlog|get' 'redis_slowlog_last_id '

# A password JSON cannot hold (not UTF-8, from a Secret directory): one
# clear line, exit 65, nothing written.
mkdir -p "$TMP/sdir" "$TMP/bad/conf" "$TMP/bad/exp"
jq -r '.data | to_entries[] | "\(.key)\t\(.value)"' "$SECRETS" | while IFS=$'\t' read -r k v; do printf '%s' "$v" >"$TMP/sdir/$k"; done
printf 'exp\xff\xfe' >"$TMP/sdir/EXPORTER_PASSWORD"
out=$(env POD_NAME=redis-cluster-server-1 "$BIN/redis-init" render --master -c "$TMP/m.ini" -s "$TMP/sdir" \
    -o "$TMP/bad/conf" --set "metrics.exporter-dir=$TMP/bad/exp" 2>&1) && rc=0 || rc=$?
check "exporter: a password that is not UTF-8 is refused (exit $rc), nothing written" \
    bash -c '[[ $1 == 65 ]] && grep -q "key EXPORTER_PASSWORD: not valid UTF-8" <<<"$2" && [[ -z $(find "$3" "$4" -mindepth 1) ]]' _ "$rc" "$out" "$TMP/bad/conf" "$TMP/bad/exp"

# The sidecar's user (exporter-user, its REDIS_USER) and the secrets' must
# agree, or it would log in with the wrong name: one line, exit 78, nothing written.
mkdir -p "$TMP/user/conf" "$TMP/user/exp"
out=$(env POD_NAME=redis-cluster-server-1 "$BIN/redis-init" render --master -c "$TMP/m.ini" -s "$SECRETS" \
    -o "$TMP/user/conf" --set "metrics.exporter-dir=$TMP/user/exp" --set metrics.exporter-user=metrics 2>&1) && rc=0 || rc=$?
check "exporter: exporter-user other than EXPORTER_USERNAME is refused (exit $rc), nothing written" \
    bash -c '[[ $1 == 78 ]] && grep -q "\[metrics\] exporter-user is .metrics. (the sidecar.s REDIS_USER), but .*key EXPORTER_USERNAME is .exporter.: make them the same" <<<"$2" && [[ -z $(find "$3" "$4" -mindepth 1) ]]' _ "$rc" "$out" "$TMP/user/conf" "$TMP/user/exp"

# ---------------------------------------------------------------- a replica: the fence opens
pod r 2 server "$P2" 2 --replica-of "127.0.7.1:$P"
check "replica: linked, the master's fence open (fenced 0, good replicas 1)" \
    wait_for 20 bash -c '[[ $(curl -sf "http://127.0.7.1:$1/metrics" | grep -E "^redis_init_(fenced|server_good_replicas) ") == $'"'"'redis_init_server_good_replicas 1\nredis_init_fenced 0'"'"' ]]' _ "$MP"
check "replica: server_role replica 1" is 2 'redis_init_server_role\{role="replica"\}' 1
check "replica: promtool check metrics passes" bash -c 'curl -sf "$1" | "$2" check metrics' _ "http://127.0.7.2:$MP/metrics" "$PROMTOOL"

# ---------------------------------------------------------------- a role change
admin 2 "$P2" REPLICAOF NO ONE >/dev/null
check "replica promoted by hand: role_changes_total 1, server_role master 1" \
    wait_for 10 bash -c '[[ $(curl -sf "$1" | grep -E "^redis_init_(role_changes_total|server_role\{role=\"master\"\}) " | sort) == $'"'"'redis_init_role_changes_total 1\nredis_init_server_role{role="master"} 1'"'"' ]]' _ "http://127.0.7.2:$MP/metrics"
admin 2 "$P2" REPLICAOF 127.0.7.1 "$P" >/dev/null

# ---------------------------------------------------------------- a sentinel
pod s 0 sentinel "$P" 9 --monitor "127.0.7.1:$P" --set "metrics.exporter-dir=$TMP/s/exp"
check "sentinel: its metrics name the master" wait_for 20 bash -c 'curl -sf "$1" | grep -qx "redis_init_sentinel_master_info{master=\"127.0.7.1:$2\"} 1"' _ "http://127.0.7.9:$MP/metrics" "$P"
check "sentinel: sentinel_up 1 and its quorum 1" bash -c '[[ $(curl -sf "$1" | grep -cx -e "redis_init_sentinel_up 1" -e "redis_init_sentinel_quorum 1") == 2 ]]' _ "http://127.0.7.9:$MP/metrics"
check "sentinel: decision_info of sentinel-init" bash -c 'curl -sf "$1" | grep -q "^redis_init_build_info{version=\"[^\"]*\",program=\"sentinel-init\""' _ "http://127.0.7.9:$MP/metrics"
check "sentinel: termination message: the override" \
    grep -qx "sentinel-init: sentinel of 127.0.7.1:$P (override on the command line; nothing observed)" "$TMP/term-s"
check "sentinel: promtool check metrics passes" bash -c 'curl -sf "$1" | "$2" check metrics' _ "http://127.0.7.9:$MP/metrics" "$PROMTOOL"

exporter "$ESP" "$SP" "$TMP/s/exp/passwords.json"
check "exporter beside the sentinel: the master, its quorum checked (CKQUORUM), its sentinels" \
    wait_for 15 bash -c '[[ $(curl -sf "$1" | grep -c -e "^redis_sentinel_masters 1$" -e "^redis_sentinel_master_ckquorum_status{.*} 1$" -e "^redis_sentinel_master_ok_sentinels{.*} 1$") == 3 ]]' _ "http://127.0.7.1:$ESP/metrics"

# ---------------------------------------------------------------- the port taken: the server runs
pod t 0 server "$P3" 1 --replica-of "127.0.7.1:$P"
check "port taken: one error line, and the server runs anyway" wait_for 10 bash -c \
    'grep -q "msg=\"no metrics: cannot listen (\[metrics\] address, port)\"" "$1" && [[ $(REDISCLI_AUTH=admin-Q9 redis-cli --no-auth-warning -h 127.0.7.0 -p "$3" --user admin PING) == PONG ]]' _ "$TMP/t.log" "$P" "$P3"

# ---------------------------------------------------------------- handovers, counted on the volume
# prestop on the replica: nothing to hand over; on the master, whose
# replicas it cannot see here (each pod has a port of its own): failed
# (H6); on a pod whose server is gone: failed. The counts outlive the
# process that handed over: the agent's metrics read them from the data
# volume. (A real handover, H15, is counted in e2e's test_prestop.)
prestop() { # prestop NAME ORDINAL
    env POD_NAME="redis-cluster-server-$2" "$BIN/redis-init" prestop -c "$TMP/$1.ini" -s "$SECRETS" \
        -d "$TMP/$1/data" --set lifecycle.prestop-timeout=15000 >>"$TMP/prestop-$1.log" 2>&1
}
prestop r 2 && rc=0 || rc=$?
check "prestop of the replica: exit 0, nothing to hand over, counted (rc $rc)" \
    is 2 'redis_init_handovers_total\{result="nothing"\}' 1
prestop m 1 && rc=0 || rc=$?
check "prestop of the master, its replicas out of its sight: exit 69 (H6), counted as failed" \
    bash -c '[[ $1 == 69 ]] && curl -sf "$2" | grep -qx "redis_init_handovers_total{result=\"failed\"} 1" && curl -sf "$2" | grep -q "^redis_init_last_handover_timestamp_seconds{result=\"failed\",rule=\"H6\"} [0-9]"' _ "$rc" "http://127.0.7.1:$MP/metrics"
mkdir -p "$TMP/gone/data"; ini 5 "$(free_port)" >"$TMP/gone.ini"
prestop gone 1 && rc=0 || rc=$?
check "prestop with no server: exit 69, counted as failed on the volume" \
    bash -c '[[ $1 == 69 ]] && grep -qx "failed 1" "$2" && grep -q "^last failed H1 " "$2"' _ "$rc" "$TMP/gone/data/redis-init.handovers"

# ---------------------------------------------------------------- a pod that cannot decide
# Pod 4 of 5 on addresses where nothing runs: it waits for the others until
# the deadline.
ini 4 "$P" "[discovery]" "deadline = 1500" "dns-wait = 0" >"$TMP/u.ini"
mkdir -p "$TMP/u/conf" "$TMP/u/data"; : >"$TMP/term-u"
rc=0; env POD_NAME=redis-cluster-server-4 "$BIN/redis-init" run -c "$TMP/u.ini" -s "$SECRETS" \
    -o "$TMP/u/conf" -d "$TMP/u/data" --set cluster.redis-replicas=5 \
    --set 'cluster.host-pattern=127.0.8.{i}' --set metrics.port=0 \
    --set "paths.termination-log=$TMP/term-u" >"$TMP/u.log" 2>&1 || rc=$?
check "no decision: exit 69 (got $rc)" test "$rc" = 69
check "no decision: the termination message says why ($(head -c 160 "$TMP/term-u"))" \
    grep -q '^redis-init: no role: no safe decision' "$TMP/term-u"
check "the default termination-log (/dev/termination-log) is never created" test ! -e /dev/termination-log

summary integration
