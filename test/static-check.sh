#!/usr/bin/env bash
# static-check.sh [DIR]: the acceptance of `make static` on DIR (bin/static):
# both names exist, `file` says statically linked, no program interpreter
# and no dynamic section (so no NSS, no libc to find at run time), each under
# 1 MiB (both under 600 KiB even as two copies), and --version runs under
# each name in an empty environment.
set -uo pipefail
dir=${1:-bin/static}
version=$(cat "$(dirname "$0")/../VERSION")
fail=0 total=0
for n in redis-init sentinel-init; do
    f=$dir/$n
    [[ -x $f ]] || { echo "  FAIL  $f missing"; exit 1; }
    info=$(file -b "$f")
    [[ $info == *"statically linked"* ]] || { echo "  FAIL  $f: $info"; fail=1; }
    phdrs=$(readelf -lW "$f")
    [[ ! $phdrs =~ (INTERP|DYNAMIC) ]] || { echo "  FAIL  $f has INTERP/DYNAMIC"; fail=1; }
    sz=$(stat -c %s "$f")
    ((sz < 1048576)) || { echo "  FAIL  $f is $sz bytes (>= 1 MiB)"; fail=1; }
    total=$((total + sz))
    out=$(env -i "$f" --version 2>&1)
    [[ $out == "$n $version" ]] || { echo "  FAIL  $f --version: $out"; fail=1; }
    echo "  $n: $sz bytes, $(cut -d, -f1-5 <<<"$info")"
done
((total < 600 * 1024)) || { echo "  FAIL  both together $total bytes (>= 600 KiB)"; fail=1; }
echo "static-check ($dir): $([ $fail = 0 ] && echo ok || echo FAILED), both names $total bytes as two copies"
exit $fail
