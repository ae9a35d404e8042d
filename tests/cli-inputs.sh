#!/bin/sh
# The CLI reads scenario files that are regular files only: a FIFO would block `check` forever,
# and a directory or a missing file must say why it cannot be read. A 10 s timeout turns a hang
# into a failure. A run keeps every ruleset it names loaded, past 64. Output that cannot be
# written fails the run. A platform request past what is read is refused by its length.
# Usage: cli-inputs.sh MEDBENEFIT (run from the source root).
set -u
exe=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkfifo "$dir/pipe.yaml"
mkdir "$dir/folder.yaml"
passed=0
failed=0
refuses() { # FILE TEXT: check must fail, within the timeout, saying TEXT
    out=$(timeout 10 "$exe" check "$1" 2>&1)
    rc=$?
    if [ "$rc" -eq 124 ]; then
        failed=$((failed + 1)); echo "FAIL: check $1 blocked for 10 s"
    elif [ "$rc" -ne 0 ] && echo "$out" | grep -qF -- "$2"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); echo "FAIL: check $1 (exit $rc), expected '$2' in:"; echo "$out"
    fi
}
refuses "$dir/pipe.yaml" "pipe.yaml: cannot read: not a regular file"
refuses "$dir/folder.yaml" "folder.yaml: cannot read: not a regular file"
refuses "$dir/missing.yaml" "missing.yaml: cannot read: No such file or directory"
# "-" is standard input, piped in: read, not refused
if out=$(cat docs/examples/wuxi-chronic-basic.yaml | timeout 10 "$exe" check --rulesets rulesets - 2>&1) &&
    echo "$out" | grep -q "^PASS"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); echo "FAIL: check - (standard input):"; echo "$out"
fi
# A run keeps every ruleset it names loaded, however many: 70 cities, one scenario each
mkdir "$dir/cities"
i=1
while [ "$i" -le 70 ]; do
    sed "s/^id: wuxi-medical-assistance-2023/id: city-$i/" rulesets/wuxi-medical-assistance-2023.yaml \
        >"$dir/cities/city-$i.yaml"
    sed "s/^rulesets: \[wuxi-medical-assistance-2023\]/rulesets: [city-$i]/" \
        docs/examples/assistance-hardship-worker.yaml >"$dir/city-$i.scenario.yaml"
    i=$((i + 1))
done
out=$(timeout 60 "$exe" check --rulesets "$dir/cities" "$dir"/city-*.scenario.yaml 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && [ "$(echo "$out" | grep -c "^PASS")" -eq 70 ]; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); echo "FAIL: check of 70 scenarios on 70 rulesets (exit $rc):"
    echo "$out" | grep -v "^PASS" | head -n 5
fi
# What a command prints must be written: on a full disk (/dev/full) each command fails, exit 2,
# and says so, where it had ended as a success with its output lost
if [ -w /dev/full ]; then
    for cmd in check settle explain; do
        out=$("$exe" "$cmd" --rulesets rulesets docs/examples/wuxi-chronic-basic.yaml 2>&1 >/dev/full)
        rc=$?
        if [ "$rc" -eq 2 ] &&
            [ "$out" = "medbenefit: cannot write standard output: No space left on device" ]; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1)); echo "FAIL: $cmd >/dev/full (exit $rc): $out"
        fi
    done
    for args in "--version" "validate --rulesets rulesets wuxi-employee-chronic-2021" \
        "compare --rulesets rulesets --against rulesets docs/examples/wuxi-chronic-basic.yaml"; do
        # shellcheck disable=SC2086
        "$exe" $args >/dev/full 2>/dev/null
        rc=$?
        if [ "$rc" -eq 2 ]; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1)); echo "FAIL: medbenefit $args >/dev/full: exit $rc, not 2"
        fi
    done
fi
# A request past the 8 MiB the platform reads is refused by its length (infcode -1, exit 1),
# read no further than a byte past it: from a file of 20 MiB, and from a stream without end,
# where it had been read to 16 MiB and refused as "16777216 bytes" whatever its length
head -c 20971520 /dev/zero | tr '\0' ' ' >"$dir/big.json"
for src in "$dir/big.json" "- </dev/zero"; do
    out=$(eval timeout 20 "\"\$exe\"" platform --rulesets rulesets "$src" 2>&1)
    rc=$?
    if [ "$rc" -eq 1 ] && echo "$out" | grep -qF '"infcode": -1' &&
        echo "$out" | grep -qF "the request is longer than 8 MiB (8388608 bytes)"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); echo "FAIL: platform $src (exit $rc): $(echo "$out" | head -c 300)"
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
