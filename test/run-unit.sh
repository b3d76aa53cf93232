#!/usr/bin/env bash
# Run every Check suite binary given; show each suite's summary; fail if any failed.
set -u
pass=0 fail=0
for t in "$@"; do
    rc=0
    out=$("$t" 2>&1) || rc=$?
    printf '%-28s %s\n' "$(basename "$t")" "$(printf '%s\n' "$out" | grep -E '^[0-9]+%: Checks:' | tail -1)"
    if [ "$rc" -eq 0 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        printf '%s\n' "$out" | grep -v '^Running suite' | tail -n 40
    fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
