# shellcheck shell=bash
# test/k8s/lib.sh: what run.sh and test_chart.sh share: the npm packages of
# validate.mjs, and the two verdicts. The caller sets here (this folder) and
# out (a scratch folder), and sources test/lib/assert.sh (ok, fail).

# k8s_npm: the API schemas' packages (package-lock.json), installed once.
k8s_npm() {
    local p
    for p in kubernetes-models @kubernetes-models/cert-manager @kubernetes-models/prometheus-operator; do
        [[ -f $here/node_modules/$p/package.json ]] && continue
        (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2) || { echo "k8s: npm ci in test/k8s failed" >&2; exit 1; }
        return 0
    done
}

# expect_pass WHAT CMD...: CMD exits 0 (its last line shown; its output on failure)
expect_pass() {
    local what=$1; shift
    if "$@" >"$out/log" 2>&1; then ok "$what ($(grep -v '^$' "$out/log" | tail -1 | cut -c1-160))"; else
        fail "$what"; grep -v '^ok ' "$out/log" | head -20; fi
}
# expect_reject WHAT MESSAGE CMD...: CMD exits non-zero and says MESSAGE
expect_reject() {
    local what=$1 msg=$2; shift 2
    if "$@" >"$out/log" 2>&1; then
        fail "$what: accepted"
    elif grep -qF -- "$msg" "$out/log"; then
        ok "$what: rejected ($(grep -F -- "$msg" "$out/log" | head -1 | sed 's/^ *//' | cut -c1-150))"
    else
        fail "$what: rejected, but not with \"$msg\""; grep -v '^ok ' "$out/log" | head -10
    fi
}
