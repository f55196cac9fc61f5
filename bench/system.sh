#!/usr/bin/env bash
# Parallax system benchmark: the whole stack as users feel it. Starts the local stack (embedded
# PostgreSQL, a Kafka broker, the coordinator, three agents each in its own network namespace probing the
# benchmark's target namespace), drives it over the REST API and prints one table: end-to-end latency of
# sequential checks, throughput at rising open-loop rates, verdict rows stored per second, and memory; beside the
# floors (a PostgreSQL commit, two Kafka hops) measured in the same run. See docs/benchmarks.md, "System".
#
#   sudo bench/system.sh [--no-build] [--runs N] [--warmup-checks N] [--latency-warmup-checks N] [--latency-checks N]
#                        [--rates 250,500,1000,2000]
#                        [--rate-seconds S] [--ingest-rate R] [--ingest-seconds S] [--capacity-checks N]
#                        [--budget-seconds S]
#                        [--coordinator-properties 'k=v;k=v'] [--coordinator-jvm '-X...'] [--agent-jvm '-X...']
#
# Options:
#   --no-build            use the existing jars (bench/target, coordinator/agent quarkus-app, broker libs)
#   --runs N              whole runs, each on a fresh stack (default 1); the report of each is kept
#   --warmup-checks N     checks followed to their end by 8 concurrent clients before anything is measured, so
#                         that the JIT has compiled the paths (default 3000, at most 120 s; 0 skips it)
#   --latency-warmup-checks N   unmeasured sequential checks before the latency phase's, so that the JIT has
#                         compiled the sequential path too (default 2000)
#   --latency-checks N    sequential checks of the latency phase (default 1000)
#   --rates LIST          open-loop rates in checks/s (default 250,500,1000,2000)
#   --rate-seconds S      how long each rate is held (default 30)
#   --ingest-rate R       checks/s of 100 ports x 3 regions in the ingestion phase (default 200)
#   --ingest-seconds S    how long (default 20)
#   --capacity-checks N   checks of 100 ports x 3 synthetic regions whose verdicts the harness publishes at once,
#                         to time the ingester alone (default 1000; 0 skips it)
#   --budget-seconds S    bound on one run, build excluded (default 1200); phases that would not fit are skipped
#   --coordinator-properties 'k=v;k=v'   extra coordinator settings, to try one without a rebuild
#   --coordinator-jvm '-Xmx.. -XX:..'    the coordinator's JVM options instead of LocalStack's (to try some)
#   --agent-jvm '-Xmx.. -XX:..'          the agents' JVM options instead of LocalStack's
#
# Needs root (network namespaces, nftables), `ip` and `nft`. Network: the stack listens on 127.0.0.1 only; the
# agents probe only the target namespace's address, which the stack creates and removes.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=1
RUNS=1
ARGS=()

log() { printf '[system.sh %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) BUILD=0 ;;
        --runs) RUNS=${2:?}; shift ;;
        --warmup-checks) ARGS+=(--warmup-checks "${2:?}"); shift ;;
        --latency-warmup-checks) ARGS+=(--latency-warmup-checks "${2:?}"); shift ;;
        --latency-checks) ARGS+=(--latency-checks "${2:?}"); shift ;;
        --rates) ARGS+=(--rates "${2:?}"); shift ;;
        --rate-seconds) ARGS+=(--rate-seconds "${2:?}"); shift ;;
        --ingest-rate) ARGS+=(--ingest-rate "${2:?}"); shift ;;
        --ingest-seconds) ARGS+=(--ingest-seconds "${2:?}"); shift ;;
        --capacity-checks) ARGS+=(--capacity-checks "${2:?}"); shift ;;
        --budget-seconds) ARGS+=(--budget-s "${2:?}"); shift ;;
        --coordinator-properties) ARGS+=(--coordinator-properties "${2:?}"); shift ;;
        --coordinator-jvm) ARGS+=(--coordinator-jvm "${2:?}"); shift ;;
        --agent-jvm) ARGS+=(--agent-jvm "${2:?}"); shift ;;
        -h|--help) awk 'NR > 1 && /^#/ {print; next} NR > 1 {exit}' "$0"; exit 0 ;;
        *) die "unknown option: $1 (see --help)" ;;
    esac
    shift
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "--runs needs a whole number, got $RUNS"
[ "$(id -u)" -eq 0 ] || die "run as root: the agents run in network namespaces (ip netns, nft)"
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
for tool in ip nft; do command -v "$tool" >/dev/null || die "$tool is missing (Debian: iproute2, nftables)"; done

# shellcheck source=stack-harness.sh
source "$HERE/stack-harness.sh"
bench_stack_prepare

OUT="$HERE/target/system/run-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$OUT" || die "cannot create $OUT"
bench_stack_snapshot "$OUT"
trap 'rm -rf "$SNAPSHOT" "$OUT"/run-*/stack/pgdata "$OUT"/run-*/stack/kafka' EXIT

{
    echo "- code under test: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && \
        git status --porcelain -- coordinator agent common deploy 2>/dev/null | grep -q . && \
        echo ' plus uncommitted changes')"
    echo "- machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), kernel $(uname -r), $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo); JDK $("$JAVA" -version 2>&1 | head -1)"
} >"$OUT/context.md"
cat "$OUT/context.md"

rc=0
for run in $(seq 1 "$RUNS"); do
    log "run $run of $RUNS (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
    # --foreground: Ctrl-C reaches the JVM, whose shutdown hooks stop the stack and remove the namespaces.
    timeout --foreground -k 30 3600 "$JAVA" -Xmx1g -Djava.util.logging.manager=java.util.logging.LogManager \
        -Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn \
        -cp "$BENCH_JAR:$HERE/target/lib/*" dev.parallax.bench.SystemBench \
        --repo-root "$SNAPSHOT" --work-dir "$OUT/run-$run" "${ARGS[@]+"${ARGS[@]}"}" || rc=$?
done
log "reports: $OUT/run-*/report.md"
exit $rc
