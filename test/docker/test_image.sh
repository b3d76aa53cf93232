#!/usr/bin/env bash
# The repository's Dockerfile, built and run for real on a private engine:
#   1. docker build succeeds (base debian:bookworm made locally if missing);
#   2. the image holds only the binaries and licences, runs as non-root, is
#      under 4 MiB (OpenSSL inside), has no shell, carries the OCI labels;
#   3. with a read-only root file system and an arbitrary UID (as OpenShift
#      runs it), `install` seeds a volume; missing / read-only DIR: exit 73;
#   4. a Redis stand-in (Debian's redis-server, tagged redis:7.0) and a
#      Sentinel mount that volume and run the installed `redis-init run` /
#      `sentinel-init run` (real discovery over the engine's DNS): Redis
#      serves, the Sentinel monitors it.
# Prints "  ok"/"  FAIL" lines and "docker: N passed, M failed".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

VERSION=$(cat "$DK_REPO_DIR/VERSION")
IMAGE=redis-init:$VERSION
APP_UID=1000770000           # an OpenShift-style arbitrary UID, group 0
MiB=$((1024 * 1024))
t_start=$SECONDS

dk_engine_start
dk_base_image debian:bookworm bookworm
dk_image_redis redis:7.0

# ---------------------------------------------------------------- 1. build
# (make test's image-bins.sh built it moments ago from these very files:
# then it is loaded, dk_our_image.)
t0=$SECONDS
if dk_our_image "$IMAGE"; then
    ok "docker build of ./Dockerfile ($((SECONDS - t0)) s)"
else
    fail "docker build of ./Dockerfile"
    summary docker
fi

# A VERSION build argument other than the VERSION file's is refused before
# anything is compiled (the layers before that step are the build's above).
wrong=0.0.0-not-$VERSION
out=$(dk build --network host --build-arg VERSION="$wrong" -t redis-init:wrong "$DK_REPO_DIR" 2>&1) && rc=0 || rc=$?
refused() { ((rc != 0)) && grep -qF "VERSION build argument \"$wrong\" differs from the VERSION file ($VERSION)" <<<"$out"; }
check "docker build --build-arg VERSION=$wrong is refused (exit $rc)" refused
untagged() { ! dk image inspect redis-init:wrong >/dev/null 2>&1; }
check "no image tagged for the refused build" untagged

# ---------------------------------------------------------------- 2. contents
size=$(dk image inspect -f '{{.Size}}' "$IMAGE")
check "image is under 4 MiB ($size bytes)" test "$size" -lt $((4 * MiB))
user=$(dk image inspect -f '{{.Config.User}}' "$IMAGE")
check "USER is numeric and not root ($user)" bash -c '[[ $1 =~ ^[0-9]+(:[0-9]+)?$ && ${1%%:*} != 0 ]]' _ "$user"
label() { dk image inspect -f "{{index .Config.Labels \"org.opencontainers.image.$1\"}}" "$IMAGE"; }
check "label version = $VERSION" test "$(label version)" = "$VERSION"
check "label source = $DK_SOURCE" test "$(label source)" = "$DK_SOURCE"
check "label licenses ($(label licenses))" test "$(label licenses)" = "BSD-3-Clause AND MIT"
check "entrypoint is install" test "$(dk image inspect -f '{{json .Config.Entrypoint}}' "$IMAGE")" \
    = '["/usr/local/bin/redis-init","install"]'

# Every file of every layer, from `docker save`.
mkdir -p "$DK_RUN/save/fs"
dk save "$IMAGE" | tar -x -C "$DK_RUN/save"
for l in "$DK_RUN"/save/*/layer.tar; do tar -x -C "$DK_RUN/save/fs" -f "$l"; done
files=$(cd "$DK_RUN/save/fs" && find . ! -type d | sort | tr '\n' ' ')
want="./licenses/hiredis.txt ./licenses/inih.txt ./licenses/jansson.txt ./licenses/mimalloc.txt ./licenses/musl.txt ./licenses/openssl.txt ./licenses/redis-init.txt ./usr/local/bin/redis-init ./usr/local/bin/sentinel-init "
check "only the binaries and the licences: $files" test "$files" = "$want"
fs=$DK_RUN/save/fs
check "sentinel-init is a link to the one binary" test "$(readlink "$fs/usr/local/bin/sentinel-init")" = redis-init
check "/seed: empty, 0770, owned by 65532:0 (a new volume there copies that)" \
    test "$(stat -c '%a %u:%g' "$fs/seed") $(ls -A "$fs/seed" | wc -l)" = "770 65532:0 0"
finfo=$(file -b "$fs/usr/local/bin/redis-init")
check "the binary is static: $finfo" bash -c '[[ $1 == *"statically linked"* ]]' _ "$finfo"
# Output captured before matching: with pipefail, `cmd | grep -q` fails
# when grep exits early and cmd dies of SIGPIPE.
phdrs=$(readelf -lW "$fs/usr/local/bin/redis-init")
check "no program interpreter, no dynamic section" bash -c '[[ ! $1 =~ (INTERP|DYNAMIC) ]]' _ "$phdrs"
bsize=$(stat -c %s "$fs/usr/local/bin/redis-init")
check "the binary is under 3 MiB ($bsize bytes)" test "$bsize" -lt $((3 * MiB))
for l in musl mimalloc openssl hiredis jansson inih redis-init; do
    check "licence text $l is not empty" test -s "$fs/licenses/$l.txt"
done
no_shell() { ! dk run --rm --network none --entrypoint /bin/sh "$IMAGE" -c true; }
check "no shell: /bin/sh cannot be run" no_shell
out=$(dk run --rm --network none "$IMAGE" --version 2>&1) || true
check "the entrypoint runs: $out" test "$out" = "redis-init $VERSION"
out=$(dk run --rm --network none --entrypoint /usr/local/bin/sentinel-init "$IMAGE" --version 2>&1) || true
check "sentinel-init runs: $out" test "$out" = "sentinel-init $VERSION"

# ---------------------------------------------------------------- 3. install
vol=$DK_RUN/vol
mkdir -p "$vol"/{seed,ro,conf-redis,data-redis,conf-sentinel,secrets}
chown "$APP_UID:0" "$vol"/{seed,conf-redis,data-redis,conf-sentinel}
chmod 0770 "$vol"/{seed,conf-redis,data-redis,conf-sentinel}
as_app=(--rm --read-only --user "$APP_UID:0" --network none --cap-drop ALL --security-opt no-new-privileges)
rc=0; dk run "${as_app[@]}" -v "$vol/seed:/seed" "$IMAGE" >"$DK_RUN/install.log" 2>&1 || rc=$?
check "install into /seed: read-only root, UID $APP_UID, no capabilities (exit $rc)" test "$rc" -eq 0
for n in redis-init sentinel-init; do
    check "seeded $n: mode 0755, owned by $APP_UID" test "$(stat -c '%a %u' "$vol/seed/$n" 2>&1)" = "755 $APP_UID"
    check "seeded $n is the image's binary" cmp -s "$vol/seed/$n" "$fs/usr/local/bin/redis-init"
done
rc=0; dk run "${as_app[@]}" -v "$vol/seed:/seed" "$IMAGE" >/dev/null 2>&1 || rc=$?
check "install again: exit $rc, still exactly two files" \
    test "$rc $(ls -A "$vol/seed" | tr '\n' ' ')" = "0 redis-init sentinel-init "
rc=0; err=$(dk run "${as_app[@]}" "$IMAGE" 2>&1) || rc=$?
check "no volume at /seed (read-only root): exit 73 ($(sed 's/.*msg=//' <<<"$err"))" test "$rc" -eq 73
rc=0; err=$(dk run "${as_app[@]}" -v "$vol/ro:/seed:ro" "$IMAGE" 2>&1) || rc=$?
check "read-only volume: exit 73 ($(sed 's/.*msg=//' <<<"$err"))" test "$rc" -eq 73

# ---------------------------------------------------------------- 4. Redis
# One redis pod and one sentinel on a network of their own. Container
# names resolve through the engine's DNS (the StatefulSet names are network
# aliases); any other name is forwarded to an unused address of this
# network (--dns), so no lookup ever leaves it.
net=ri-dk-$$
subnet=10.232.$((RANDOM % 200 + 20))
dk_network "$net" "$subnet.0/24"
ns=redis-docker
fqdn() { printf '%s-0.%s.%s.svc.cluster.local' "$1" "$1" "$ns"; }
REDIS_FQDN=$(fqdn redis-cluster-server)
pw_admin='adm%in/\&#$ "x' pw_service="svc 'p%s\\z"
jq -n --arg a "$pw_admin" --arg v "$pw_service" '{data: {
    REPLICA_USERNAME: "replica-user", REPLICA_PASSWORD: "rep/l#ica",
    SENTINEL_USERNAME: "sentinel-user", SENTINEL_PASSWORD: "sen&ti$nel",
    SENTINEL_SYNC_USERNAME: "sentinel-sync", SENTINEL_SYNC_PASSWORD: "sy\\nc",
    ADMIN_USERNAME: "admin", ADMIN_PASSWORD: $a,
    SERVICE_USERNAME: "api_service", SERVICE_PASSWORD: $v,
    DEFAULT_USER_PASS: "unused"}}' >"$vol/secrets/config.json"
chown "$APP_UID:0" "$vol/secrets/config.json" && chmod 0400 "$vol/secrets/config.json"
cat >"$vol/settings.ini" <<EOF
[cluster]
namespace = $ns
redis-replicas = 1
sentinel-replicas = 1
[discovery]
probe-timeout = 500
round-interval = 500
deadline = 60000
EOF
chmod 0444 "$vol/settings.ini"
pod() {  # pod NAME SERVICE CONF-VOL [DATA-VOL] -- COMMAND...: a pod's main container
    local name=$1 svc=$2 conf=$3 data=${4:-}; shift 4
    local m=(-v "$vol/seed:/redis-init:ro" -v "$vol/$conf:/conf" -v "$vol/secrets:/secrets:ro"
             -v "$vol/settings.ini:/etc/redis-init/settings.ini:ro")
    [[ -n $data ]] && m+=(-v "$vol/$data:/data")
    dk run -d --name "$name" --hostname "$name" --network "$net" --network-alias "$(fqdn "$svc")" \
        --dns "$subnet.254" --read-only --tmpfs /tmp --user "$APP_UID:0" --cap-drop ALL \
        --security-opt no-new-privileges -e POD_NAME="$name" -e POD_NAMESPACE="$ns" \
        -e REDIS_INIT_CONFIG=/etc/redis-init/settings.ini -e REDIS_INIT_SECRETS=/secrets/config.json \
        "${m[@]}" "$@" >/dev/null 2>"$DK_RUN/run-$name.err" ||
        { cat "$DK_RUN/run-$name.err" >&2; return 1; }
}
# The sentinel first: it waits (rule T3) until a redis pod answers as
# master, and meanwhile its name resolves and its port refuses, so redis-0
# sees it down, not unknown, and bootstraps (rule B5).
pod redis-cluster-sentinel-0 redis-cluster-sentinel conf-sentinel "" \
    --entrypoint /redis-init/sentinel-init redis:7.0 run
pod redis-cluster-server-0 redis-cluster-server conf-redis data-redis \
    --entrypoint /redis-init/redis-init redis:7.0 run -d /data

serves() { [[ $(dk_cli redis-cluster-server-0 6379 api_service "$pw_service" PING) == PONG ]]; }
if wait_for 60 serves; then
    ok "redis-0 runs the seeded redis-init run and serves (PING as api_service)"
else
    fail "redis-0 does not serve within 60 s"
    dk logs redis-cluster-server-0 2>&1 | tail -20
    dk logs redis-cluster-sentinel-0 2>&1 | tail -10
fi
check "SET as the service user" test "$(dk_cli redis-cluster-server-0 6379 api_service "$pw_service" SET k v1)" = OK
check "GET returns it" test "$(dk_cli redis-cluster-server-0 6379 api_service "$pw_service" GET k)" = v1
default_off() { [[ $(dk exec redis-cluster-server-0 redis-cli --raw PING 2>&1) == *NOAUTH* ]]; }
check "the default user is off (NOAUTH)" default_off
logs_have() { local out; out=$(dk logs "$1" 2>&1); [[ $out == *"$2"* ]]; }
check "redis-0 bootstrapped by rule B5" logs_have redis-cluster-server-0 "rule=B5"
role=$(dk_cli redis-cluster-server-0 6379 admin "$pw_admin" ROLE | head -1)
check "redis-0 is master ($role)" test "$role" = master
# redis-init run stays as PID 1, the server's init; the server is its child.
proc_of() { dk exec redis-cluster-server-0 cat "/proc/$1/status" | awk '/^Name:/ {n=$2} /^Uid:/ {u=$2} END {print n, u}'; }
pid1=$(proc_of 1)
check "PID 1 is redis-init (the init) as UID $APP_UID ($pid1)" test "$pid1" = "redis-init $APP_UID"
child=$(dk exec redis-cluster-server-0 cat /proc/1/task/1/children | awk '{print $1}')
pchild=$(proc_of "${child:-0}" 2>/dev/null)
check "its child is redis-server as UID $APP_UID ($pchild)" test "$pchild" = "redis-server $APP_UID"
monitors() {
    [[ $(dk_cli redis-cluster-sentinel-0 26379 admin "$pw_admin" SENTINEL get-master-addr-by-name mymaster | head -1) == "$REDIS_FQDN" ]]
}
check "the sentinel runs the seeded sentinel-init run and monitors $REDIS_FQDN" wait_for 60 monitors
check "the sentinel chose it by rule T2" logs_have redis-cluster-sentinel-0 "rule=T2"
no_secret() {
    local c
    for c in redis-cluster-server-0 redis-cluster-sentinel-0; do
        local argv logs
        argv=$(dk exec "$c" cat /proc/1/cmdline | tr '\0' ' ') && [[ -n $argv ]] || return 1
        logs=$(dk logs "$c" 2>&1) && [[ -n $logs ]] || return 1
        [[ $argv$logs != *"adm%in"* && $argv$logs != *"svc 'p%s"* ]] || return 1
    done
}
check "no password on PID 1's argv or in the logs" no_secret

if ((FAIL)); then
    for c in redis-cluster-server-0 redis-cluster-sentinel-0; do
        echo "---------- logs of $c ----------"
        dk logs "$c" 2>&1 | tail -30
    done
fi
dk rm -f redis-cluster-server-0 redis-cluster-sentinel-0 >/dev/null
dk network rm "$net" >/dev/null
echo "docker: total $((SECONDS - t_start)) s"
summary docker
