# shellcheck shell=bash
# e2e/lib/dns.sh: the pods' DNS: dnsmasq, the published names, holding a name back.
# Part of test/e2e/lib.sh, which sources it.

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
