#!/usr/bin/env bash
# The Java binding's tests: build the jar (build-jar.sh: Abi.java checked against the header
# first), install it into a scratch local Maven repository with install-maven.sh, once through
# Debian's repository and once more with -o (offline), then compile test/ against the jar and run
# it with the JUnit console launcher against the library in BUILD_DIR. Ends with
# "N passed, N failed" (the JUnit tests, and the jar, the Maven install and a short run of
# bench/run.sh as one test each).
#
#   bash bindings/java/run-tests.sh [BUILD_DIR]     (default: build/ of this repository)
#
# Needs default-jdk-headless, libjna-java, junit5, libyaml-snake-java, maven and
# libmaven-install-plugin-java (installed with apt-get when missing and we are root). The
# conformance test also runs BUILD_DIR/tools/medbenefit.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

build=${1:-build}
if [ -d "$build" ]; then
    build=$(cd "$build" && pwd)
elif [ -d "$root/$build" ]; then
    build=$(cd "$root/$build" && pwd)
else
    echo "run-tests.sh: no build directory '$build' (build the library first: bash tools/setup.sh)"
    echo "0 passed, 1 failed"
    exit 1
fi

JNA=/usr/share/java/jna.jar
JUNIT=/usr/share/java/junit-platform-console-standalone.jar
YAML=/usr/share/java/snakeyaml.jar

missing=()
command -v javac >/dev/null 2>&1 || missing+=(default-jdk-headless)
[ -f "$JNA" ] || missing+=(libjna-java)
[ -f "$JUNIT" ] || missing+=(junit5)
[ -f "$YAML" ] || missing+=(libyaml-snake-java)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
[ -d /usr/share/maven-repo/org/apache/maven/plugins/maven-install-plugin/3.1.0 ] ||
    missing+=(libmaven-install-plugin-java)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 ||
            { apt-get update -q >/dev/null 2>&1 &&
              DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; }
    fi
    for f in "$JNA" "$JUNIT" "$YAML" /usr/share/maven-repo/org/apache/maven/plugins/maven-install-plugin/3.1.0; do
        if [ ! -e "$f" ] || ! command -v javac >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
            echo "run-tests.sh: missing ${missing[*]} (apt-get install -y ${missing[*]})"
            echo "0 passed, 1 failed"
            exit 1
        fi
    done
fi

# A library built with AddressSanitizer or UndefinedBehaviorSanitizer (build-asan): their
# runtimes must be loaded before the JVM's own libraries, so the JVM runs with them preloaded
# (the tests and the bench, not the compilers or Maven). The JVM handles SIGSEGV itself (its
# null checks and safepoints): ASan leaves that signal alone; and it frees little at exit, so
# leaks are not reported (the C tests check those). Any report aborts the JVM: no summary, a
# failure.
sanitized=()
runtimes=$(ldd "$build/libmedbenefit.so.1" 2>/dev/null | awk '/lib(asan|ubsan)\.so/ {print $3}' | tr '\n' ' ')
if [ -n "$runtimes" ]; then
    sanitized=(env "LD_PRELOAD=${runtimes% }"
               "ASAN_OPTIONS=handle_segv=0:allow_user_segv_handler=1:detect_leaks=0:abort_on_error=1"
               "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1")
    echo "java binding: $build/libmedbenefit.so.1 is built with sanitizers: preloading ${runtimes% }"
fi

out=$(mktemp -d "${TMPDIR:-/tmp}/medbenefit-java.XXXXXX")
trap 'rm -rf "$out"' EXIT

# the jar, as integrators get it: Abi.java must be what the header gives
if ! jar=$(bash "$here/build-jar.sh" "$out/java" 2>"$out/jar.txt"); then
    cat "$out/jar.txt"
    echo "run-tests.sh: the jar could not be built (above)"
    echo "0 passed, 1 failed"
    exit 1
fi
extra_ok=1 extra_bad=0
# installed into a scratch local repository with no network: through Debian's repository, then
# again offline (-o) from what the first install put there
repo="$out/m2"
version=$(basename "${jar%.jar}")
version=${version#medbenefit-}
installed="$repo/org/medbenefit/medbenefit/$version/medbenefit-$version"
if bash "$here/install-maven.sh" "$out/java" -- -Dstyle.color=never -Dmaven.repo.local="$repo" >"$out/mvn.txt" 2>&1 &&
   bash "$here/install-maven.sh" "$out/java" -- -o -Dstyle.color=never -Dmaven.repo.local="$repo" >>"$out/mvn.txt" 2>&1 &&
   cmp -s "$jar" "$installed.jar" && cmp -s "$here/pom.xml" "$installed.pom"; then
    extra_ok=$(( extra_ok + 1 ))
    echo "maven: installed $(basename "$jar") into a local repository, offline"
else
    cat "$out/mvn.txt"
    echo "run-tests.sh: installing the jar into a local Maven repository failed (above)"
    extra_bad=$(( extra_bad + 1 ))
fi

# the documented bench command, as written (a few claims, once: it checks its ways agree)
if "${sanitized[@]}" bash "$here/bench/run.sh" "$build" -- 200 1 >"$out/bench.txt" 2>&1 && grep -q "Settle.columns" "$out/bench.txt"; then
    extra_ok=$(( extra_ok + 1 ))
    echo "bench: bash bindings/java/bench/run.sh BUILD -- 200 1 runs"
else
    cat "$out/bench.txt"
    echo "run-tests.sh: bindings/java/bench/run.sh BUILD -- 200 1 failed (above)"
    extra_bad=$(( extra_bad + 1 ))
fi

mapfile -t tests < <(find "$here/test" -name '*.java' | sort)
if ! javac -encoding UTF-8 -d "$out/test-classes" -cp "$jar:$JNA:$YAML:$JUNIT" "${tests[@]}"; then
    echo "run-tests.sh: the tests do not compile"
    echo "$extra_ok passed, $(( extra_bad + 1 )) failed"
    exit 1
fi

"${sanitized[@]}" java -Dfile.encoding=UTF-8 -Dstdout.encoding=UTF-8 \
    -Djna.library.path="$build" \
    -Dmedbenefit.root="$root" -Dmedbenefit.build="$build" -Dmedbenefit.shared="$root/../shared" \
    -jar "$JUNIT" \
    --class-path "$jar:$out/test-classes:$JNA:$YAML" \
    --scan-class-path "$out/test-classes" \
    --disable-banner --disable-ansi-colors --details=summary \
    >"$out/junit.txt" 2>&1
rc=$?
cat "$out/junit.txt"

count() { sed -n "s/^\[ *\([0-9][0-9]*\) tests $1 *\]\$/\1/p" "$out/junit.txt" | tail -n 1; }
ok=$(count successful)
bad=$(count failed)
aborted=$(count aborted)
cfail=$(sed -n 's/^\[ *\([0-9][0-9]*\) containers failed *\]$/\1/p' "$out/junit.txt" | tail -n 1)
if [ -z "$ok" ] || [ -z "$bad" ]; then
    echo "run-tests.sh: the JUnit launcher printed no summary (exit $rc)"
    echo "$(( ${ok:-0} + extra_ok )) passed, $(( ${bad:-0} + extra_bad + 1 )) failed"
    exit 1
fi
ok=$(( ok + extra_ok ))
bad=$(( bad + ${cfail:-0} + extra_bad ))
[ "${aborted:-0}" -gt 0 ] && echo "${aborted} skipped: expectations that medbenefit check (C) fails too"
echo "$ok passed, $bad failed"
[ "$bad" -eq 0 ] && [ "$rc" -eq 0 ]
