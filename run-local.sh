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

# Prints the major version of the java binary $1 (8 for "1.8"), or nothing if it does not run.
java_major() {
  local spec
  spec="$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)" || return 0
  spec="${spec#1.}"
  echo "${spec%%.*}"
}

is_jdk21() {
  local major
  [[ -x "$1" ]] || return 1
  major="$(java_major "$1")"
  [[ -n "$major" && "$major" =~ ^[0-9]+$ && "$major" -ge 21 ]]
}

find_java() {
  if [[ -n "${JAVA_HOME:-}" ]] && is_jdk21 "$JAVA_HOME/bin/java"; then
    echo "$JAVA_HOME/bin/java"
    return
  fi
  if command -v java > /dev/null && is_jdk21 "$(command -v java)"; then
    command -v java
    return
  fi
  local best="" best_major=0 candidate major
  for candidate in /usr/lib/jvm/*/bin/java; do
    [[ -x "$candidate" ]] || continue
    major="$(java_major "$candidate")"
    if [[ "$major" =~ ^[0-9]+$ && "$major" -ge 21 && "$major" -gt "$best_major" ]]; then
      best="$candidate"
      best_major="$major"
    fi
  done
  [[ -n "$best" ]] && echo "$best"
}

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

java="$(find_java)" || true
[[ -n "$java" ]] || die "no JDK 21 or newer found (looked at JAVA_HOME, java on the PATH and /usr/lib/jvm/*).
Install one (e.g. apt-get install openjdk-21-jdk-headless) or set JAVA_HOME to it."
java_home="$(cd "$(dirname "$java")/.." && pwd)"

if $help && [[ -f "$jar" ]]; then
  build=false
fi
if $build; then
  echo "Building Parallax with $java_home (skip with --no-build) ..."
  (cd "$root" && JAVA_HOME="$java_home" ./mvnw -q -B -DskipTests package) || die "the build failed"
fi
[[ -f "$jar" ]] || die "$jar is missing: run without --no-build"

exec "$java" -jar "$jar" "${args[@]+"${args[@]}"}"
