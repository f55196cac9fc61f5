#!/usr/bin/env bash
# Runs the whole Parallax stack on this machine without Docker (PostgreSQL, Kafka, coordinator, agents).
# Needs only a JDK 21 or newer. Usage: ./run-local.sh [--no-build] [--regions a,b,c] [--port 8080] [--data DIR]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$root/deploy/local/target/parallax-local.jar"

die() {
  echo "run-local.sh: $*" >&2
  exit 1
}

# shellcheck source=deploy/find-jdk.sh
source "$root/deploy/find-jdk.sh"

build=true
help=false
args=()
for arg in "$@"; do
  case "$arg" in
    --no-build) build=false ;;
    --help | -h) help=true; args+=("$arg") ;;
    *) args+=("$arg") ;;
  esac
done

parallax_find_jdk || die "cannot run without a JDK 21 or newer"
java="$PARALLAX_JAVA"
java_home="$PARALLAX_JAVA_HOME"

if $help && [[ -f "$jar" ]]; then
  build=false
fi
if $build; then
  echo "Building Parallax with $java_home (skip with --no-build) ..."
  (cd "$root" && JAVA_HOME="$java_home" ./mvnw -q -B -DskipTests package) || die "the build failed"
fi
[[ -f "$jar" ]] || die "$jar is missing: run without --no-build"

# A plain class path rather than a manifest Class-Path: the e2e tests put this jar on their own class path,
# where manifest entries would load every library twice.
exec "$java" -cp "$jar:$root/deploy/local/target/lib/*" dev.parallax.local.LocalStackMain "${args[@]+"${args[@]}"}"
