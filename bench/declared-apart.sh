#!/usr/bin/env bash
# Declared tokens at scale (issue 22), the service and the API server in separate processes as bench/renewal-apart.sh:
# the packaged service (the JAVA_OPTS of src/main/docker/Dockerfile.jvm, the Deployment's 256Mi as -XX:MaxRAM) leads
# against the fabric8 mock API server (CRUD mode, io.pxtoken.renewal.MockApiServer, its own JVM); the load is declared
# by io.pxtoken.declared.DeclaredLoad (a third JVM, calling as bearer "driver", tallied apart by the mock).
#
#   SCENARIO=scale  PXTOKENS PxTokens over NAMESPACES namespaces, all declared at once: seconds until all are Ready
#                   (bound: writes at QPS), the service's API requests per PxToken and its LISTs, the live heap added
#                   per 1,000 declared tokens (class histogram after a full GC), then its idle CPU over IDLE s.
#   SCENARIO=fair   BACKLOG PxTokens in one namespace, then at once a ClusterPxToken over NAMESPACES namespaces:
#                   seconds until its NAMESPACES Secrets exist (bound: NAMESPACES / QPS + 60 s).
#   SCENARIO=big    PXTOKENS PxTokens with an ANNOTATION-byte annotation each: the service stays up, serves
#                   POST /v1/tokens, and says what it made of them.
#
#   SCENARIO=scale PXTOKENS=10000 NAMESPACES=100 bash bench/declared-apart.sh
#       (HISTO=1 adds the classes whose live bytes grew most, IDLE_JFR=/tmp/idle.jfr a JFR recording of it)
#   SCENARIO=fair BACKLOG=2000 NAMESPACES=300 bash bench/declared-apart.sh
#   SCENARIO=big PXTOKENS=1000 NAMESPACES=10 ANNOTATION=256000 bash bench/declared-apart.sh
#
# Only 127.0.0.1 is contacted. Needs java, jcmd, curl; builds the jar and the test classes if missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SCENARIO="${SCENARIO:-scale}"
PXTOKENS="${PXTOKENS:-10000}"
NAMESPACES="${NAMESPACES:-100}"
BACKLOG="${BACKLOG:-2000}"
ANNOTATION="${ANNOTATION:-256000}"
QPS="${QPS:-20}"
SETTLE="${SETTLE:-30}"
IDLE="${IDLE:-60}"
LIMIT="${LIMIT:-256m}"
WORKERS="${WORKERS:-4}"
TIMEOUT="${TIMEOUT:-3600}"
API_PORT="${API_PORT:-18443}"
HTTP_PORT="${HTTP_PORT:-18080}"

log() { printf '[declared-apart.sh] %s\n' "$*" >&2; }
# shellcheck source=bench/lib.sh
source bench/lib.sh
[[ -f target/test-classes/io/pxtoken/declared/DeclaredLoad.class ]] || { log "no DeclaredLoad: REBUILD=1"; exit 1; }
load() {
    java -Xmx1g -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$CP" io.pxtoken.declared.DeclaredLoad \
        "http://127.0.0.1:$API_PORT" "$@"
}
# the service's request totals the mock printed last (it prints them every 10 s): total() NAME
total() { grep '^totals ' "$WORK/api.log" | tail -n 1 | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }

start_api 3g
load setup "$NAMESPACES"
start_service "$NAMESPACES" -Dpxtoken.tenants.enabled=true -Dpxtoken.checks.continuous=false \
    -Dpxtoken.controller.workers="$WORKERS"
sleep 12
log "scenario $SCENARIO at qps $QPS, $WORKERS workers, -XX:MaxRAM=$LIMIT"

case "$SCENARIO" in
scale)
    live0=$(live_bytes "$APP_PID")
    histogram "$APP_PID" "$WORK/histo0"
    requests0=$(total service); lists0=$(total service-lists); writes0=$(total service-writes)
    started=$(now_ns)
    load pxtokens "$PXTOKENS" "$NAMESPACES"
    log "declared $PXTOKENS PxTokens in $(since "$started") s"
    all_ready() { local r; r=$(load ready); [[ "${r%% *}" -ge "$PXTOKENS" ]]; }
    wait_for "every PxToken Ready" "$TIMEOUT" all_ready
    seconds=$(since "$started")
    sleep 11   # the mock's next tally
    requests=$(( $(total service) - requests0 )); lists=$(( $(total service-lists) - lists0 ))
    writes=$(( $(total service-writes) - writes0 ))
    printf 'BENCH %d PxTokens over %d namespaces Ready in %s s at qps %s (writes alone: at least %.0f s)\n' "$PXTOKENS" \
        "$NAMESPACES" "$seconds" "$QPS" "$(awk -v n="$PXTOKENS" -v q="$QPS" 'BEGIN {print (n - 2 * q) / q}')"
    printf 'BENCH service API requests: %d (%.2f per PxToken), of them %d writes (%.2f per PxToken) and %d LISTs\n' \
        "$requests" "$(awk -v a="$requests" -v n="$PXTOKENS" 'BEGIN {print a / n}')" "$writes" \
        "$(awk -v a="$writes" -v n="$PXTOKENS" 'BEGIN {print a / n}')" "$lists"
    live1=$(live_bytes "$APP_PID")
    printf 'BENCH live heap added: %.1f MiB for %d declared tokens, %.1f MiB per 1,000; RSS %s MiB\n' \
        "$(awk -v a="$live0" -v b="$live1" 'BEGIN {print (b - a) / 1048576}')" "$PXTOKENS" \
        "$(awk -v a="$live0" -v b="$live1" -v n="$PXTOKENS" 'BEGIN {print (b - a) / 1048576 / n * 1000}')" "$(rss_mib "$APP_PID")"
    sleep "$SETTLE"
    histogram "$APP_PID" "$WORK/histo1"
    histogram_growth "$WORK/histo0" "$WORK/histo1"
    [[ -z "${IDLE_JFR:-}" ]] || jcmd "$APP_PID" JFR.start name=idle settings=profile duration="${IDLE}s" filename="$IDLE_JFR" >/dev/null
    app0=$(ticks "$APP_PID"); api0=$(ticks "$API_PID"); requests0=$(total service); threads "$APP_PID" > "$WORK/threads0"
    sleep "$IDLE"
    app1=$(ticks "$APP_PID"); api1=$(ticks "$API_PID"); threads "$APP_PID" > "$WORK/threads1"
    busiest_threads "$WORK/threads0" "$WORK/threads1"
    printf 'BENCH   API requests of the service while idle: %d\n' "$(( $(total service) - requests0 ))"
    printf 'BENCH idle CPU over %d s with %d managed Secrets: service %s%% of a core; mock API server %s%%\n' "$IDLE" \
        "$PXTOKENS" "$(cpu_pct "$app0" "$app1" "$IDLE")" "$(cpu_pct "$api0" "$api1" "$IDLE")"
    ;;
fair)
    started=$(now_ns)
    load pxtokens "$BACKLOG" 1
    load cluster tenants tenant
    log "declared $BACKLOG PxTokens in ns-0 and a ClusterPxToken over $NAMESPACES namespaces in $(since "$started") s"
    all_written() { [[ "$(load secrets tenants)" -ge "$NAMESPACES" ]]; }
    wait_for "the ClusterPxToken's Secrets" "$TIMEOUT" all_written
    seconds=$(since "$started")
    ready=$(load ready)
    printf 'BENCH ClusterPxToken over %d namespaces: its Secrets written in %s s (bound: %.0f s) while %s of %d PxTokens were Ready\n' \
        "$NAMESPACES" "$seconds" "$(awk -v n="$NAMESPACES" -v q="$QPS" 'BEGIN {print n / q + 60}')" "${ready%% *}" "$BACKLOG"
    ;;
big)
    started=$(now_ns)
    load pxtokens "$PXTOKENS" "$NAMESPACES" "$ANNOTATION"
    log "declared $PXTOKENS PxTokens with $ANNOTATION-byte annotations in $(since "$started") s"
    # every look lists all of them (1,000 x 250 KB through the stand-in): look every 20 s, not every second
    all_ready() { local r; sleep 20; r=$(load ready); [[ "${r%% *}" -ge "$PXTOKENS" ]]; }
    wait_for "every PxToken Ready" "$TIMEOUT" all_ready
    seconds=$(since "$started")
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
        --data '{"name":"probe","email":"probe@example.com","roles":["system.user"],"groups":["g"],"duration":"1h"}' \
        "http://127.0.0.1:$HTTP_PORT/v1/tokens")
    alive
    printf 'BENCH %d PxTokens with %d-byte annotations (%.0f MiB): Ready in %s s; the service is up (RSS %s MiB, live heap %.1f MiB) and POST /v1/tokens answers %s\n' \
        "$PXTOKENS" "$ANNOTATION" "$(awk -v n="$PXTOKENS" -v a="$ANNOTATION" 'BEGIN {print n * a / 1048576}')" "$seconds" \
        "$(rss_mib "$APP_PID")" "$(awk -v b="$(live_bytes "$APP_PID")" 'BEGIN {print b / 1048576}')" "$code"
    [[ "$code" == "200" ]] || exit 1
    ;;
*)
    log "unknown SCENARIO $SCENARIO (scale, fair, big)"; exit 1 ;;
esac
{ grep -c 'OutOfMemoryError' "$WORK/app.log" || true; } | xargs printf 'BENCH OutOfMemoryError lines in the service log: %s\n'
load_average
