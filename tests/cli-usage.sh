#!/bin/sh
# What an integrator expects of a command-line program: an unknown command or option is answered
# as such (exit 2, the command named, where to look), never read as a file; option values as
# "--opt VALUE" or "--opt=VALUE"; "--" before arguments beginning with '-'; 'help COMMAND' the
# same as 'COMMAND --help'; and a manual page (docs/medbenefit.1) that describes every command
# and option the help lists, renders without warnings and carries the program's version.
# Usage: cli-usage.sh MEDBENEFIT (run from the source root). Prints "N passed, N failed".
set -u
exe=$1
man_page=docs/medbenefit.1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
ko() { failed=$((failed + 1)); echo "FAIL: $*"; }

# usage ARGS... -- MESSAGE: exit 2, nothing on stdout, exactly MESSAGE on stderr
usage() {
    args=""
    while [ "$1" != "--" ]; do args="$args $1"; shift; done
    shift
    # shellcheck disable=SC2086
    "$exe" $args >"$dir/out" 2>"$dir/err"
    rc=$?
    if [ "$rc" -eq 2 ] && [ ! -s "$dir/out" ] && [ "$(cat "$dir/err")" = "$1" ]; then ok; else
        ko "medbenefit$args: exit $rc, stdout '$(cat "$dir/out")', stderr '$(cat "$dir/err")', expected '$1'"
    fi
}

for cmd in check settle explain validate assess compare platform; do
    usage "$cmd" --format json x.yaml -- \
        "medbenefit: unknown option '--format' for '$cmd' (see medbenefit $cmd --help)"
    usage "$cmd" -x -- "medbenefit: unknown option '-x' for '$cmd' (see medbenefit $cmd --help)"
done
usage frobnicate -- "medbenefit: unknown command 'frobnicate' (see medbenefit --help)"
usage frobnicate docs/examples/wuxi-chronic-basic.yaml -- \
    "medbenefit: unknown command 'frobnicate' (see medbenefit --help)"
usage help frobnicate -- "medbenefit: unknown command 'frobnicate' (see medbenefit --help)"
usage --format -- "medbenefit: unknown option '--format' (see medbenefit --help)"
# an option of another command is not one of this command's
usage check --against rulesets x.yaml -- \
    "medbenefit: unknown option '--against' for 'check' (see medbenefit check --help)"
usage platform --against rulesets -- \
    "medbenefit: unknown option '--against' for 'platform' (see medbenefit platform --help)"
usage check --rulesets -- \
    "medbenefit: option '--rulesets' needs a value: --rulesets DIR (see medbenefit check --help)"
usage settle --rulesets= x.yaml -- \
    "medbenefit: option '--rulesets' needs a value: --rulesets DIR (see medbenefit settle --help)"
usage platform --state -- \
    "medbenefit: option '--state' needs a value: --state DIR (see medbenefit platform --help)"
usage check -- "medbenefit: 'check' needs FILE... (see medbenefit check --help)"
usage assess jiaozuo-chronic-2022 -- \
    "medbenefit: 'assess' needs RULESET DISEASE [FINDING...] (see medbenefit assess --help)"
usage compare docs/examples/wuxi-chronic-basic.yaml -- \
    "medbenefit: 'compare' needs --against DIR (see medbenefit compare --help)"
usage platform a.json b.json -- \
    "medbenefit: 'platform' answers one request per call (see medbenefit platform --help)"

# --opt=VALUE is --opt VALUE; after "--" a '-' file name is a file
if out=$("$exe" check --rulesets=rulesets docs/examples/wuxi-chronic-basic.yaml 2>&1) &&
    echo "$out" | grep -q '^PASS'; then ok; else ko "check --rulesets=rulesets: $out"; fi
out=$("$exe" check --rulesets rulesets -- -not-an-option.yaml 2>&1)
if [ $? -eq 1 ] && echo "$out" | grep -qF -- "-not-an-option.yaml: cannot read: No such file"; then
    ok
else
    ko "check -- -not-an-option.yaml: $out"
fi

# help COMMAND and COMMAND --help say the same, on stdout, exit 0
for cmd in check settle explain validate assess compare platform; do
    a=$("$exe" help "$cmd" 2>&1) && b=$("$exe" "$cmd" --help 2>&1) && c=$("$exe" "$cmd" -h 2>&1)
    if [ $? -eq 0 ] && [ "$a" = "$b" ] && [ "$b" = "$c" ] &&
        echo "$a" | grep -q "^usage: medbenefit $cmd "; then ok; else
        ko "help $cmd, $cmd --help and $cmd -h differ or fail: $a"
    fi
done

# The manual page: renders without a warning, and describes each command and option of every
# help text as an item of its own (a line of the rendered page beginning with it).
if ! command -v man >/dev/null; then
    ko "man is not installed (Debian's man-db): the manual page cannot be checked"
else
    MANWIDTH=200 man --warnings -l "$man_page" 2>"$dir/warnings" | col -b >"$dir/page"
    if [ -s "$dir/page" ] && [ ! -s "$dir/warnings" ]; then ok; else
        ko "man -l $man_page: $(head -c 400 "$dir/warnings")"; fi
    "$exe" --help >"$dir/help"
    sed -n '/^commands:/,/^$/p' "$dir/help" | sed -n 's/^  \([a-z][a-z]*\)\( .*\)\{0,1\}$/\1/p' >"$dir/commands"
    if [ "$(wc -l <"$dir/commands")" -ge 8 ]; then ok; else
        ko "only $(wc -l <"$dir/commands") commands read from --help: $(cat "$dir/commands")"; fi
    while read -r cmd; do
        if grep -Eq "^ {7}$cmd( |$)" "$dir/page"; then ok; else
            ko "$man_page does not describe the command '$cmd' of medbenefit --help"; fi
    done <"$dir/commands"
    for cmd in $(cat "$dir/commands"); do
        [ "$cmd" = help ] || "$exe" "$cmd" --help >>"$dir/help"
    done
    # every option a help text names: -h, --help, --rulesets, --against, --chain, ..., and --
    grep -oE '(^|[][ ,])(-h|--[a-z][a-z-]*|--)([] =,]|$)' "$dir/help" |
        sed -E 's/^[][ ,]*//; s/[] =,]*$//' | sort -u >"$dir/options"
    for want in -h --help --rulesets --against --chain --state --facility --version --; do
        if grep -qx -- "$want" "$dir/options"; then ok; else
            ko "'$want' not read from the help texts: $(tr '\n' ' ' <"$dir/options")"; fi
    done
    while read -r opt; do
        if grep -Eq -- "^ {7}(-h, )?$opt( |=|,|$)" "$dir/page"; then ok; else
            ko "$man_page does not describe the option '$opt' of the help texts"; fi
    done <"$dir/options"
    # the page is of this version
    version=$("$exe" --version | sed 's/^medbenefit //')
    if grep -Eq "^libmedbenefit $version[[:space:]]" "$dir/page"; then ok; else
        ko "$man_page is not of version $version: $(tail -n 1 "$dir/page")"; fi
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
