#!/usr/bin/env bash
# Parallax scheduler lateness benchmark: N schedules every I s, watched for W s, on the local stack (embedded
# PostgreSQL, a Kafka broker, one agent), measured with ONE coordinator and then with TWO on the same PostgreSQL
# (a fresh stack each), in the same run. Prints firings expected/found, doubles, missed, lateness p50/p90/p99/max,
# firings per coordinator, load; the ratio two/one of p99; PASS/FAIL against p99 < 1 s and no double or missed
# firing. See docs/benchmarks.md, "Scheduler lateness".
#
#   bench/schedules.sh [--no-build] [--schedules N] [--interval-s I] [--window-s W] [--budget-seconds S]
#                      [--configs 1,2] [--parallelism P] [--coordinator-property key=value]...
#
# Options / environment:
#   --no-build               use the existing jars (bench/target, coordinator/agent quarkus-app, broker libs)
#   --schedules N  (SCHEDULES)     schedules per configuration (default 2000)
#   --interval-s I (INTERVAL_S)    their interval in seconds (default 10; the issue's full size is 10000 at 60)
#   --window-s W   (WINDOW_S)      how long each schedule is watched from its creation (default 60)
#   --budget-seconds S (BUDGET_S)  bound on the whole run, build excluded (default 1200); the second
#                            configuration is not started if it would not fit, and the harness exits after
#                            S + 90 s whatever it is doing (the stacks are stopped on the way out)
#   --configs LIST           coordinator counts to measure, in order (default 1,2)
#   --parallelism P          concurrent REST requests while creating and pausing (default 16)
#   --quiet-wait-s Q         before each configuration, wait up to Q s (default 120, 0: no wait) until the cores
#                            are less than 30 % busy over 5 s (others' builds), then start anyway and say so
#   --coordinator-property k=v     extra coordinator system property (repeatable), e.g.
#                            parallax.schedules.poll-interval=PT0.1S
#   KEEP_DATA=1              keep each stack's pgdata/ and kafka/ (logs are always kept)
#   JAVA_OPTS                extra JVM options for the harness
#   JAVA_HOME                a JDK 21 or newer (otherwise one is looked for on PATH and in /usr/lib/jvm)
#
# Network: the schedules probe one listener the harness opens on 127.0.0.1 port 0; the stack's PostgreSQL, broker
# and APIs listen on 127.0.0.1 only. Nothing else is contacted.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
SCHEDULES=${SCHEDULES:-2000}
INTERVAL_S=${INTERVAL_S:-10}
WINDOW_S=${WINDOW_S:-60}
BUDGET_S=${BUDGET_S:-1200}
CONFIGS=1,2
PARALLELISM=16
QUIET_WAIT_S=120
BUILD=1
JAVA_OPTS=${JAVA_OPTS:-}
EXTRA=()

log() { printf '[schedules.sh %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) BUILD=0 ;;
        --schedules) SCHEDULES=${2:?}; shift ;;
        --interval-s) INTERVAL_S=${2:?}; shift ;;
        --window-s) WINDOW_S=${2:?}; shift ;;
        --budget-seconds) BUDGET_S=${2:?}; shift ;;
        --configs) CONFIGS=${2:?}; shift ;;
        --parallelism) PARALLELISM=${2:?}; shift ;;
        --quiet-wait-s) QUIET_WAIT_S=${2:?}; shift ;;
        --coordinator-property) EXTRA+=(--coordinator-property "${2:?}"); shift ;;
        -h|--help) awk 'NR > 1 && /^#/ {print; next} NR > 1 {exit}' "$0"; exit 0 ;;
        *) die "unknown option: $1 (see --help)" ;;
    esac
    shift
done
for n in "$SCHEDULES" "$INTERVAL_S" "$WINDOW_S" "$BUDGET_S" "$PARALLELISM" "$QUIET_WAIT_S"; do
    [[ "$n" =~ ^[0-9]+$ ]] || die "not a whole number: $n"
done

# shellcheck source=stack-harness.sh
source "$HERE/stack-harness.sh"
bench_stack_prepare

OUT="$HERE/target/schedules/run-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$OUT" || die "cannot create $OUT"
cleanup_data() {
    rm -rf "$OUT/artifacts"
    [ "${KEEP_DATA:-0}" = 1 ] && return 0
    rm -rf "$OUT"/*/pgdata "$OUT"/*/kafka
}
trap cleanup_data EXIT

bench_stack_snapshot "$OUT"

{
    echo "- code under test: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && \
        git status --porcelain -- coordinator agent common deploy 2>/dev/null | grep -q . && \
        echo ' plus uncommitted changes in the working tree')"
    echo "- coordinator build: $(date -u -r "$ROOT/coordinator/target/quarkus-app/quarkus-run.jar" +%Y-%m-%dT%H:%MZ)"
    echo "- command: bench/schedules.sh $( [ "$BUILD" = 0 ] && echo --no-build) (SCHEDULES=$SCHEDULES INTERVAL_S=$INTERVAL_S WINDOW_S=$WINDOW_S BUDGET_S=$BUDGET_S configs $CONFIGS)"
    echo "- machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), kernel $(uname -r), $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo); JDK $("$JAVA" -version 2>&1 | head -1)"
} >"$OUT/context.md"
cat "$OUT/context.md"

log "results in $OUT (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
# --foreground: Ctrl-C reaches the JVM, whose shutdown hooks stop the stacks; the harness's own watchdog ends it
# after the budget, and this is the last resort should that hang.
# shellcheck disable=SC2086
timeout --foreground -k 30 $((BUDGET_S + 300)) "$JAVA" -Xmx512m $JAVA_OPTS \
    -Djava.util.logging.manager=java.util.logging.LogManager \
    -cp "$BENCH_JAR:$HERE/target/lib/*" dev.parallax.bench.ScheduleLatencyBench \
    --repo-root "$SNAPSHOT" --work-dir "$OUT" --schedules "$SCHEDULES" --interval-s "$INTERVAL_S" \
    --window-s "$WINDOW_S" --budget-s "$BUDGET_S" --configs "$CONFIGS" --parallelism "$PARALLELISM" \
    --quiet-wait-s "$QUIET_WAIT_S" \
    "${EXTRA[@]+"${EXTRA[@]}"}"
rc=$?
if [ -f "$OUT/report.md" ]; then
    cat "$OUT/context.md" "$OUT/report.md" >"$OUT/full-report.md"
    log "exit code $rc (0 PASS, 1 FAIL); report: $OUT/full-report.md"
else
    log "exit code $rc (2 usage, 3 time budget exceeded, 130/143 interrupted), no report; logs in $OUT"
fi
exit $rc
