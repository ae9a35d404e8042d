#!/usr/bin/env bash
# Build the jar (build-jar.sh) and install it with its pom into the local Maven repository as
# org.medbenefit:medbenefit:VERSION, without the network: maven-settings.xml mirrors every
# repository by Debian's /usr/share/maven-repo, where libmaven-install-plugin-java put the
# install plugin. Further arguments go to mvn: -Dmaven.repo.local=DIR for another local
# repository, -o once the plugin is in it.
#
#   bash bindings/java/install-maven.sh [OUT_DIR] [-- MVN_ARGS...]
#
# The mvn command it runs, for a jar built already:
#   mvn -B -s bindings/java/maven-settings.xml \
#       org.apache.maven.plugins:maven-install-plugin:3.1.0:install-file \
#       -Dfile=build/java/medbenefit-1.1.0.jar -DpomFile=build/java/medbenefit-1.1.0.pom
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/build/java
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
    out=$1
    shift
fi
[ "${1:-}" = "--" ] && shift
jar=$(bash "$here/build-jar.sh" "$out")
pom=${jar%.jar}.pom
mvn -B -q -s "$here/maven-settings.xml" "$@" \
    org.apache.maven.plugins:maven-install-plugin:3.1.0:install-file -Dfile="$jar" -DpomFile="$pom"
echo "installed $jar as org.medbenefit:medbenefit:$(basename "${jar%.jar}" | sed 's/^medbenefit-//')"
