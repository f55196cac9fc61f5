#!/usr/bin/env bash
# Parallax probe-engine benchmark: the agent's ConnectProber side by side with `nmap -sT`, interleaved.
#
#   sudo bench/run.sh [--no-build] [--runs N] [--budget-seconds S] [--quick]
#
# Everything runs INSIDE a network namespace this script creates (pxbench-<pid>-<time>), against that
# namespace's own loopback 127.0.0.1 -- never the host's loopback, never any other address (DESIGN.md,
# "Network rule for tests and benchmarks"). The namespace, its listener, its nftables rules and every
# process started in it are removed on exit, also on failure or Ctrl-C. See docs/benchmarks.md.
#
# Options / environment:
#   --no-build            use the existing bench/target jars instead of building common, agent and bench
#   --runs N   (RUNS)     measured runs per tool and workload, interleaved (default 3, at least 3 for the
#                         issue's targets)
#   --budget-seconds S (BUDGET_S)  soft bound on the whole run (default 1500 = 25 min): the slow nmap
#                         configurations on the filtered workloads (-T4, -T5: ~50-100 s each) are run fewer
#                         times if the remaining runs would not fit; the output says so
#   --quick               smoke test only: no nmap -T4/-T5 on the filtered workloads (targets 4-5 unjudged)
#   JAVA_OPTS             extra JVM options for our engine's runs
#   JAVA_HOME             a JDK 21 or newer (otherwise one is looked for on PATH and in /usr/lib/jvm)
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
RUNS=${RUNS:-3}
BUDGET_S=${BUDGET_S:-1500}
BUILD=1
QUICK=0
JAVA_OPTS=${JAVA_OPTS:-}

while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) BUILD=0 ;;
        --quick) QUICK=1 ;;
        --runs) RUNS=$2; shift ;;
        --budget-seconds) BUDGET_S=$2; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ {print; next} NR > 1 {exit}' "$0"; exit 0 ;;
        *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
[[ "$RUNS" =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 1 ] && [ "$RUNS" -le 20 ] || die "--runs must be 1-20"
[[ "$BUDGET_S" =~ ^[0-9]+$ ]] || die "--budget-seconds must be a number"
[ "$RUNS" -ge 3 ] || log "WARNING: fewer than 3 runs per tool; the issue asks for at least 3"

# ---------------------------------------------------------------------------------------------- checks
[ "$(id -u)" = 0 ] || die "needs root (network namespaces, nftables): run it as root, e.g. sudo bench/run.sh"
for tool in ip ss timeout flock awk sort; do
    command -v "$tool" >/dev/null || die "'$tool' is missing (iproute2, coreutils, util-linux, mawk)"
done
missing=()
command -v nmap >/dev/null || missing+=(nmap)
command -v nft >/dev/null || missing+=(nftables)
if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null || die "${missing[*]} not installed and no apt-get: install them first"
    log "installing ${missing[*]} with apt-get (not found on PATH)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >&2 \
        || die "apt-get install ${missing[*]} failed"
fi
command -v nmap >/dev/null && command -v nft >/dev/null || die "nmap and nft are still missing"

java_major() { "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2+0}'; }
find_java() {
    local candidate
    for candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
        [ -n "$candidate" ] && [ -x "$candidate" ] || continue
        if [ "$(java_major "$candidate")" -ge 21 ] 2>/dev/null; then echo "$candidate"; return 0; fi
    done
    return 1
}
JAVA=$(find_java) || die "no JDK 21+ found: set JAVA_HOME to a JDK 21 or newer"
JDK_HOME=$(dirname "$(dirname "$JAVA")")

# shellcheck source=stack-harness.sh
source "$HERE/stack-harness.sh"
bench_take_lock

if [ "$BUILD" = 1 ]; then
    log "building common, agent, bench with $JDK_HOME (skip with --no-build)"
    (cd "$ROOT" && JAVA_HOME="$JDK_HOME" timeout 900 ./mvnw -q -B -pl bench -am package -DskipTests) >&2 \
        || die "build failed"
fi
BENCH_JAR=$(ls "$HERE"/target/parallax-bench-*.jar 2>/dev/null | head -1)
[ -n "$BENCH_JAR" ] && [ -d "$HERE/target/lib" ] || die "bench/target has no jar: run without --no-build"
CP="$BENCH_JAR:$HERE/target/lib/*"

# File descriptors: up to 2,048 probe sockets in flight plus the listener's 1,000 listening sockets and
# what it accepts. Raise the limit as far as we may; the namespace inherits it through `ip netns exec`.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge 8192 ] || die "open-file limit $(ulimit -n) < 8192"

# ------------------------------------------------------------------------------------ namespace setup
NS_PREFIX=pxbench-
NS="${NS_PREFIX}$$-$(date +%s)"
LISTENER_PID=
OUT="$HERE/target/results/run-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
T0=$(date +%s)

ns_exists() { ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$1"; }
kill_ns_processes() { # every process inside namespace $1, by pid; bounded wait, then SIGKILL
    local ns=$1 pids i
    pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
    [ -n "${pids// /}" ] || return 0
    # shellcheck disable=SC2086
    kill $pids 2>/dev/null
    for i in $(seq 50); do
        pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
        [ -n "${pids// /}" ] || return 0
        sleep 0.1
    done
    # shellcheck disable=SC2086
    kill -9 $pids 2>/dev/null
    sleep 0.2
}
remove_ns() {
    local ns=$1
    ns_exists "$ns" || return 0
    kill_ns_processes "$ns"
    ip netns del "$ns" || log "WARNING: could not delete namespace $ns"
}
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$LISTENER_PID" ]; then kill "$LISTENER_PID" 2>/dev/null; fi
    remove_ns "$NS"
    if [ -n "$LISTENER_PID" ]; then wait "$LISTENER_PID" 2>/dev/null; fi
    ns_exists "$NS" && log "WARNING: namespace $NS is still there" || log "namespace $NS removed"
    exit $rc
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

# Leftovers of earlier runs (killed with SIGKILL, machine crash): we hold the lock, so no live run owns them.
for old in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^${NS_PREFIX}" || true); do
    log "removing leftover namespace $old (and its processes)"
    remove_ns "$old"
done

ip netns add "$NS" || die "cannot create network namespace $NS"
nsx() { ip netns exec "$NS" "$@"; }
nsx ip link set lo up || die "cannot bring up lo in $NS"
[ "$(nsx ip -o link show | wc -l)" = 1 ] || die "namespace $NS has interfaces other than lo"
nsx ip -o -4 addr show dev lo | grep -q ' 127.0.0.1/8 ' || die "no 127.0.0.1 on the namespace's lo"
# The listener's accept queue: a full one makes Linux drop SYNs (a false "filtered"). Namespace-local.
nsx sysctl -qw net.core.somaxconn=4096 || die "cannot set somaxconn in $NS"
log "namespace $NS: lo up, 127.0.0.1 is the namespace's own loopback; results in $OUT"

TARGET=127.0.0.1          # the namespace's own loopback: the only address anything here talks to
OPEN_PORTS=20001-21000    # 1,000 listening ports for workloads 1, 3 and 6
FILTERED_PORTS=11001-12000 # nft drop (workloads 4, 5)
RESET_PORTS=12001-13000    # nft reject with tcp reset (workload 5)
# All of them lie below the namespace's ephemeral range (32768-60999), so a drop rule on a destination
# port can never hit a reply to one of our own source ports.

READY="$OUT/listener.ready"
LISTENER_SECONDS=$((BUDGET_S * 2 + 600))
timeout $((LISTENER_SECONDS + 60)) ip netns exec "$NS" "$JAVA" "$HERE/listener/BenchListener.java" \
    "$TARGET" "$OPEN_PORTS" "$LISTENER_SECONDS" "$READY" >"$OUT/listener.log" 2>&1 9>&- &
LISTENER_PID=$!
for _ in $(seq 300); do
    [ -f "$READY" ] && break
    kill -0 "$LISTENER_PID" 2>/dev/null || die "listener exited: $(cat "$OUT/listener.log")"
    sleep 0.2
done
[ -f "$READY" ] || die "listener not ready after 60 s"
listening=$(nsx ss -Htln | wc -l)
[ "$listening" = 1000 ] || die "expected 1000 listening sockets in $NS, found $listening"
log "listener up: 1000 ports ($OPEN_PORTS) on the namespace's $TARGET"

# ------------------------------------------------------------------------------------------- helpers
RESULTS="$OUT/results.tsv"   # wl tool run wall_ms probes open closed filtered error syn tw_before tw_after eq_truth proc_ms scan_ms
: >"$RESULTS"
NOTES="$OUT/notes.txt"
: >"$NOTES"

time_wait() { nsx ss -Htan state time-wait | wc -l; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

NFT_ACTIVE=0
syn_reset() { [ "$NFT_ACTIVE" = 1 ] && nsx nft reset counter inet pxbench filtered_syn >/dev/null; }
syn_read() {
    if [ "$NFT_ACTIVE" = 1 ]; then nsx nft list counter inet pxbench filtered_syn | awk '/packets/ {print $2}'
    else echo -; fi
}

# Expected state of every port: "port state" lines. $1 ports scanned, $2 open range, $3 filtered range.
truth() {
    awk -v scan="$1" -v open="$2" -v filt="$3" '
        function lo(r) { split(r, b, "-"); return b[1] + 0 }
        function hi(r) { split(r, b, "-"); return (b[2] == "" ? b[1] : b[2]) + 0 }
        BEGIN {
            n = split(scan, parts, ",")
            for (i = 1; i <= n; i++)
                for (p = lo(parts[i]); p <= hi(parts[i]); p++) {
                    s = "closed"
                    if (open != "" && p >= lo(open) && p <= hi(open)) s = "open"
                    if (filt != "" && p >= lo(filt) && p <= hi(filt)) s = "filtered"
                    print p, s
                }
        }' | sort -n
}

# nmap -oX to "port state" lines: listed ports plus the collapsed ones (extrareasons carry their ports).
nmap_states() {
    grep -oE 'portid="[0-9]+"><state state="[a-z|]+"|<extraports state="[a-z|]+"|<extrareasons [^>]*>' "$1" | awk '
        function expand(spec, state,   n, parts, i, b, p, hi) {
            n = split(spec, parts, ",")
            for (i = 1; i <= n; i++) {
                split(parts[i], b, "-"); hi = (b[2] == "" ? b[1] : b[2])
                for (p = b[1] + 0; p <= hi + 0; p++) print p, state
            }
        }
        /^portid=/ { split($0, f, "\""); print f[2], f[4]; next }
        /^<extraports/ { split($0, f, "\""); state = f[2]; next }
        /^<extrareasons/ {
            i = index($0, "ports=\"")
            if (i == 0) { print "0 incomplete-extraports"; next }
            rest = substr($0, i + 7); spec = substr(rest, 1, index(rest, "\"") - 1)
            expand(spec, state)
        }' | sort -n
}

count_states() { # states file -> "open closed filtered error"
    awk '{c[$2]++} END {printf "%d %d %d %d\n", c["open"], c["closed"], c["filtered"], c["error"]}' "$1"
}

# ours WL TOOLKEY RUN TRUTHFILE -- ProbeBench args
run_ours() {
    local wl=$1 key=$2 run=$3 truthfile=$4; shift 5
    local states="$OUT/w$wl-$key-$run.states" line tw0 tw1 t0 t1 syn eq
    tw0=$(time_wait); syn_reset
    t0=$(now_ms)
    # shellcheck disable=SC2086
    line=$(timeout 900 ip netns exec "$NS" "$JAVA" $JAVA_OPTS -cp "$CP" dev.parallax.bench.ProbeBench \
        --target "$TARGET" --states-out "$states" --label "$key" "$@" 2>>"$OUT/ours.stderr" | grep '^PROBEBENCH')
    t1=$(now_ms)
    syn=$(syn_read); tw1=$(time_wait)
    [ -n "$line" ] || die "our engine printed no result for workload $wl (see $OUT/ours.stderr)"
    echo "$line" >>"$OUT/ours.lines"
    cmp -s "$states" "$truthfile" && eq=1 || eq=0
    get() { echo "$line" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$wl" "$key" "$run" "$(get wall_ms)" \
        "$(get probes)" "$(get open)" "$(get closed)" "$(get filtered)" "$(get error)" "$syn" "$tw0" "$tw1" \
        "$eq" "$((t1 - t0))" "$(get wall_ms)" >>"$RESULTS"
    log "w$wl $key #$run: $(get wall_ms) ms, $(get ports_per_s) ports/s, open=$(get open) closed=$(get closed) filtered=$(get filtered) error=$(get error) syn=$syn tw=$tw0->$tw1 truth=$eq"
}

# run_nmap WL TOOLKEY RUN PORTS TRUTHFILE -- nmap timing args
run_nmap() {
    local wl=$1 key=$2 run=$3 ports=$4 truthfile=$5; shift 6
    local xml="$OUT/w$wl-$key-$run.xml" states="$OUT/w$wl-$key-$run.states" t0 t1 rc syn eq c scan_ms
    syn_reset
    t0=$(now_ms)
    # -v only adds nmap's own "Completed Connect Scan ..., N.NNs elapsed" line (scan phase without start-up).
    timeout 900 ip netns exec "$NS" nmap -v -sT -n -Pn "$@" -p "$ports" -oX "$xml" "$TARGET" >"$OUT/w$wl-$key-$run.nmap.log" 2>&1
    rc=$?
    t1=$(now_ms)
    syn=$(syn_read)
    [ "$rc" = 0 ] || die "nmap failed (rc=$rc) for workload $wl $key: $(tail -3 "$OUT/w$wl-$key-$run.nmap.log")"
    nmap_states "$xml" >"$states"
    cmp -s "$states" "$truthfile" && eq=1 || eq=0
    read -r -a c < <(count_states "$states")
    scan_ms=$(awk '/Completed Connect Scan/ {for (i = 1; i < NF; i++) if ($(i + 1) == "elapsed") {sub(/s$/, "", $i); print $i * 1000}}' \
        "$OUT/w$wl-$key-$run.nmap.log" | tail -1)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t-\t-\t%s\t%s\t%s\n' "$wl" "$key" "$run" "$((t1 - t0))" \
        "$(wc -l <"$states")" "${c[0]}" "${c[1]}" "${c[2]}" "${c[3]}" "$syn" "$eq" "$((t1 - t0))" "${scan_ms:-nan}" >>"$RESULTS"
    echo "$((t1 - t0))" >"$OUT/last-w$wl-$key.ms"
    log "w$wl $key #$run: $((t1 - t0)) ms, open=${c[0]} closed=${c[1]} filtered=${c[2]} syn=$syn truth=$eq"
}

NMAP_T4=(-T4)
NMAP_T5=(-T5)
NMAP_MINRATE=(--min-rate 10000)
NMAP_TUNED=(--max-retries 0 --initial-rtt-timeout 1000ms --max-rtt-timeout 1000ms --min-parallelism 1000)

# Our engine's in-flight bound per workload (see docs/benchmarks.md): enough for every filtered port of a
# workload to wait at the same time (>= 1,000 / 2,000), otherwise 1,000-2,048.
MIF_W1=1000; MIF_W2=2048; MIF_W3=1000; MIF_W4=1000; MIF_W5=2048; MIF_W6=1000
TIMEOUT_MS=1000
# Warm-up for the filtered workloads: open and closed ports only, so it adds no SYN to the drop counter.
FILTERED_WARMUP="$OPEN_PORTS,1-2000"

# A fast workload: RUNS rounds of ours, [ours cold,] nmap -T4, -T5, --min-rate.
fast_workload() { # WL PORTS REPEAT MIF OPEN_RANGE COLD(0/1)
    local wl=$1 ports=$2 repeat=$3 mif=$4 open=$5 cold=$6 r truthfile="$OUT/w$1.truth"
    truth "$ports" "$open" "" >"$truthfile"
    for r in $(seq "$RUNS"); do
        run_ours "$wl" ours "$r" "$truthfile" -- --ports "$ports" --repeat "$repeat" \
            --timeout-ms "$TIMEOUT_MS" --max-in-flight "$mif" --warmup same
        if [ "$cold" = 1 ]; then
            run_ours "$wl" ours-cold "$r" "$truthfile" -- --ports "$ports" --repeat "$repeat" \
                --timeout-ms "$TIMEOUT_MS" --max-in-flight "$mif" --warmup none
        fi
        if [ "$repeat" = 1 ]; then
            run_nmap "$wl" nmap-T4 "$r" "$ports" "$truthfile" -- "${NMAP_T4[@]}"
            run_nmap "$wl" nmap-T5 "$r" "$ports" "$truthfile" -- "${NMAP_T5[@]}"
            run_nmap "$wl" nmap-minrate "$r" "$ports" "$truthfile" -- "${NMAP_MINRATE[@]}"
        else
            # nmap scans a port once per invocation: one -T4 scan of the port, for the state check only.
            run_nmap "$wl" nmap-T4-once "$r" "$ports" "$truthfile" -- "${NMAP_T4[@]}"
        fi
    done
}

# Slow nmap configurations on filtered ports: always once; again only if it fits the time budget.
fits_budget() { # KEY WL RESERVE_S
    local last elapsed
    last=$(cat "$OUT/last-w$2-$1.ms" 2>/dev/null || echo 120000)
    elapsed=$(( $(date +%s) - T0 ))
    [ $(( elapsed + last / 1000 + $3 )) -le "$BUDGET_S" ]
}
filtered_workload() { # WL PORTS MIF RESERVE_S
    local wl=$1 ports=$2 mif=$3 reserve=$4 r key truthfile="$OUT/w$1.truth"
    truth "$ports" "" "$FILTERED_PORTS" >"$truthfile"
    for r in $(seq "$RUNS"); do
        run_ours "$wl" ours "$r" "$truthfile" -- --ports "$ports" --timeout-ms "$TIMEOUT_MS" \
            --max-in-flight "$mif" --warmup "$FILTERED_WARMUP"
        run_nmap "$wl" nmap-tuned "$r" "$ports" "$truthfile" -- "${NMAP_TUNED[@]}"
        run_nmap "$wl" nmap-minrate "$r" "$ports" "$truthfile" -- "${NMAP_MINRATE[@]}"
        for key in nmap-T5 nmap-T4; do
            if [ "$QUICK" = 1 ]; then
                echo "workload $wl: $key run $r skipped (--quick)" >>"$NOTES"
            elif [ "$r" = 1 ] || fits_budget "$key" "$wl" "$reserve"; then
                if [ "$key" = nmap-T5 ]; then run_nmap "$wl" "$key" "$r" "$ports" "$truthfile" -- "${NMAP_T5[@]}"
                else run_nmap "$wl" "$key" "$r" "$ports" "$truthfile" -- "${NMAP_T4[@]}"; fi
            else
                log "w$wl $key #$r skipped: would exceed the ${BUDGET_S} s budget"
                echo "workload $wl: $key run $r skipped (time budget ${BUDGET_S} s)" >>"$NOTES"
            fi
        done
    done
}

# ------------------------------------------------------------------------------------------ workloads
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
echo "w1 $(cut -d' ' -f1-3 /proc/loadavg)" >"$OUT/load.txt"
log "workload 1: 1,000 open ports"
fast_workload 1 "$OPEN_PORTS" 1 "$MIF_W1" "$OPEN_PORTS" 1
echo "w2 $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/load.txt"
log "workload 2: 10,000 closed ports"
fast_workload 2 1-10000 1 "$MIF_W2" "" 1
echo "w3 $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/load.txt"
log "workload 3: all 65,535 ports, 1,000 open"
fast_workload 3 1-65535 1 "$MIF_W3" "$OPEN_PORTS" 1
echo "w6 $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/load.txt"
log "workload 6: one open port re-probed 30,000 times"
fast_workload 6 20001 30000 "$MIF_W6" "$OPEN_PORTS" 0

log "nftables in $NS: drop $FILTERED_PORTS (counted), reject with tcp reset $RESET_PORTS"
nsx nft -f - <<EOF || die "cannot load the nftables rules"
table inet pxbench {
    counter filtered_syn { }
    counter reset_syn { }
    chain input {
        type filter hook input priority 0; policy accept;
        tcp dport $FILTERED_PORTS tcp flags & (syn | ack) == syn counter name "filtered_syn" drop
        tcp dport $FILTERED_PORTS drop
        tcp dport $RESET_PORTS counter name "reset_syn" reject with tcp reset
    }
}
EOF
NFT_ACTIVE=1
echo "w4 $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/load.txt"
log "workload 4: 1,000 filtered ports, timeout 1 s"
# Reserve for workload 5's first (mandatory) -T4 and -T5 runs: about what they took here, plus slack.
filtered_workload 4 "$FILTERED_PORTS" "$MIF_W4" 200
echo "w5 $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/load.txt"
log "workload 5: 1,000 filtered + 1,000 reset"
filtered_workload 5 "${FILTERED_PORTS%-*}-${RESET_PORTS#*-}" "$MIF_W5" 20
nsx nft delete table inet pxbench
NFT_ACTIVE=0
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
TOTAL_S=$(( $(date +%s) - T0 ))

# -------------------------------------------------------------------------------------------- report
# Columns of $RESULTS: 1 wl 2 tool 3 run 4 wall_ms 5 probes 6 open 7 closed 8 filtered 9 error 10 syn
#                      11 tw_before 12 tw_after 13 eq_truth 14 process_ms 15 scan_ms (nmap: its own scan-phase timer)
col() { awk -F'\t' -v w="$1" -v t="$2" -v c="$3" '$1 == w && $2 == t {print $c}' "$RESULTS"; }
med() { col "$1" "$2" "$3" | median; }
runs_of() { col "$1" "$2" 1 | wc -l; }
fmt() { awk -v x="$1" -v d="${2:-0}" 'BEGIN { if (x == "nan" || x == "") print "-"; else printf "%.*f\n", d, x }'; }
pps() { awk -v n="$1" -v ms="$2" 'BEGIN { if (ms == "nan" || ms <= 0) print "nan"; else printf "%.0f\n", n * 1000 / ms }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || b <= 0) print "nan"; else printf "%.2f\n", a / b }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "nan" && a + 0 >= b + 0) }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "nan" && a + 0 <= b + 0) }'; }
verdict() { if "$@"; then echo PASS; else echo FAIL; fi; }

label_of() {
    case "$1" in
        ours) echo "**ours** (ConnectProber, warm JVM)" ;;
        ours-cold) echo "ours, cold JVM (no warm-up)" ;;
        nmap-T4) echo "nmap -sT -T4" ;;
        nmap-T5) echo "nmap -sT -T5" ;;
        nmap-minrate) echo "nmap -sT --min-rate 10000" ;;
        nmap-tuned) echo "nmap -sT tuned (1 s, 0 retries, par. 1000)" ;;
        nmap-T4-once) echo "nmap -sT -T4, the port once (state check)" ;;
    esac
}
wl_name() {
    case "$1" in
        1) echo "1. 1,000 open" ;; 2) echo "2. 10,000 closed" ;; 3) echo "3. 65,535 (1,000 open)" ;;
        4) echo "4. 1,000 filtered, 1 s" ;; 5) echo "5. 1,000 filtered + 1,000 reset" ;;
        6) echo "6. 1 open port x 30,000" ;;
    esac
}
ref_of() { case "$1" in 1|4|5) echo nmap-T4 ;; 2|3) echo nmap-T5 ;; *) echo "" ;; esac; }
filtered_ports_of() { case "$1" in 4|5) echo 1000 ;; *) echo 0 ;; esac; }

# Per-port comparison of every one of our runs with every nmap run of the reference configuration.
ours_eq_ref() { # WL -> "k/n" pairs identical
    local wl=$1 ref=$2 a b k=0 n=0
    for a in "$OUT"/w"$wl"-ours-[0-9]*.states; do
        for b in "$OUT"/w"$wl"-"$ref"-[0-9]*.states; do
            [ -f "$a" ] && [ -f "$b" ] || continue
            n=$((n + 1)); cmp -s "$a" "$b" && k=$((k + 1))
        done
    done
    echo "$k/$n"
}

TABLE="$OUT/table.md"
{
    echo "| workload | tool / config | runs | median wall | ports/s | open / closed / filtered / error | states = truth | SYNs per filtered port | ours ÷ this (ports/s) | nmap scan phase only (ours ÷ it) | target (issue 3) | result |"
    echo "|---|---|---:|---:|---:|---|---|---:|---:|---:|---|---|"
} >"$TABLE"
declare -A MEASURED
for wl in 1 2 3 4 5 6; do
    ref=$(ref_of "$wl")
    ours_ms=$(med "$wl" ours 4)
    probes=$(col "$wl" ours 5 | head -1)
    ours_pps=$(pps "$probes" "$ours_ms")
    for key in ours ours-cold nmap-T4 nmap-T5 nmap-minrate nmap-tuned nmap-T4-once; do
        n=$(runs_of "$wl" "$key")
        [ "$n" -gt 0 ] || continue
        ms=$(med "$wl" "$key" 4)
        p=$(col "$wl" "$key" 5 | head -1)
        rate=$(pps "$p" "$ms")
        states=$(awk -F'\t' -v w="$wl" -v t="$key" '$1 == w && $2 == t {print $6 " / " $7 " / " $8 " / " $9}' "$RESULTS" | sort -u | paste -sd';' -)
        eqk=$(col "$wl" "$key" 13 | awk '{s += $1} END {print s}')
        fp=$(filtered_ports_of "$wl")
        if [ "$fp" -gt 0 ]; then
            syn=$(col "$wl" "$key" 10 | awk -v f="$fp" '{print $1 / f}' | median)
            synmax=$(col "$wl" "$key" 10 | awk -v f="$fp" '{print $1 / f}' | sort -g | tail -1)
            syncell="$(fmt "$syn" 3) (max $(fmt "$synmax" 3))"
        else
            syn=nan; syncell="-"
        fi
        wall="$(fmt "$ms" 1) ms"
        if [ "$key" = ours-cold ]; then wall="$wall (process $(fmt "$(med "$wl" "$key" 14)") ms)"; fi
        target="-"; result="-"; rcell="-"
        case "$key" in
            ours)
                r=$(ratio "$ours_pps" "$(pps "$(col "$wl" "$ref" 5 | head -1)" "$(med "$wl" "$ref" 4)")")
                case "$wl" in
                    1) target="≥ 1.20× nmap -T4"; result=$(verdict ge "$r" 1.2); rcell="$r (vs -T4)" ;;
                    2|3) target="≥ 1.00× nmap -T5"; result=$(verdict ge "$r" 1.0); rcell="$r (vs -T5)" ;;
                    4) target="≤ 1,150 ms wall, ≤ 1.05 SYN/port"
                       result=$(verdict eval 'le "$ms" 1150 && le "$syn" 1.05'); rcell="$r (vs -T4)" ;;
                    5) wr=$(ratio "$ms" "$(med "$wl" nmap-T4 4)")
                       target="wall ≤ 0.50× nmap -T4 (measured $wr×)"; result=$(verdict le "$wr" 0.5)
                       rcell="$r (vs -T4)" ;;
                    6) err=$(col 6 ours 9 | awk '{s += $1} END {print s + 0}')
                       target="30,000 re-probes, no local error"
                       result=$(verdict eval '[ "$err" = 0 ] && [ "$(col 6 ours 6 | sort -u)" = 30000 ]') ;;
                esac
                MEASURED[$wl]="$result" ;;
            ours-cold) rcell="-" ;;
            *) [ "$wl" != 6 ] && rcell="$(ratio "$ours_pps" "$rate")" ;;
        esac
        [ -n "$ref" ] && [ "$key" = "$ref" ] && rcell="$rcell (reference)"
        scell="-"
        if [ "${key#nmap}" != "$key" ]; then
            scan=$(med "$wl" "$key" 15)
            scell="$(fmt "$scan") ms"
            [ "$wl" != 6 ] && scell="$scell ($(ratio "$scan" "$ours_ms"))"
        fi
        echo "| $(wl_name "$wl") | $(label_of "$key") | $n | $wall | $(fmt "$rate") | $states | $eqk/$n | $syncell | $rcell | $scell | $target | $result |" >>"$TABLE"
    done
done

# Global targets.
errors_total=$(awk -F'\t' '$2 ~ /^ours/ {s += $9} END {print s + 0}' "$RESULTS")
tw_increase=$(awk -F'\t' '$2 ~ /^ours/ {d = $12 - $11; if (d > m) m = d} END {print m + 0}' "$RESULTS")
tw_first=$(awk -F'\t' '$2 ~ /^ours/ {print $11; exit}' "$RESULTS")
tw_last=$(awk -F'\t' '$2 ~ /^ours/ {v = $12} END {print v}' "$RESULTS")
ours_truth=$(awk -F'\t' '$2 ~ /^ours/ {n++; s += $13} END {print s "/" n}' "$RESULTS")
SAME_ALL=PASS
SAME_DETAIL=""
for wl in 1 2 3 4 5 6; do
    ref=$(ref_of "$wl"); [ -n "$ref" ] || ref=nmap-T4-once
    if [ "$wl" = 6 ]; then
        # One port: our 30,000 verdicts collapse to one state per port, compared with nmap's scan of it.
        pair=$(ours_eq_ref 6 nmap-T4-once)
    else
        pair=$(ours_eq_ref "$wl" "$ref")
    fi
    SAME_DETAIL="$SAME_DETAIL w$wl: $pair;"
    [ "${pair%/*}" = "${pair#*/}" ] && [ "${pair#*/}" != 0 ] || SAME_ALL=FAIL
done
[ "${ours_truth%/*}" = "${ours_truth#*/}" ] || SAME_ALL=FAIL
nmap_wrong=$(awk -F'\t' '$2 ~ /^nmap/ && $13 == 0 {print "w" $1 " " $2 " run " $3}' "$RESULTS" | paste -sd',' -)

{
    echo
    echo "| target | measured | result |"
    echo "|---|---|---|"
    echo "| port states identical to nmap's, every workload | our runs equal to ground truth: $ours_truth; per-port equal to the reference nmap runs (ours×nmap pairs):$SAME_DETAIL | $SAME_ALL |"
    echo "| zero ERRORs | $errors_total ERROR verdicts in all our runs | $(verdict [ "$errors_total" = 0 ]) |"
    echo "| TIME_WAIT unchanged after a run | largest increase over one of our runs: $tw_increase (first run started at $tw_first, last ended at $tw_last) | $(verdict [ "$tw_increase" -le 0 ]) |"
    echo "| ≥ 1.2× nmap -T4 ports/s, 1k open | see workload 1 | ${MEASURED[1]} |"
    echo "| ≥ 1.0× nmap -T5, 10k closed | see workload 2 | ${MEASURED[2]} |"
    echo "| ≥ 1.0× nmap -T5, full range | see workload 3 | ${MEASURED[3]} |"
    echo "| 1k filtered ≤ 1.15 s wall and ≤ 1.05 SYN/port | see workload 4 | ${MEASURED[4]} |"
    echo "| filtered + reset ≤ 0.5× nmap -T4 wall | see workload 5 | ${MEASURED[5]} |"
    echo "| 30,000 re-probes of one open port, no local error | see workload 6 | ${MEASURED[6]} |"
} >>"$TABLE"

{
    echo
    echo "## Parallax probe benchmark — $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "- command: bench/run.sh $( [ "$BUILD" = 0 ] && echo --no-build) (RUNS=$RUNS, BUDGET_S=$BUDGET_S); total $TOTAL_S s"
    echo "- machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), kernel $(uname -r), $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo)"
    echo "- JDK: $("$JAVA" -version 2>&1 | head -1) ($JAVA); nmap: $(nmap --version | head -1)"
    echo "- load average (1/5/15 min): at start $LOAD_START, at end $LOAD_END; per workload: $(awk '{printf "%s %s; ", $1, $2}' "$OUT/load.txt")"
    echo "- namespace: $NS (own loopback only); target $TARGET; open $OPEN_PORTS, dropped $FILTERED_PORTS, reset $RESET_PORTS"
    echo "- ours: in-process wall of one ConnectProber.probe() batch after one untimed warm-up pass (filtered workloads: warm-up on $FILTERED_WARMUP so the drop counter only sees measured SYNs); timeout $TIMEOUT_MS ms; maxInFlight w1 $MIF_W1, w2 $MIF_W2, w3 $MIF_W3, w4 $MIF_W4, w5 $MIF_W5, w6 $MIF_W6; $(nproc) selector threads"
    echo "- nmap: wall of the whole nmap process (nmap -v -sT -n -Pn <config> -p <ports> -oX file $TARGET); 'scan phase only' is nmap's own 'Completed Connect Scan ... elapsed' (10 ms steps, without its start-up), shown for comparison only"
    echo "- ratio: ours ports/s ÷ that row's ports/s (> 1: ours is faster); medians of the runs shown"
    [ -n "$nmap_wrong" ] && echo "- nmap runs whose states differ from the ground truth: $nmap_wrong"
    [ -s "$NOTES" ] && sed 's/^/- /' "$NOTES"
    echo "- raw results: $RESULTS"
    echo
    cat "$TABLE"
} | tee "$OUT/report.md"
