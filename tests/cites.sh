#!/bin/sh
# The scenario format's `cites` expectation (docs/scenario-format.md) in `medbenefit check`: a
# claim whose trace cites each expected clause passes; a wrong clause, a clause's mere prefix,
# or a rule missing from the trace fails, saying what the trace cites; a malformed entry is
# refused with its line. Usage: cites.sh MEDBENEFIT (from the source root). "N passed, N failed".
set -u
exe=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
passed=0
failed=0
expect() {
    if echo "$out" | grep -qF -- "$1"; then passed=$((passed + 1)); else
        failed=$((failed + 1)); echo "FAIL: expected '$1' in:"; echo "$out"; fi
}
status() {
    if [ "$rc" -eq "$1" ]; then passed=$((passed + 1)); else
        failed=$((failed + 1)); echo "FAIL: exit $rc, expected $1"; fi
}

out=$("$exe" check --rulesets rulesets tests/scenario-cites/pass.yaml)
rc=$?
expect "PASS tests/scenario-cites/pass.yaml [cites pass, Wuxi in service] C1"
expect "1 passed, 0 failed"
status 0

out=$("$exe" check --rulesets rulesets tests/scenario-cites/fail.yaml)
rc=$?
expect "FAIL tests/scenario-cites/fail.yaml [cites fail, Wuxi in service] F1
    cites chronic.deductible: expected '锡医保服务〔2020〕41号 三（在职人员个人自付满500元以上部分，由基金支付70%……退休人员个人自付满300元以上部分，由基金支付85%）', got '锡医保服务〔2020〕41号 三（在职人员个人自付满500元以上部分……退休人员个人自付满300元以上部分）'"
expect "FAIL tests/scenario-cites/fail.yaml [cites fail, Wuxi in service] F2
    cites chronic.ratio: expected '锡医保服务〔2020〕41号 三', got '锡医保服务〔2020〕41号 三（在职人员个人自付满500元以上部分，由基金支付70%……退休人员个人自付满300元以上部分，由基金支付85%）'"
expect "FAIL tests/scenario-cites/fail.yaml [cites fail, Wuxi in service] F3
    cites chronic.cap: no step of this rule in the trace"
expect "0 passed, 3 failed"
status 1

# an entry without its cite, and an unknown key in an entry
sed 's/{rule: chronic, cite: 锡医保服务〔2020〕41号 三}/{rule: chronic}/' \
    tests/scenario-cites/pass.yaml >"$dir/no-cite.yaml"
out=$("$exe" check --rulesets rulesets "$dir/no-cite.yaml")
rc=$?
expect "cites[2]: rule and cite are required"
status 1
sed 's/{rule: chronic, cite:/{rule: chronic, clause:/' tests/scenario-cites/pass.yaml >"$dir/bad-key.yaml"
out=$("$exe" check --rulesets rulesets "$dir/bad-key.yaml" 2>&1)
rc=$?
expect "bad-key.yaml:19: Unexpected key: clause"
status 1

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
