#!/usr/bin/env bash
# Resolves the runtime jars of Apache Kafka or S3Proxy from Maven Central with mvn into the
# cache folder, once; prints the folder. Usage: resolve-jars.sh kafka|s3proxy
set -euo pipefail
. "$(dirname "$0")/common.sh"

KAFKA_VERSION=4.4.0
S3PROXY_VERSION=4.1.0

dep() { echo "<dependency><groupId>$1</groupId><artifactId>$2</artifactId><version>$3</version></dependency>"; }

case "${1:-}" in
  kafka)
    name="kafka-$KAFKA_VERSION"
    # slf4j-api 2.0.x: Kafka brings 1.7.x, which does not bind to log4j's slf4j2 provider.
    deps="$(dep org.apache.kafka kafka_2.13 $KAFKA_VERSION)$(dep org.apache.kafka kafka-tools $KAFKA_VERSION)
$(dep org.slf4j slf4j-api 2.0.17)$(dep org.apache.logging.log4j log4j-slf4j2-impl 2.24.3)$(dep org.apache.logging.log4j log4j-core 2.24.3)"
    ;;
  s3proxy)
    name="s3proxy-$S3PROXY_VERSION"
    # jackson-annotations 2.22: mvn would pick 2.18.x, and start-up fails on JsonSerializeAs.
    deps="$(dep org.gaul s3proxy $S3PROXY_VERSION)$(dep com.fasterxml.jackson.core jackson-annotations 2.22)"
    ;;
  *) die "usage: resolve-jars.sh kafka|s3proxy" ;;
esac

out="$STACK_CACHE/jars/$name"
if [ -f "$out/.complete" ]; then
  echo "$out"
  exit 0
fi
command -v mvn >/dev/null || die "mvn not found: run scripts/ensure-stack-tools.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>streaming-tda.local</groupId>
  <artifactId>$name-jars</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>$deps</dependencies>
</project>
POM
rm -rf "$out.partial"
echo "resolving $name jars from Maven Central into $out" >&2
mvn -q -B -f "$work/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$out.partial" >&2
rm -rf "$out"
mv "$out.partial" "$out"
touch "$out/.complete"
echo "$out"
