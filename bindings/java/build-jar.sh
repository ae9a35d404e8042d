#!/usr/bin/env bash
# Build the binding's jar and its pom: OUT_DIR/medbenefit-VERSION.jar (org.medbenefit and
# org.medbenefit.scenario, compiled for Java 17) and OUT_DIR/medbenefit-VERSION.pom (pom.xml).
#
#   bash bindings/java/build-jar.sh [OUT_DIR]        (default: build/java of this repository)
#
# Needs javac and jar (default-jdk-headless), Debian's jna.jar and snakeyaml.jar, and python3 with
# a C compiler: Abi.java must be what include/medbenefit.h gives (tools/gen-java-abi.py --check),
# and pom.xml's version the library's (meson.build), or nothing is built.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/build/java}
JNA=/usr/share/java/jna.jar
YAML=/usr/share/java/snakeyaml.jar

version=$(sed -n "s/^  version : '\([^']*\)',\$/\1/p" "$root/meson.build" | head -n 1)
pom_version=$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' "$here/pom.xml" | head -n 1)
if [ -z "$version" ] || [ "$version" != "$pom_version" ]; then
    echo "build-jar.sh: pom.xml says version '$pom_version', meson.build '$version': make them agree" >&2
    exit 1
fi
python3 "$root/tools/gen-java-abi.py" --header "$root/include/medbenefit.h" \
    --check "$here/src/org/medbenefit/Abi.java" >&2

mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/medbenefit-jar.XXXXXX")
trap 'rm -rf "$work"' EXIT
mapfile -t srcs < <(find "$here/src" -name '*.java' | sort)
javac --release 17 -encoding UTF-8 -Xlint:all -Werror -d "$work/classes" -cp "$JNA:$YAML" "${srcs[@]}"
mkdir -p "$work/classes/META-INF/maven/org.medbenefit/medbenefit"
cp "$here/pom.xml" "$work/classes/META-INF/maven/org.medbenefit/medbenefit/pom.xml"
printf 'groupId=org.medbenefit\nartifactId=medbenefit\nversion=%s\n' "$version" \
    >"$work/classes/META-INF/maven/org.medbenefit/medbenefit/pom.properties"
cat >"$work/manifest.txt" <<MANIFEST
Automatic-Module-Name: org.medbenefit
Implementation-Title: libmedbenefit for Java
Implementation-Version: $version
MANIFEST
rm -f "$out/medbenefit-$version.jar"
jar --create --file "$out/medbenefit-$version.jar" --manifest "$work/manifest.txt" -C "$work/classes" .
cp "$here/pom.xml" "$out/medbenefit-$version.pom"
echo "$out/medbenefit-$version.jar"
