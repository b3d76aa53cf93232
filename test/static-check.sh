#!/usr/bin/env bash
# static-check.sh [DIR]: the acceptance of `make static` on DIR (bin/static):
# both names exist, `file` says statically linked, no program interpreter
# and no dynamic section (so no NSS, no libc to find at run time), one file
# under two names (a hard link), under 3 MiB with OpenSSL inside (the image
# must stay under 4 MiB: test/docker/test_image.sh), and --version runs
# under each name in an empty environment.
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
    ((sz < 3 * 1048576)) || { echo "  FAIL  $f is $sz bytes (>= 3 MiB)"; fail=1; }
    total=$sz
    out=$(env -i "$f" --version 2>&1)
    [[ $out == "$n $version" ]] || { echo "  FAIL  $f --version: $out"; fail=1; }
    echo "  $n: $sz bytes, $(cut -d, -f1-5 <<<"$info")"
done
[[ $dir/redis-init -ef $dir/sentinel-init ]] || { echo "  FAIL  the two names are two files"; fail=1; }
echo "static-check ($dir): $([ $fail = 0 ] && echo ok || echo FAILED), one binary of $total bytes under two names"
exit $fail
