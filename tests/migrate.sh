#!/bin/sh
# medbenefit migrate (tools/migrate.c) on rulesets of the 1.0 format (tests/migrate/): each is
# refused as written, naming the command that rewrites it; the rewrite keeps the file as written
# (the old text is its beginning), adds what format 2 requires with assumptions saying so, loads,
# settles every claim of the chains that use it as the bundled ruleset does, and is printed
# unchanged when migrated again. Also: format 1 written out, a basic ruleset without account,
# and what migrate refuses. Usage: migrate.sh MEDBENEFIT (from the source root).
set -u
exe=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
ko() { failed=$((failed + 1)); echo "FAIL: $*"; }

mkdir "$dir/against"
cp rulesets/*.yaml "$dir/against/"
for old in tests/migrate/*.yaml; do
    name=$(basename "$old")
    out=$("$exe" validate "$old" 2>&1)
    if [ $? -eq 1 ] && echo "$out" | grep -qF "a ruleset written for 1.0: 'medbenefit migrate FILE > NEW.yaml' rewrites it"; then
        ok
    else
        ko "$name as written: expected refused with the migrate hint, got: $out"
    fi
    if "$exe" migrate "$old" >"$dir/$name" 2>"$dir/err"; then ok; else ko "migrate $name: $(cat "$dir/err")"; fi
    size=$(wc -c <"$old")
    if head -c "$size" "$dir/$name" | cmp -s - "$old"; then ok; else ko "$name: the rewrite does not begin with the file as written"; fi
    out=$("$exe" validate "$dir/$name" 2>&1)
    if [ $? -eq 0 ] && echo "$out" | grep -q "assumption class_b_first_selfpay: migrated from the 1.0 format" &&
        echo "$out" | grep -q "assumption upstream: migrated from the 1.0 format"; then ok; else
        ko "$name migrated: expected valid with the migrated assumptions, got: $out"
    fi
    if grep -qx "format: 2" "$dir/$name"; then ok; else ko "$name migrated: no 'format: 2'"; fi
    "$exe" migrate "$dir/$name" >"$dir/again" 2>&1
    if cmp -s "$dir/again" "$dir/$name"; then ok; else ko "$name: migrating format 2 again changed it"; fi
    cp "$dir/$name" "$dir/against/$name"
done

# the migrated rulesets settle every claim of their chains as the bundled ones do; but for the
# scenarios of 外伤住院, 转外诊治住院 and 急诊转住院, which the bundled rulesets take since 1.1
# (any_inpatient) and a file of the 1.0 format cannot name
scenarios=$(grep -LE "med_type: (trauma_inpatient|referred_out_inpatient|emergency_inpatient)" \
    tests/conformance/chain-*.yaml tests/conformance/assistance-*.yaml)
# shellcheck disable=SC2086 # one scenario file a word
out=$("$exe" compare --rulesets rulesets --against "$dir/against" $scenarios 2>&1)
if [ $? -eq 0 ] && echo "$out" | grep -qE "^[0-9]+ claims, 0 settle differently, [0-9]+ refused alike, 0 could not be compared$"; then
    ok
else
    ko "compare with the migrated rulesets: $(echo "$out" | head -n 5)"
fi

# a basic ruleset of 1.0 without account or class_b_first_selfpay, and format 1 written out
cat >"$dir/basic.yaml" <<'YAML'
id: basic-old
title: 测试
document: 测试〔2020〕1号
tier: basic
format: 1
effective_from: 2020-01-01
funds:
  - {key: pooling, employee: "310100", name: 统筹基金, amount: hifp_pay}
layers:
  - {id: outpatient, cite: 测试〔2020〕1号 一, med_types: [general_outpatient], fund: pooling, ratio: [{all: 50%}]}
YAML
out=$("$exe" validate "$dir/basic.yaml" 2>&1)
if [ $? -eq 1 ] && echo "$out" | grep -qF "format 1 is the 1.0 format, which this library no longer reads as written: 'medbenefit migrate FILE > NEW.yaml' rewrites it as format 2, got '1'"; then
    ok
else
    ko "format 1: expected refused with the migrate hint, got: $out"
fi
"$exe" migrate "$dir/basic.yaml" >"$dir/basic2.yaml"
out=$("$exe" validate "$dir/basic2.yaml" 2>&1)
if [ $? -eq 0 ] && echo "$out" | grep -q "assumption account: migrated from the 1.0 format" &&
    grep -qx "format: 2" "$dir/basic2.yaml" && ! grep -q "^upstream:" "$dir/basic2.yaml"; then ok; else
    ko "basic migrated: expected format 2, account added, no upstream; got: $out"
fi
out=$("$exe" validate "$dir/basic2.yaml" 2>&1 | grep -c "migrated from the 1.0 format")
if [ "$out" -eq 2 ]; then ok; else ko "basic migrated: $out migrated assumptions, expected 2"; fi

# refused: two files (usage), a file that is no ruleset
"$exe" migrate a.yaml b.yaml >/dev/null 2>"$dir/err"
if [ $? -eq 2 ] && grep -qF "'migrate' rewrites one ruleset per call" "$dir/err"; then ok; else ko "two files: $(cat "$dir/err")"; fi
printf -- '- a\n- b\n' >"$dir/list.yaml"
"$exe" migrate "$dir/list.yaml" >/dev/null 2>"$dir/err"
if [ $? -eq 1 ] && grep -qF "a ruleset is a mapping of keys, not a sequence" "$dir/err"; then ok; else ko "a list: $(cat "$dir/err")"; fi
printf 'id: x\nlayers: []\n' >"$dir/notier.yaml"
"$exe" migrate "$dir/notier.yaml" >/dev/null 2>"$dir/err"
if [ $? -eq 1 ] && grep -qF "no 'tier': is this a ruleset?" "$dir/err"; then ok; else ko "no tier: $(cat "$dir/err")"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
