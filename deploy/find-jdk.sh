# Sourced by run-local.sh and .ci/run: finds a JDK 21 or newer, since Parallax compiles for release 21.
# Looks at JAVA_HOME, then `java` on the PATH, then the newest JDK under /usr/lib/jvm.
# After `parallax_find_jdk`, PARALLAX_JAVA is the java binary and PARALLAX_JAVA_HOME its JDK home.

# Prints the major version of the java binary $1 (8 for "1.8"), or nothing if it does not run.
parallax_java_major() {
  local spec
  spec="$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)" || return 0
  spec="${spec#1.}"
  echo "${spec%%.*}"
}

parallax_is_jdk21() {
  local major
  [[ -x "$1" ]] || return 1
  major="$(parallax_java_major "$1")"
  [[ -n "$major" && "$major" =~ ^[0-9]+$ && "$major" -ge 21 ]]
}

parallax_find_jdk() {
  local java="" best_major=0 candidate major
  if [[ -n "${JAVA_HOME:-}" ]] && parallax_is_jdk21 "$JAVA_HOME/bin/java"; then
    java="$JAVA_HOME/bin/java"
  elif command -v java > /dev/null && parallax_is_jdk21 "$(command -v java)"; then
    java="$(command -v java)"
  else
    for candidate in /usr/lib/jvm/*/bin/java; do
      [[ -x "$candidate" ]] || continue
      major="$(parallax_java_major "$candidate")"
      if [[ "$major" =~ ^[0-9]+$ && "$major" -ge 21 && "$major" -gt "$best_major" ]]; then
        java="$candidate"
        best_major="$major"
      fi
    done
  fi
  if [[ -z "$java" ]]; then
    echo "no JDK 21 or newer found (looked at JAVA_HOME, java on the PATH and /usr/lib/jvm/*)." >&2
    echo "Install one (e.g. apt-get install openjdk-21-jdk-headless) or set JAVA_HOME to it." >&2
    return 1
  fi
  java="$(readlink -f "$java")"
  PARALLAX_JAVA="$java"
  PARALLAX_JAVA_HOME="$(cd "$(dirname "$java")/.." && pwd)"
}
