#!/usr/bin/env bash
# Install into a scratch prefix and check what an integrator sees: only mb_ symbols exported,
# SONAME libmedbenefit.so.1, one version everywhere, a working pkg-config file, and the README's
# C example and the integration guides' examples (docs/guide-*.md) compiling and settling
# against the installed library. Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0
failed=0
ok() { passed=$((passed + 1)); }
ko() { failed=$((failed + 1)); echo "FAIL: $*"; }

prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
abidiff_log="$prefix/abidiff.txt"
if [ ! -f build-install/build.ninja ]; then
    # its progress bars (drawn with carriage returns when python3-tqdm is installed) would run
    # into this script's own lines: kept apart, and shown only when configuring fails
    meson setup build-install --prefix="$prefix" -Dwerror=true >"$prefix/setup.txt" 2>&1 ||
        { tail -n 20 "$prefix/setup.txt"; ko "configure"; }
else
    meson configure build-install --prefix="$prefix" >/dev/null
fi
if meson install -C build-install >/dev/null 2>&1; then ok; else ko "meson install"; fi

so=$(find "$prefix" -name 'libmedbenefit.so.1.*' | head -n 1)
if [ -n "$so" ]; then ok; else ko "no libmedbenefit.so.1.* installed"; fi
soname=$(readelf -d "$so" 2>/dev/null | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
if [ "$soname" = "libmedbenefit.so.1" ]; then ok; else ko "SONAME is '$soname'"; fi

# One version everywhere it is written: the header's MB_VERSION_STRING, the file name of the
# library, its pkg-config file, the program's --version, its manual page (installed in
# share/man/man1) and the Python binding's package.
version=$(sed -n 's/^#define MB_VERSION_STRING "\(.*\)"$/\1/p' "$prefix/include/medbenefit.h")
pc=$(find "$prefix" -name medbenefit.pc | head -n 1)
man_page=$(find "$prefix" -path '*/man1/medbenefit.1' | head -n 1)
exe=$(find "$prefix" -name medbenefit -type f -perm -u+x | head -n 1)
seen="header $version, ${so##*/}, pc $(sed -n 's/^Version: //p' "$pc"), $(LD_LIBRARY_PATH="${so%/*}" "$exe" --version)"
seen="$seen, man $(sed -n 's/^\.TH MEDBENEFIT 1 [^ ]* "libmedbenefit \([^"]*\)".*/\1/p' "$man_page")"
seen="$seen, pyproject $(sed -n 's/^version = "\(.*\)"$/\1/p' bindings/python/pyproject.toml)"
seen="$seen, __version__ $(sed -n 's/^__version__ = "\(.*\)"$/\1/p' bindings/python/medbenefit/__init__.py)"
if [ -n "$version" ] && [ "$seen" = "header $version, libmedbenefit.so.$version, pc $version, medbenefit $version, man $version, pyproject $version, __version__ $version" ]; then
    ok
else
    ko "versions disagree: $seen"
fi
bad=$(nm -D --defined-only "$so" | awk '{print $3}' | grep -v '^mb_' | grep -v '^MEDBENEFIT_' || true)
if [ -z "$bad" ]; then ok; else ko "exported symbols without the mb_ prefix: $bad"; fi
count=$(nm -D --defined-only "$so" | grep -c ' T mb_' || true)
if [ "$count" -gt 40 ]; then ok; else ko "only $count mb_ functions exported"; fi

# The ABI against the recorded baseline (lib/medbenefit.abi): added functions are fine, a
# changed or removed one is not. After an intended change for a new SONAME, regenerate it:
#   abidw --no-corpus-path --headers-dir include build/libmedbenefit.so.1.1.0 > lib/medbenefit.abi
if command -v abidiff >/dev/null; then
    abidiff --no-added-syms --headers-dir1 include --headers-dir2 "$prefix/include" \
        lib/medbenefit.abi "$so" >"$abidiff_log" 2>&1
    rc=$?
    if [ $((rc & 12)) -eq 0 ] && [ $((rc & 3)) -eq 0 ]; then ok; else
        ko "abidiff against lib/medbenefit.abi (exit $rc): $(head -n 20 "$abidiff_log")"; fi
else
    ko "abidiff not installed (abigail-tools)"
fi

# Constants: abidiff cannot see enum values or flag bits, so every released one is checked
# against lib/medbenefit.constants. The check is shown to catch the two changes it exists for.
header="$prefix/include/medbenefit.h"
if out=$(python3 tools/check-constants.py --header "$header" --baseline lib/medbenefit.constants 2>&1); then
    ok
else
    ko "constants: $out"
fi
mutant=$(mktemp -d)
sed -e 's/MB_AMT_HIFP_PAY = 5,/MB_AMT_HIFP_PAY = 6,/' -e 's/MB_AMT_HIFOB_PAY = 6,/MB_AMT_HIFOB_PAY = 5,/' \
    "$header" >"$mutant/swapped.h"
sed -e 's/#define MB_CLAIM_REFERRAL 0x01u/#define MB_CLAIM_REFERRAL 0x40u/' "$header" >"$mutant/moved.h"
for m in swapped moved; do
    if cmp -s "$header" "$mutant/$m.h"; then
        ko "constants self-test: the $m mutation no longer applies to the header"
    elif python3 tools/check-constants.py --header "$mutant/$m.h" --baseline lib/medbenefit.constants >/dev/null 2>&1; then
        ko "constants self-test: a header with $m constants passes the check"
    else
        ok
    fi
done
rm -rf "$mutant"

# The README's recipe for a prefix of one's own, as written there: pkg-config told where the
# multiarch pkgconfig directory is, and an rpath in place of ldconfig.
export PKG_CONFIG_PATH="$prefix/lib/$(gcc -print-multiarch)/pkgconfig"
work=$(mktemp -d)
sed -n '/^```c$/,/^```$/p' README.md | sed '1d;$d' >"$work/example.c"
if [ -s "$work/example.c" ] && cc -Wall -Werror "$work/example.c" $(pkg-config --cflags --libs medbenefit) \
    -Wl,-rpath,"$(pkg-config --variable=libdir medbenefit)" -o "$work/example"; then ok; else
    ko "README example does not compile with the README's recipe"; fi
if out=$(env -u LD_LIBRARY_PATH "$work/example" 2>&1) && echo "$out" | grep -q "fund pays 490.00"; then
    ok
else
    ko "README example output: $out"
fi
rm -rf "$work"

# The integration guides' examples against the installed library, with its pkg-config file and
# the rulesets of its data directory (no MEDBENEFIT_RULESETS), as an integrator builds them.
out=$(python3 tests/guides.py --pkg-config-path "$PKG_CONFIG_PATH" docs/guide-his docs/guide-pos-ffi 2>&1)
summary=$(echo "$out" | tail -n 1)
if echo "$summary" | grep -Eq '^[0-9]+ passed, 0 failed$'; then
    passed=$((passed + ${summary%% *}))
else
    ko "the guides' examples against the installed library: $(echo "$out" | grep -v '^SKIP' | head -n 40)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
