#!/usr/bin/env bash
# Footprint of the JVM-mode service as the Deployment runs it: the JAVA_OPTS of src/main/docker/Dockerfile.jvm,
# under the Deployment's memory limit (-XX:MaxRAM stands in for the container's cgroup limit), with
# authentication on (a Portworx admin token minted here with openssl) and the rate limit off (one caller).
#
#   bash bench/footprint.sh
#
# Per run it prints: start-to-ready time (launch until /q/health/ready answers 200), resident memory at rest
# (VmRSS 5 s after ready), the peak resident memory (VmHWM) after WARMUP s and then DURATION s of wrk load on
# POST /v1/tokens, and the requests/s of the second (warm) load; then the medians over the runs.
#
# Environment (optional): RUNS=5  LIMIT=256m  WARMUP=20  DURATION=15  CONNECTIONS=32  THREADS=2  JAVA_OPTS_EXTRA=
#   JAVA_OPTS_OVERRIDE=
# Only 127.0.0.1 is contacted; every wrk run is bounded by -d and timeout(1).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS="${RUNS:-5}"
LIMIT="${LIMIT:-256m}"
DURATION="${DURATION:-15}"
WARMUP="${WARMUP:-20}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"

log() { printf '[footprint.sh] %s\n' "$*" >&2; }

if ! command -v wrk >/dev/null 2>&1; then
    log "installing wrk"
    apt-get update -qq && apt-get install -y -qq wrk
fi
for tool in curl openssl java; do
    command -v "$tool" >/dev/null 2>&1 || { log "$tool is required"; exit 1; }
done
JAR=target/quarkus-app/quarkus-run.jar
[[ -f "$JAR" && "${REBUILD:-0}" != "1" ]] || ./mvnw -B -q package -DskipTests

# JAVA_OPTS_OVERRIDE replaces the Dockerfile's options, to compare others against them.
OPTS=${JAVA_OPTS_OVERRIDE:-$(sed -n 's/^ENV JAVA_OPTS="\(.*\)"$/\1/p' src/main/docker/Dockerfile.jvm)}
[[ -n "$OPTS" ]] || { log "no ENV JAVA_OPTS line in src/main/docker/Dockerfile.jvm"; exit 1; }
log "JAVA_OPTS (Dockerfile.jvm): $OPTS -XX:MaxRAM=$LIMIT ${JAVA_OPTS_EXTRA:-}"

WORK=$(mktemp -d)
APP_PID=
cleanup() {
    [[ -n "$APP_PID" ]] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/keys"
head -c 48 /dev/urandom | base64 -w0 > "$WORK/keys/shared-secret"
SECRET=$(cat "$WORK/keys/shared-secret")

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
payload=$(printf '{"email":"","exp":%d,"iat":%d,"iss":"portworx.com","name":"bench","roles":["system.admin"],"sub":"bench"}' \
    $((now + 86400)) $((now - 60)) | b64url)
sig=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$SECRET" -binary | b64url)
TOKEN="$header.$payload.$sig"

cat > "$WORK/mint.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"name":"Bench","email":"bench@example.com","sub":"bench@example.com","roles":["system.user"],"groups":["kubernetes"]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
function done(summary, latency, requests)
   io.write(string.format("RESULT rps=%.1f non2xx=%d\n", summary.requests / (summary.duration / 1e6), summary.errors.status))
end
LUA

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$APP_PID/status"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

printf '%-6s %10s %12s %12s %10s\n' run ready_ms rss_rest_MiB rss_peak_MiB mint_rps
: > "$WORK/results"
for run in $(seq 1 "$RUNS"); do
    port=$(free_port)
    start=$(date +%s%N)
    # shellcheck disable=SC2086
    java $OPTS -XX:MaxRAM="$LIMIT" ${JAVA_OPTS_EXTRA:-} -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" \
        -Dpxtoken.keys.dir="$WORK/keys" -Dpxtoken.rate-limit.enabled=false -Dpxtoken.auth.portworx.enabled=true -jar "$JAR" > "$WORK/app-$run.log" 2>&1 &
    APP_PID=$!
    for _ in $(seq 1 600); do
        curl -sf -o /dev/null "http://127.0.0.1:$port/q/health/ready" && break
        sleep 0.01
    done
    ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    curl -sf -o /dev/null "http://127.0.0.1:$port/q/health/ready" || { log "not ready; see $WORK/app-$run.log"; cat "$WORK/app-$run.log"; exit 1; }
    sleep 5
    rest=$(kb VmRSS)
    timeout $((WARMUP + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$WORK/mint.lua" \
        "http://127.0.0.1:$port/v1/tokens" > /dev/null
    rps=$(timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s "$WORK/mint.lua" \
        "http://127.0.0.1:$port/v1/tokens" | sed -n 's/^RESULT rps=\([0-9.]*\) non2xx=\([0-9]*\)$/\1 \2/p')
    set -- $rps
    [[ "${2:-1}" == "0" ]] || { log "non-2xx responses under load: ${2:-?}"; exit 1; }
    peak=$(kb VmHWM)
    kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=
    printf '%-6s %10d %12.1f %12.1f %10.0f\n' "$run" "$ready_ms" "$(awk -v k="$rest" 'BEGIN {print k/1024}')" "$(awk -v k="$peak" 'BEGIN {print k/1024}')" "$1"
    echo "$ready_ms $rest $peak $1" >> "$WORK/results"
done
printf '%-6s %10s %12.1f %12.1f %10.0f\n' median "$(cut -d' ' -f1 "$WORK/results" | median)" \
    "$(cut -d' ' -f2 "$WORK/results" | median | awk '{print $1/1024}')" \
    "$(cut -d' ' -f3 "$WORK/results" | median | awk '{print $1/1024}')" \
    "$(cut -d' ' -f4 "$WORK/results" | median)"
