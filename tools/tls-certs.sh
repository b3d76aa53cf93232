#!/usr/bin/env bash
# tls-certs.sh: a development CA and certificates for redis-init's TLS
# (docs/tls.md), with the openssl command line. Not for production: use your
# PKI or cert-manager there.
#
#   tools/tls-certs.sh ca DIR [CN]
#       DIR/ca.crt, DIR/ca.key: a new CA (EC P-256, 10 years).
#   tools/tls-certs.sh cert CA_DIR OUT_DIR NAME... [options]
#       OUT_DIR/tls.crt, tls.key and ca.crt (a copy of the CA bundle): the
#       layout of a Kubernetes TLS Secret with its CA. The first NAME is the
#       subject's CN (its first label when longer than a CN may be); every
#       NAME is a DNS SAN (an IP address, an IP SAN).
#       Options:
#         --days N                valid for N days from now (default 365)
#         --from YYYYMMDDHHMMSSZ  not before (with --until: any period,
#         --until YYYYMMDDHHMMSSZ   past or future: expired, not yet valid)
#         --server-only           EKU serverAuth only (no clientAuth)
#         --key-of DIR            reuse DIR/tls.key (a renewal, same key)
#   tools/tls-certs.sh compose CA_DIR OUT_DIR
#       one folder per container of docker-compose.yml (docker-compose.tls.yml
#       mounts them): redis-0..2 and sentinel-0..2 named as the compose
#       host-pattern "{service}-{i}" names them, router (its service name),
#       webdis (a client). Keys 0640 and folders 0750, group 0: the
#       containers run as 999:0.
#   tools/tls-certs.sh cluster CA_DIR OUT_DIR [settings]
#       one certificate per pod of a redis-init cluster, OUT_DIR/<pod>/,
#       named as [cluster] host-pattern names them: the servers, the
#       sentinels (every name a pod is reached by), from environment
#       variables NAMESPACE (default), DOMAIN (cluster.local), REDIS_SERVICE
#       (redis-cluster-server), SENTINEL_SERVICE (redis-cluster-sentinel),
#       REDIS_REPLICAS and SENTINEL_REPLICAS (3), and ROUTER_SERVICE
#       (redis-cluster-router; its names go into OUT_DIR/router/).
#
# Keys are written 0600. Certificates carry serverAuth and clientAuth:
# Redis and Sentinel present their server certificate as their client
# certificate when client certificates are required.
set -euo pipefail
umask 077

die() { echo "tls-certs.sh: $*" >&2; exit 64; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

make_ca() {
    local dir=$1 cn=${2:-redis-init development CA}
    mkdir -p "$dir"
    ec_key "$dir/ca.key"
    openssl req -x509 -new -key "$dir/ca.key" -sha256 -days 3650 -subj "/CN=$cn" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$dir/ca.crt" 2>/dev/null
    chmod 0644 "$dir/ca.crt"
}

# openssl ca (not x509 -req): it takes any start and end date.
ca_config() {
    local ca=$1 db=$2
    mkdir -p "$db/new"
    [[ -f $db/index.txt ]] || : > "$db/index.txt"
    [[ -f $db/serial ]] || openssl rand -hex 16 > "$db/serial"
    cat <<EOF
[ ca ]
default_ca = dev
[ dev ]
database = $db/index.txt
new_certs_dir = $db/new
certificate = $ca/ca.crt
private_key = $ca/ca.key
serial = $db/serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[ any ]
commonName = supplied
EOF
}

make_cert() {
    local ca=$1 out=$2; shift 2
    local names=() days=365 from='' until='' eku=serverAuth,clientAuth key_of=''
    while (($#)); do
        case $1 in
        --days) days=$2; shift ;;
        --from) from=$2; shift ;;
        --until) until=$2; shift ;;
        --server-only) eku=serverAuth ;;
        --key-of) key_of=$2; shift ;;
        -*) die "unknown option $1" ;;
        *) names+=("$1") ;;
        esac
        shift
    done
    ((${#names[@]})) || die "cert: at least one NAME"
    [[ -f $ca/ca.crt && -f $ca/ca.key ]] || die "cert: no CA in $ca (tls-certs.sh ca $ca)"
    mkdir -p "$out"
    local san='' n tmp
    for n in "${names[@]}"; do
        if [[ $n =~ ^[0-9.]+$ || $n == *:* ]]; then san+="IP:$n,"; else san+="DNS:$n,"; fi
    done
    tmp=$(mktemp -d "$scratch/cert.XXXXXX")
    if [[ -n $key_of ]]; then cp "$key_of/tls.key" "$out/tls.key.new"; else ec_key "$out/tls.key.new"; fi
    # A CN holds at most 64 bytes, and clients match the SANs anyway.
    local cn=${names[0]}
    ((${#cn} <= 64)) || cn=${cn%%.*}
    openssl req -new -key "$out/tls.key.new" -subj "/CN=$cn" -out "$tmp/csr" 2>"$tmp/log" ||
        { cat "$tmp/log" >&2; exit 1; }
    printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
        "extendedKeyUsage=$eku" "subjectAltName=${san%,}" > "$tmp/ext"
    ca_config "$ca" "$ca/.db" > "$tmp/cnf"
    local period=(-days "$days")
    [[ -n $from || -n $until ]] && period=(-startdate "${from:?--from and --until go together}" \
        -enddate "${until:?--from and --until go together}")
    openssl ca -batch -notext -config "$tmp/cnf" -extfile "$tmp/ext" "${period[@]}" \
        -in "$tmp/csr" -out "$out/tls.crt.new" 2>"$tmp/log" || { cat "$tmp/log" >&2; exit 1; }
    cp "$ca/ca.crt" "$out/ca.crt.new"
    chmod 0644 "$out/tls.crt.new" "$out/ca.crt.new"
    # Renamed last: a reader never sees a key without its certificate.
    mv "$out/tls.key.new" "$out/tls.key"
    mv "$out/tls.crt.new" "$out/tls.crt"
    mv "$out/ca.crt.new" "$out/ca.crt"
}

make_compose() {
    local ca=$1 out=$2 n
    for n in redis-0 redis-1 redis-2 sentinel-0 sentinel-1 sentinel-2 router webdis; do
        make_cert "$ca" "$out/$n" "$n"
    done
    chgrp -R 0 "$out" && chmod -R g+rX "$out"
}

make_cluster() {
    local ca=$1 out=$2 ns=${NAMESPACE:-default} dom=${DOMAIN:-cluster.local}
    local rs=${REDIS_SERVICE:-redis-cluster-server} ss=${SENTINEL_SERVICE:-redis-cluster-sentinel}
    local router=${ROUTER_SERVICE:-redis-cluster-router} i svc
    for ((i = 0; i < ${REDIS_REPLICAS:-3}; i++)); do
        make_cert "$ca" "$out/$rs-$i" "$rs-$i.$rs.$ns.svc.$dom"
    done
    for ((i = 0; i < ${SENTINEL_REPLICAS:-3}; i++)); do
        make_cert "$ca" "$out/$ss-$i" "$ss-$i.$ss.$ns.svc.$dom"
    done
    svc=$router.$ns.svc
    make_cert "$ca" "$out/router" "$svc.$dom" "$svc" "$router.$ns" "$router"
}

case ${1:-} in
ca) (($# >= 2)) || die "usage: ca DIR [CN]"; make_ca "$2" "${3:-}" ;;
cert) (($# >= 4)) || die "usage: cert CA_DIR OUT_DIR NAME... [options]"; make_cert "${@:2}" ;;
cluster) (($# == 3)) || die "usage: cluster CA_DIR OUT_DIR"; make_cluster "$2" "$3" ;;
compose) (($# == 3)) || die "usage: compose CA_DIR OUT_DIR"; make_compose "$2" "$3" ;;
*) die "usage: tls-certs.sh ca|cert|cluster|compose ... (see the top of this file)" ;;
esac
