#!/usr/bin/env bash
# HTTP throughput/latency benchmark: POST /v1/tokens (mint) against GET /v1/issuer (baseline), same JVM, same run.
#
#   bash bench/http.sh
#
# Environment (all optional):
#   DURATION=15      seconds per measured wrk run
#   CONNECTIONS=32   wrk connections
#   THREADS=2        wrk threads
#   ROUNDS=3         measured rounds; each round runs both endpoints (order flips every round)
#   WARMUP=30        seconds of discarded warm-up per endpoint before the first round (with 10 s, the first
#                    mint round ran 26-36% below the second one in our runs on 2 CPUs, most likely still JIT-compiling)
#   PORT=            loopback port for the app (default: a free one picked at random)
#   JAVA_OPTS=       extra JVM/system-property options for the app (e.g. "-Xmx256m")
#   WRK_CPUS=, APP_CPUS=   optional taskset CPU lists to pin wrk and the app (e.g. WRK_CPUS=1 APP_CPUS=0)
#   REBUILD=1        rebuild the app even if target/quarkus-app exists
#   AUTH=1           1: authentication on, as deployed: the script writes the shared secret, mints a Portworx
#                    system.admin token for it with openssl and sends it as "Authorization: Bearer" on every request.
#                    0: -Dpxtoken.auth.enabled=false (the app then warns loudly that anyone may mint).
#                    The rate limit is always off (-Dpxtoken.rate-limit.enabled=false): one caller at full speed
#                    would otherwise be held to its 20 requests/s.
#
# Only 127.0.0.1 is ever contacted. Every wrk run is bounded by -d and by timeout(1).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"

DURATION="${DURATION:-15}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
ROUNDS="${ROUNDS:-3}"
WARMUP="${WARMUP:-30}"
AUTH="${AUTH:-1}"
JAVA_OPTS="${JAVA_OPTS:-}"
HOST=127.0.0.1

log() { printf '[http.sh] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for v in DURATION CONNECTIONS THREADS ROUNDS WARMUP AUTH; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a whole number (got '${!v}')"
done
(( ROUNDS >= 1 && DURATION >= 1 && CONNECTIONS >= THREADS && THREADS >= 1 )) \
    || die "need ROUNDS>=1, DURATION>=1, THREADS>=1 and CONNECTIONS>=THREADS"

# --- tools -------------------------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
    log "wrk not found; installing it with apt-get"
    if [[ $(id -u) -eq 0 ]]; then
        apt-get update && apt-get install -y wrk
    elif command -v sudo >/dev/null 2>&1; then
        sudo apt-get update && sudo apt-get install -y wrk
    else
        die "wrk is missing and neither root nor sudo is available: install wrk (apt-get install -y wrk)"
    fi
fi
command -v curl >/dev/null 2>&1 || die "curl is required"
command -v java >/dev/null 2>&1 || die "java (17+) is required"
if [[ "$AUTH" == 1 ]]; then
    command -v openssl >/dev/null 2>&1 || die "openssl is required to mint the bearer token (or run with AUTH=0)"
fi

# --- build -------------------------------------------------------------------------------------------------------
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
if [[ ! -f "$JAR" || "${REBUILD:-0}" == "1" ]]; then
    log "building the app in $ROOT (./mvnw -B -q package -DskipTests)"
    (cd "$ROOT" && ./mvnw -B -q package -DskipTests)
fi
[[ -f "$JAR" ]] || die "build did not produce $JAR"

# --- start the app -----------------------------------------------------------------------------------------------
port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
if [[ -z "${PORT:-}" ]]; then
    for _ in $(seq 1 50); do
        PORT=$(( 20000 + RANDOM % 40000 ))
        port_in_use "$PORT" || break
    done
fi
port_in_use "$PORT" && die "port $PORT is already in use"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/pxtoken-http-bench.XXXXXX")"
APP_LOG="$WORK/app.log"
APP_PID=""
cleanup() {
    local rc=$?
    if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then
        log "stopping the app (pid $APP_PID)"
        kill "$APP_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$APP_PID" 2>/dev/null || true
        wait "$APP_PID" 2>/dev/null || true
    fi
    if [[ $rc -ne 0 && -f "$APP_LOG" ]]; then
        log "last lines of the app log:"; tail -n 30 "$APP_LOG" >&2 || true
    fi
    rm -rf "$WORK"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The shared secret, written here so the script can mint its own bearer token: 64 ASCII bytes, like the one the app
# generates (base64 of 48 random bytes).
mkdir -p "$WORK/keys"
head -c 48 /dev/urandom | base64 -w0 > "$WORK/keys/shared-secret"
chmod 600 "$WORK/keys/shared-secret"
AUTH_OPTS=(-Dpxtoken.rate-limit.enabled=false)
export PXTOKEN_BENCH_AUTH=""
if [[ "$AUTH" == 1 ]]; then
    b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
    now=$(date +%s)
    jwt_header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
    jwt_payload=$(printf '{"email":"","exp":%d,"iat":%d,"iss":"portworx.com","name":"bench","roles":["system.admin"],"sub":"bench"}' \
        $(( now + 86400 )) $(( now - 60 )) | b64url)
    jwt_sig=$(printf '%s.%s' "$jwt_header" "$jwt_payload" \
        | openssl dgst -sha256 -hmac "$(cat "$WORK/keys/shared-secret")" -binary | b64url)
    PXTOKEN_BENCH_AUTH="Bearer $jwt_header.$jwt_payload.$jwt_sig"
    # with no Kubernetes API here, the caller is a Portworx token: accepted only when Portworx callers are on
    AUTH_OPTS+=(-Dpxtoken.auth.portworx.enabled=true)
else
    AUTH_OPTS+=(-Dpxtoken.auth.enabled=false)
fi
CURL_AUTH=()
[[ -n "$PXTOKEN_BENCH_AUTH" ]] && CURL_AUTH=(-H "Authorization: $PXTOKEN_BENCH_AUTH")

APP_PREFIX=()
WRK_PREFIX=()
[[ -n "${APP_CPUS:-}" ]] && APP_PREFIX=(taskset -c "$APP_CPUS")
[[ -n "${WRK_CPUS:-}" ]] && WRK_PREFIX=(taskset -c "$WRK_CPUS")

log "starting the app on $HOST:$PORT (keys in $WORK/keys, log in $APP_LOG)"
# shellcheck disable=SC2086  # JAVA_OPTS is deliberately word-split
${APP_PREFIX[@]+"${APP_PREFIX[@]}"} java $JAVA_OPTS \
    -Dpxtoken.keys.dir="$WORK/keys" -Dpxtoken.keys.generate-if-missing=true \
    -Dquarkus.http.host="$HOST" -Dquarkus.http.port="$PORT" "${AUTH_OPTS[@]}" \
    -jar "$JAR" >"$APP_LOG" 2>&1 &
APP_PID=$!

BASE="http://$HOST:$PORT"
deadline=$(( SECONDS + 90 ))
until curl -fsS -o /dev/null --max-time 2 "$BASE/q/health/ready" 2>/dev/null; do
    kill -0 "$APP_PID" 2>/dev/null || die "the app exited before it became ready"
    (( SECONDS < deadline )) || die "the app was not ready within 90 s"
    sleep 0.5
done
log "app ready"

BODY='{"name":"Bench","email":"bench@example.com","sub":"bench@example.com","roles":["system.user"],"groups":["kubernetes"]}'
code=$(curl -sS -o "$WORK/mint.json" -w '%{http_code}' --max-time 10 -X POST -H 'Content-Type: application/json' \
    -H 'Accept: application/json' ${CURL_AUTH[@]+"${CURL_AUTH[@]}"} -d "$BODY" "$BASE/v1/tokens")
[[ "$code" == 200 ]] || die "POST /v1/tokens answered $code: $(cat "$WORK/mint.json")"
code=$(curl -sS -o "$WORK/issuer.json" -w '%{http_code}' --max-time 10 ${CURL_AUTH[@]+"${CURL_AUTH[@]}"} "$BASE/v1/issuer")
[[ "$code" == 200 ]] || die "GET /v1/issuer answered $code: $(cat "$WORK/issuer.json")"

# --- helpers -----------------------------------------------------------------------------------------------------
# run_wrk <endpoint> <seconds>  -> prints the RESULT line of the lua done() hook
run_wrk() {
    local which=$1 secs=$2 script path out
    case $which in
        mint)   script="$BENCH_DIR/mint.lua";   path=/v1/tokens ;;
        issuer) script="$BENCH_DIR/issuer.lua"; path=/v1/issuer ;;
    esac
    out=$(timeout $(( secs + 30 )) ${WRK_PREFIX[@]+"${WRK_PREFIX[@]}"} wrk -t"$THREADS" -c"$CONNECTIONS" -d"${secs}s" --timeout 5s \
        -s "$script" "$BASE$path") || die "wrk against $path failed: $out"
    grep '^RESULT ' <<<"$out" || die "no RESULT line from wrk: $out"
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) exit 1; if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }
# JVM counters from Micrometer: "<process-cpu-ns> <allocated-bytes> <gc-pause-seconds>". The allocation counter
# advances at each GC, so per-run values are approximate (to within one young generation).
jvm_metrics() {
    curl -fsS --max-time 10 "$BASE/q/metrics" 2>/dev/null | awk '
        /^process_cpu_time_ns_total / {c=$NF} /^jvm_gc_memory_allocated_bytes_total / {a=$NF} /^jvm_gc_pause_seconds_sum/ {g+=$NF}
        END {printf "%.0f %.0f %.6f\n", c+0, a+0, g+0}'
}
# signing timer exported by TokenMetrics (pxtoken_signing_seconds): prints "<count> <sum-seconds>"
signing_metrics() {
    curl -fsS --max-time 10 "$BASE/q/metrics" 2>/dev/null | awk '
        /^pxtoken_signing_seconds_count/ {c=$2} /^pxtoken_signing_seconds_sum/ {s=$2}
        END {printf "%s %s\n", (c==""?0:c), (s==""?0:s)}'
}

# --- warm up, then measure ---------------------------------------------------------------------------------------
if (( WARMUP > 0 )); then
    log "warming up: ${WARMUP}s per endpoint (discarded)"
    run_wrk mint "$WARMUP" >/dev/null
    run_wrk issuer "$WARMUP" >/dev/null
fi
read -r sign_c0 sign_s0 < <(signing_metrics)

echo "px-token-service HTTP benchmark"
echo "  commit:  $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ' (+local changes)')"
echo "  java:    $(java -version 2>&1 | head -n 1)"
echo "  wrk:     $(wrk --version 2>&1 | head -n 1 | awk '{print $1, $2}')  -t$THREADS -c$CONNECTIONS -d${DURATION}s, $ROUNDS round(s), ${WARMUP}s warm-up per endpoint"
echo "  host:    $(nproc) CPU(s), app and wrk on the same host${APP_CPUS:+, app on CPUs $APP_CPUS}${WRK_CPUS:+, wrk on CPUs $WRK_CPUS}"
echo "  app:     authentication $([[ "$AUTH" == 1 ]] && echo "on (Portworx admin bearer token)" || echo off), rate limit off${JAVA_OPTS:+, JAVA_OPTS: $JAVA_OPTS}"
echo
printf '%-7s %-16s %12s %10s %10s %10s %8s %8s %11s %11s %9s\n' round endpoint req/s p50_ms p90_ms p99_ms non2xx sockerr \
    app_cpu_us alloc_KB gc_ms/s

declare -a MINT_RPS=() MINT_P50=() MINT_P99=() MINT_CPU=() MINT_ALLOC=() MINT_GC=()
declare -a ISS_RPS=() ISS_P50=() ISS_P99=() ISS_CPU=() ISS_ALLOC=() ISS_GC=()
bad=0
for (( r = 1; r <= ROUNDS; r++ )); do
    if (( r % 2 )); then order=(mint issuer); else order=(issuer mint); fi
    for ep in "${order[@]}"; do
        read -r cpu0 alloc0 gc0 < <(jvm_metrics)
        res=$(run_wrk "$ep" "$DURATION")
        read -r cpu1 alloc1 gc1 < <(jvm_metrics)
        rps=$(field rps "$res"); p50=$(field p50_us "$res"); p90=$(field p90_us "$res"); p99=$(field p99_us "$res")
        n2=$(field non2xx "$res"); se=$(field sock_errors "$res"); nreq=$(field requests "$res"); secs=$(field seconds "$res")
        (( n2 + se > 0 )) && bad=1
        # app CPU per request (us), heap allocated per request (KB), GC pause per wall-clock second (ms)
        read -r cpu_us alloc_kb gc_ms < <(awk -v c0="$cpu0" -v c1="$cpu1" -v a0="$alloc0" -v a1="$alloc1" -v g0="$gc0" \
            -v g1="$gc1" -v n="$nreq" -v t="$secs" 'BEGIN { printf "%.1f %.1f %.1f\n", (c1-c0)/1000/n, (a1-a0)/1024/n, (g1-g0)*1000/t }')
        label=$([[ $ep == mint ]] && echo "POST /v1/tokens" || echo "GET /v1/issuer")
        printf '%-7s %-16s %12.1f %10.3f %10.3f %10.3f %8d %8d %11s %11s %9s\n' "$r" "$label" "$rps" \
            "$(awk "BEGIN{print $p50/1000}")" "$(awk "BEGIN{print $p90/1000}")" "$(awk "BEGIN{print $p99/1000}")" "$n2" "$se" \
            "$cpu_us" "$alloc_kb" "$gc_ms"
        if [[ $ep == mint ]]; then MINT_RPS+=("$rps"); MINT_P50+=("$p50"); MINT_P99+=("$p99"); MINT_CPU+=("$cpu_us"); MINT_ALLOC+=("$alloc_kb"); MINT_GC+=("$gc_ms")
        else ISS_RPS+=("$rps"); ISS_P50+=("$p50"); ISS_P99+=("$p99"); ISS_CPU+=("$cpu_us"); ISS_ALLOC+=("$alloc_kb"); ISS_GC+=("$gc_ms"); fi
    done
done
read -r sign_c1 sign_s1 < <(signing_metrics)

m_rps=$(printf '%s\n' "${MINT_RPS[@]}" | median); i_rps=$(printf '%s\n' "${ISS_RPS[@]}" | median)
m_p50=$(printf '%s\n' "${MINT_P50[@]}" | median); i_p50=$(printf '%s\n' "${ISS_P50[@]}" | median)
m_p99=$(printf '%s\n' "${MINT_P99[@]}" | median); i_p99=$(printf '%s\n' "${ISS_P99[@]}" | median)
m_cpu=$(printf '%s\n' "${MINT_CPU[@]}" | median); i_cpu=$(printf '%s\n' "${ISS_CPU[@]}" | median)
m_alloc=$(printf '%s\n' "${MINT_ALLOC[@]}" | median); i_alloc=$(printf '%s\n' "${ISS_ALLOC[@]}" | median)
m_gc=$(printf '%s\n' "${MINT_GC[@]}" | median); i_gc=$(printf '%s\n' "${ISS_GC[@]}" | median)

echo
echo "Medians over $ROUNDS round(s):"
printf '  %-16s %12s %10s %10s %11s %11s %9s\n' endpoint req/s p50_ms p99_ms app_cpu_us alloc_KB gc_ms/s
printf '  %-16s %12.1f %10.3f %10.3f %11s %11s %9s\n' "POST /v1/tokens" "$m_rps" "$(awk "BEGIN{print $m_p50/1000}")" \
    "$(awk "BEGIN{print $m_p99/1000}")" "$m_cpu" "$m_alloc" "$m_gc"
printf '  %-16s %12.1f %10.3f %10.3f %11s %11s %9s\n' "GET /v1/issuer" "$i_rps" "$(awk "BEGIN{print $i_p50/1000}")" \
    "$(awk "BEGIN{print $i_p99/1000}")" "$i_cpu" "$i_alloc" "$i_gc"
echo "  (app_cpu_us: the app's process CPU per request, wrk excluded; alloc_KB: heap allocated per request, approximate;"
echo "   gc_ms/s: GC pause time per second of load; all from the app's /q/metrics)"
echo
awk -v m="$m_rps" -v i="$i_rps" 'BEGIN { printf "mint/issuer throughput ratio: %.3f  (a mint costs about %.2fx an issuer request)\n", m/i, i/m }'
awk -v c0="$sign_c0" -v s0="$sign_s0" -v c1="$sign_c1" -v s1="$sign_s1" 'BEGIN {
    n = c1 - c0
    if (n > 0) printf "in-app TokenIssuer.sign mean during the measured rounds (pxtoken_signing_seconds): %.2f us over %d tokens\n", (s1 - s0) * 1e6 / n, n
}'
if (( bad )); then
    echo "WARNING: some requests failed (non-2xx or socket errors); see the table above." >&2
    exit 2
fi
