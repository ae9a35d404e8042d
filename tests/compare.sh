#!/bin/sh
# What-if: Wuxi's in-service ratio raised from 70% to 75% in a copy of the ruleset; the shared
# example claim (1200 - 500 deductible) then pays 700 x 75% = 525.00 instead of 490.00.
# Usage: compare.sh MEDBENEFIT   (run from the source root). Prints "N passed, N failed".
set -u
exe=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed 's/in_service: 70%/in_service: 75%/' rulesets/wuxi-employee-chronic-2021.yaml \
    >"$dir/wuxi-employee-chronic-2021.yaml"
cat >"$dir/claim.yaml" <<'YAML'
name: what-if, Wuxi in service
rulesets: [wuxi-employee-chronic-2021]
enrollee: {id: E1, scheme: employee, person_type: in_service, designated_facility: H001,
           diseases: [{name: 糖尿病, certified_on: 2021-01-05}]}
claims:
  - {id: C1, date: 2021-02-01, med_type: chronic, facility: {id: H001, level: tertiary},
     disease: 糖尿病, items: [{amount: 1200.00, class: A}]}
  - {id: C2, date: 2021-02-02, med_type: chronic, facility: {id: H001, level: tertiary},
     disease: 糖尿病, items: [{amount: 100.005, class: A}]}
YAML
out=$("$exe" compare --against "$dir" "$dir/claim.yaml")
rc=$?
passed=0
failed=0
expect() {
    if echo "$out" | grep -qF -- "$1"; then passed=$((passed + 1)); else
        failed=$((failed + 1)); echo "FAIL: expected '$1' in:"; echo "$out"; fi
}
expect "C1 basic: 490.00 -> 525.00 (+35.00)"
expect "C1 cash_pay: 710.00 -> 675.00 (-35.00)"
expect "2 claims, 1 settle differently, 1 refused alike, 0 could not be compared"
[ "$rc" -eq 0 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: exit $rc"; }
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
