#!/usr/bin/env bash
# Renewal at scale with the service and the API server in separate processes: the packaged service (the JAVA_OPTS
# of src/main/docker/Dockerfile.jvm, the Deployment's 256Mi as -XX:MaxRAM) leads against the fabric8 mock API server
# (CRUD mode, io.pxtoken.renewal.MockApiServer, its own JVM). Unlike bench/renewal.sh (one JVM), every figure here is
# the service's alone:
#   1. SECRETS managed Secrets over NAMESPACES namespaces, minted through POST /v1/tokens (30-day tokens);
#   2. live heap the service added for them (jcmd GC.class_histogram total, before minting vs. after every Secret is
#      followed; a full GC precedes each), and its resident memory;
#   3. the service's CPU while idle (utime+stime from /proc over IDLE s, after SETTLE s), and the server's beside it;
#   4. a rotation (the key file rewritten): seconds until pxtoken_renewals_total{result="resigned"} reaches SECRETS,
#      at pxtoken.kubernetes.qps=QPS (burst = 2 x QPS, as the defaults 20/40); ROTATE=0 skips it.
#
#   SECRETS=10000 NAMESPACES=100 QPS=20 bash bench/renewal-apart.sh
#
# Only 127.0.0.1 is contacted. Needs java, jcmd, curl; builds the jar and the test classes if missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECRETS="${SECRETS:-10000}"
NAMESPACES="${NAMESPACES:-100}"
QPS="${QPS:-20}"
SETTLE="${SETTLE:-30}"
IDLE="${IDLE:-60}"
ROTATE="${ROTATE:-1}"
LIMIT="${LIMIT:-256m}"
API_PORT="${API_PORT:-18443}"
HTTP_PORT="${HTTP_PORT:-18080}"

log() { printf '[renewal-apart.sh] %s\n' "$*" >&2; }
command -v xargs >/dev/null 2>&1 || { log "xargs is required"; exit 1; }
# shellcheck source=bench/lib.sh
source bench/lib.sh

start_api 2g
start_service "$NAMESPACES"
sleep 5
live0=$(live_bytes "$APP_PID")

log "minting $SECRETS Secrets over $NAMESPACES namespaces through POST /v1/tokens"
started=$(date +%s%N)
seq 0 $((SECRETS - 1)) | xargs -P 8 -I{} sh -c 'n={}; curl -sf -o /dev/null -H "Content-Type: application/json" \
    --data "{\"name\":\"u$n\",\"email\":\"u$n@example.com\",\"roles\":[\"system.user\"],\"groups\":[\"tenant\"],\"duration\":\"30d\",\"secret\":{\"namespace\":\"ns-$((n % '"$NAMESPACES"'))\",\"name\":\"token-$n\"}}" \
    http://127.0.0.1:'"$HTTP_PORT"'/v1/tokens || echo failed' > "$WORK/mint.out"
failed=$(grep -c failed "$WORK/mint.out" || true)
[[ "$failed" == "0" ]] || { log "$failed mints failed"; tail -n 30 "$WORK/app.log" >&2; exit 1; }
followed() { [[ "$(curl -sf "http://127.0.0.1:$HTTP_PORT/q/metrics" | grep -c '^pxtoken_secret_ready{')" -ge "$SECRETS" ]]; }
wait_for "every Secret followed" 600 followed
printf 'BENCH minted %d Secrets in %.1f s\n' "$SECRETS" "$(awk -v n=$(( $(date +%s%N) - started )) 'BEGIN {print n / 1e9}')"
live1=$(live_bytes "$APP_PID")
printf 'BENCH live heap added (class histogram total after a full GC): %.1f MiB (%d -> %d bytes); RSS %s MiB\n' \
    "$(awk -v a="$live0" -v b="$live1" 'BEGIN {print (b - a) / 1048576}')" "$live0" "$live1" "$(rss_mib "$APP_PID")"

sleep "$SETTLE"
app0=$(ticks "$APP_PID"); api0=$(ticks "$API_PID"); threads "$APP_PID" > "$WORK/threads0"
sleep "$IDLE"
app1=$(ticks "$APP_PID"); api1=$(ticks "$API_PID"); threads "$APP_PID" > "$WORK/threads1"
# which of the service's threads spent the idle time (by thread id, summed by name)
busiest_threads "$WORK/threads0" "$WORK/threads1"
# what the API server received meanwhile (it prints a tally every 10 s)
awk -v from="$(date -u -d "@$(( $(date +%s) - IDLE ))" +%Y-%m-%dT%H:%M:%S)" '$1 == "requests" && $2 >= from' "$WORK/api.log" \
    | sed 's/^/BENCH   API /' | tail -n $(( IDLE / 10 + 1 ))
printf 'BENCH idle CPU over %d s: service %s%% of a core; mock API server %s%%\n' "$IDLE" \
    "$(cpu_pct "$app0" "$app1" "$IDLE")" "$(cpu_pct "$api0" "$api1" "$IDLE")"

if [[ "$ROTATE" == "0" ]]; then
    load_average
    exit 0
fi
resigned0=$(metric '^pxtoken_renewals_total\{.*result="resigned"')
started=$(date +%s%N)
printf '2%.0s' $(seq 1 64) > "$WORK/keys/shared-secret.new" && mv "$WORK/keys/shared-secret.new" "$WORK/keys/shared-secret"
all_resigned() { [[ $(( $(metric '^pxtoken_renewals_total\{.*result="resigned"') - resigned0 )) -ge "$SECRETS" ]]; }
wait_for "every Secret re-signed" 7200 all_resigned
seconds=$(awk -v n=$(( $(date +%s%N) - started )) 'BEGIN {print n / 1e9}')
failed=$(metric '^pxtoken_renewals_total\{.*result="failed"')
printf 'BENCH re-signed %d Secrets in %.1f s: %.1f per second at qps %s, burst %d (expected at most %.1f s of pacing); %d failed\n' \
    "$SECRETS" "$seconds" "$(awk -v s="$seconds" -v n="$SECRETS" 'BEGIN {print n / s}')" "$QPS" $((QPS * 2)) \
    "$(awk -v n="$SECRETS" -v q="$QPS" 'BEGIN {b = 2 * q; print (n > b ? (n - b) / q : 0)}')" "$failed"
load_average
