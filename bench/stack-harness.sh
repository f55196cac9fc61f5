# Shared set-up of the harnesses that run the whole local stack (bench/schedules.sh, bench/system.sh), and the
# benchmark lock that bench/run.sh takes too; sourced, after the harness has set ROOT, HERE, BUILD and defined log
# and die.

# One benchmark at a time on this machine (bench/run.sh takes the same lock): two would measure each other. The lock
# is held on file descriptor 9 until the harness exits.
bench_take_lock() {
    LOCK=/run/lock/parallax-bench.lock
    [ -d /run/lock ] && [ -w /run/lock ] || LOCK=/tmp/parallax-bench.lock
    exec 9>"$LOCK"
    flock -n 9 || die "another benchmark is running (lock $LOCK held)"
}

# Finds a JDK 21+ (JAVA, PARALLAX_JAVA_HOME), takes the benchmark lock, builds unless BUILD=0, checks that the built
# apps are there (BENCH_JAR) and raises the open-files limit.
bench_stack_prepare() {
    # shellcheck source=../deploy/find-jdk.sh
    source "$ROOT/deploy/find-jdk.sh"
    parallax_find_jdk || die "no JDK 21+ found: set JAVA_HOME to a JDK 21 or newer"
    JAVA=$PARALLAX_JAVA

    bench_take_lock

    if [ "$BUILD" = 1 ]; then
        log "building the coordinator, the agent, the broker, the local stack and bench with $PARALLAX_JAVA_HOME (skip with --no-build)"
        (cd "$ROOT" && JAVA_HOME="$PARALLAX_JAVA_HOME" timeout 1200 ./mvnw -q -B -pl bench,coordinator,agent -am \
            package -DskipTests) >&2 || die "build failed"
    fi
    BENCH_JAR=$(ls "$HERE"/target/parallax-bench-*.jar 2>/dev/null | head -1)
    [ -n "$BENCH_JAR" ] && [ -d "$HERE/target/lib" ] || die "bench/target has no jar: run without --no-build"
    for built in coordinator/target/quarkus-app/quarkus-run.jar agent/target/quarkus-app/quarkus-run.jar \
                 deploy/kafka-broker/target/libs; do
        [ -e "$ROOT/$built" ] || die "$built is missing: run without --no-build"
    done

    # PostgreSQL backends, the broker's segments and a few hundred sockets per JVM: more than the default 1,024.
    ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
}

# Copies the built apps to $1/artifacts (SNAPSHOT): every configuration or run of the harness then runs the same
# build, and a rebuild of the working tree meanwhile (others build on this machine) can neither change the code
# between them nor pull jars from under a running JVM.
bench_stack_snapshot() {
    SNAPSHOT="$1/artifacts"
    for built in coordinator/target/quarkus-app agent/target/quarkus-app deploy/kafka-broker/target/libs; do
        mkdir -p "$SNAPSHOT/$(dirname "$built")" && cp -a "$ROOT/$built" "$SNAPSHOT/$built" || die "cannot copy $built"
    done
}
