#!/usr/bin/env bash
# Run every Check suite binary given; print a total line; fail if any failed.
set -u
pass=0 fail=0 failed=()
for t in "$@"; do
    if out=$("$t" 2>&1); then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); failed+=("$t")
    fi
    printf '%s\n' "$out" | sed -n 's/^[0-9]*%: /'"$(basename "$t")"': /p'
    [ -z "${failed[*]:-}" ] || [ "${failed[-1]}" != "$t" ] || printf '%s\n' "$out" | grep -v '^Running suite' | tail -n 40
done
echo "unit suites: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
