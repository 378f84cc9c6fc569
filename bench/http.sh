#!/usr/bin/env bash
# HTTP benchmark: POST /v1/tokens (mint) against an authenticated GET /v1/issuer, per build, old and new side by side.
#
#   bash bench/http.sh                                   # this tree's build only
#   OLD_REF=daad80d bash bench/http.sh                   # and the build of a git ref (worktree under /tmp), alternately
#   OLD_JAR=/tmp/old/quarkus-app bash bench/http.sh      # and an already built app dir (or its quarkus-run.jar)
#   ROUNDS=5 OLD_REF=daad80d bash bench/http.sh          # the issue's medians of 5
#
# The caller (CALLER=kubernetes, the default) is a Kubernetes one, as deployed: a ServiceAccount-style bearer (a JWT
# with exp one hour on, RS256 under a throwaway key; only the API server judges it) that the service reviews through
# TokenReview and authorizes through SubjectAccessReview (mint: the roles, groups and subject asked for) against a
# stand-in API server in its own JVM (io.pxtoken.renewal.MockApiServer from the test classes, with
# -Dmock.reviews.token: that token is system:serviceaccount:bench:minter, allowed everything; anything else is not
# authenticated). The reviews are cached by the service (pxtoken.auth.cache-ttl, 10 s): the warm-up fills the cache,
# and it is refilled every TTL as in a pod. Every build runs as its own process against the same API server, with
# pxtoken.secrets.namespaces=bench (so it elects a leader and follows Secrets there, as a Deployment does).
# CALLER=portworx sends a Portworx system.admin token instead (pxtoken.auth.portworx.enabled=true, no API server);
# CALLER=none runs with pxtoken.auth.enabled=false. The rate limit is always off: one caller at full speed would
# otherwise be held to its 20 requests/s.
#
# All builds run at once (idle but for the one measured), are warmed up alike, then each round measures every build on
# both endpoints; the build order and the endpoint order flip every round, so drift hits all alike. Per run:
#   req/s and p50/p99 from wrk (-t THREADS -c CONNECTIONS -d DURATION);
#   cpu_us   the app's CPU time per request: utime+stime of its process (/proc/<pid>/stat) over the run / requests;
#   alloc_KB heap allocated per request (jvm_gc_memory_allocated_bytes_total of /q/metrics, which moves at each GC:
#            exact to within one young generation per run);
#   gc_ms/s  GC pause per second of load.
# Then medians per build and endpoint, the mint/issuer ratio per build and new/old ratios.
#
# Environment: DURATION=15 CONNECTIONS=32 THREADS=2 ROUNDS=3 WARMUP=30 CALLER=kubernetes JAVA_OPTS= (all builds)
#   OLD_JAR= OLD_REF= REBUILD=0 (rebuild this tree) WRK_CPUS= APP_CPUS= (taskset lists)
#   ENDPOINTS="mint issuer" (one of them alone, e.g. to profile it)
#   JFR=<dir>: record each build during the measured rounds (settings=profile) into <dir>/<build>.jfr
# Exits 2 if any request failed (non-2xx or socket error). Only 127.0.0.1 is contacted; wrk is bounded by -d and
# timeout(1).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"

DURATION="${DURATION:-15}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
ROUNDS="${ROUNDS:-3}"
WARMUP="${WARMUP:-30}"
CALLER="${CALLER:-kubernetes}"
ENDPOINTS="${ENDPOINTS:-mint issuer}"
JAVA_OPTS="${JAVA_OPTS:-}"
HOST=127.0.0.1

log() { printf '[http.sh] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for v in DURATION CONNECTIONS THREADS ROUNDS WARMUP; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a whole number (got '${!v}')"
done
(( ROUNDS >= 1 && DURATION >= 1 && CONNECTIONS >= THREADS && THREADS >= 1 )) \
    || die "need ROUNDS>=1, DURATION>=1, THREADS>=1 and CONNECTIONS>=THREADS"
case $CALLER in kubernetes|portworx|none) ;; *) die "CALLER must be kubernetes, portworx or none" ;; esac
[[ -n "${OLD_JAR:-}" && -n "${OLD_REF:-}" ]] && die "set OLD_JAR or OLD_REF, not both"

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
for tool in curl java openssl awk; do command -v "$tool" >/dev/null 2>&1 || die "$tool is required"; done
[[ -n "${JFR:-}" ]] && { command -v jcmd >/dev/null 2>&1 || die "JFR needs jcmd"; mkdir -p "$JFR"; }

# --- builds ------------------------------------------------------------------------------------------------------
# "new" is this tree; "old" an app dir given (OLD_JAR) or a git ref built in a worktree under /tmp (OLD_REF, kept for
# the next run: /tmp/pxtoken-bench-<sha>)
mvn_package() { # dir
    (cd "$1" && { ./mvnw -B -q -o package -DskipTests 2>/dev/null || ./mvnw -B -q package -DskipTests; })
}
NEW_DIR="$ROOT/target/quarkus-app"
if [[ ! -f "$NEW_DIR/quarkus-run.jar" || ! -d "$ROOT/target/test-classes/io/pxtoken/renewal" || "${REBUILD:-0}" == "1" ]]; then
    log "building this tree (./mvnw -B -q package -DskipTests)"
    mvn_package "$ROOT"
fi
[[ -f "$NEW_DIR/quarkus-run.jar" ]] || die "the build did not produce $NEW_DIR/quarkus-run.jar"
BUILDS=(new)
declare -A DIR=([new]="$NEW_DIR") LABEL=()
LABEL[new]="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- src pom.xml 2>/dev/null || echo '+local')"
if [[ -n "${OLD_REF:-}" ]]; then
    sha=$(git -C "$ROOT" rev-parse --short "$OLD_REF^{commit}") || die "no commit $OLD_REF"
    OLD_TREE="/tmp/pxtoken-bench-$sha"
    if [[ ! -f "$OLD_TREE/target/quarkus-app/quarkus-run.jar" ]]; then
        [[ -d "$OLD_TREE" ]] || git -C "$ROOT" worktree add --detach "$OLD_TREE" "$sha" >/dev/null
        log "building $OLD_REF ($sha) in $OLD_TREE"
        mvn_package "$OLD_TREE"
    fi
    OLD_JAR="$OLD_TREE/target/quarkus-app"
    LABEL[old]=$sha
fi
if [[ -n "${OLD_JAR:-}" ]]; then
    [[ -f "$OLD_JAR" ]] && OLD_JAR=$(dirname "$OLD_JAR")
    [[ -f "$OLD_JAR/quarkus-run.jar" ]] || die "no quarkus-run.jar in $OLD_JAR"
    DIR[old]=$OLD_JAR
    LABEL[old]=${LABEL[old]:-$OLD_JAR}
    BUILDS=(old new)
fi

# --- common set-up -----------------------------------------------------------------------------------------------
port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
free_port() {
    local p
    for _ in $(seq 1 100); do
        p=$(( 20000 + RANDOM % 40000 ))
        port_in_use "$p" || { echo "$p"; return; }
    done
    die "no free port"
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/pxtoken-http-bench.XXXXXX")"
declare -A PID=() PORT=()
API_PID=""
stop() { # pid
    kill "$1" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
cleanup() {
    local rc=$?
    for b in "${!PID[@]}"; do
        [[ -n "${PID[$b]}" ]] && kill -0 "${PID[$b]}" 2>/dev/null && stop "${PID[$b]}"
        if [[ $rc -ne 0 && -f "$WORK/$b.log" ]]; then log "last lines of the $b app's log:"; tail -n 30 "$WORK/$b.log" >&2 || true; fi
    done
    [[ -n "$API_PID" ]] && stop "$API_PID"
    rm -rf "$WORK"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$WORK/keys"
head -c 48 /dev/urandom | base64 -w0 > "$WORK/keys/shared-secret"
chmod 600 "$WORK/keys/shared-secret"
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
AUTH_OPTS=(-Dpxtoken.rate-limit.enabled=false)
ENV_OPTS=()
export PXTOKEN_BENCH_AUTH=""
case $CALLER in
    kubernetes)
        # a projected ServiceAccount token's shape (kubectl create token): RS256, kid, the claims Kubernetes writes
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/sa.key" 2>/dev/null
        h=$(printf '{"alg":"RS256","kid":"bench-%s"}' "$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')" | b64url)
        p=$(printf '{"aud":["https://kubernetes.default.svc.cluster.local"],"exp":%d,"iat":%d,"iss":"https://kubernetes.default.svc.cluster.local","jti":"%s","kubernetes.io":{"namespace":"bench","serviceaccount":{"name":"minter","uid":"6b1f6d1e-6a43-4d53-9a3b-4c1b2e0f9d11"}},"nbf":%d,"sub":"system:serviceaccount:bench:minter"}' \
            $(( now + 3600 )) "$now" "$(cat /proc/sys/kernel/random/uuid)" "$now" | b64url)
        s=$(printf '%s.%s' "$h" "$p" | openssl dgst -sha256 -sign "$WORK/sa.key" -binary | b64url)
        SA_TOKEN="$h.$p.$s"
        PXTOKEN_BENCH_AUTH="Bearer $SA_TOKEN"
        CP="$ROOT/target/test.classpath"
        [[ -f "$CP" ]] || (cd "$ROOT" && ./mvnw -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP")
        API_PORT=$(free_port)
        java -Xmx512m -XX:TieredStopAtLevel=1 -Dmock.reviews.token="$SA_TOKEN" -Dmock.reviews.user=system:serviceaccount:bench:minter \
            -cp "$ROOT/target/test-classes:$(cat "$CP")" io.pxtoken.renewal.MockApiServer "$API_PORT" > "$WORK/api.log" 2>&1 &
        API_PID=$!
        for _ in $(seq 1 600); do grep -q "mock API server" "$WORK/api.log" && break; kill -0 "$API_PID" 2>/dev/null || break; sleep 0.1; done
        grep -q "mock API server" "$WORK/api.log" || { cat "$WORK/api.log" >&2; die "the stand-in API server did not start"; }
        cat > "$WORK/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: mock, cluster: {server: "http://127.0.0.1:$API_PORT"}}]
users: [{name: service, user: {token: px-token-service-sa-token}}]
contexts: [{name: mock, context: {cluster: mock, user: service, namespace: bench}}]
current-context: mock
EOF
        ENV_OPTS=(KUBECONFIG="$WORK/kubeconfig")
        AUTH_OPTS+=(-Dpxtoken.auth.portworx.enabled=false -Dpxtoken.secrets.namespaces=bench -Dpxtoken.leader-election.namespace=bench)
        ;;
    portworx)
        jwt_header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
        jwt_payload=$(printf '{"email":"","exp":%d,"iat":%d,"iss":"portworx.com","name":"bench","roles":["system.admin"],"sub":"bench"}' \
            $(( now + 86400 )) $(( now - 60 )) | b64url)
        jwt_sig=$(printf '%s.%s' "$jwt_header" "$jwt_payload" \
            | openssl dgst -sha256 -hmac "$(cat "$WORK/keys/shared-secret")" -binary | b64url)
        PXTOKEN_BENCH_AUTH="Bearer $jwt_header.$jwt_payload.$jwt_sig"
        AUTH_OPTS+=(-Dpxtoken.auth.portworx.enabled=true -Dpxtoken.kubernetes.enabled=false)
        ;;
    none)
        AUTH_OPTS+=(-Dpxtoken.auth.enabled=false -Dpxtoken.kubernetes.enabled=false)
        ;;
esac
CURL_AUTH=()
[[ -n "$PXTOKEN_BENCH_AUTH" ]] && CURL_AUTH=(-H "Authorization: $PXTOKEN_BENCH_AUTH")
APP_PREFIX=()
WRK_PREFIX=()
[[ -n "${APP_CPUS:-}" ]] && APP_PREFIX=(taskset -c "$APP_CPUS")
[[ -n "${WRK_CPUS:-}" ]] && WRK_PREFIX=(taskset -c "$WRK_CPUS")

BODY='{"name":"Bench","email":"bench@example.com","sub":"bench@example.com","roles":["system.user"],"groups":["kubernetes"]}'
for b in "${BUILDS[@]}"; do
    PORT[$b]=$(free_port)
    log "starting the $b build (${LABEL[$b]}) on $HOST:${PORT[$b]}"
    # shellcheck disable=SC2086  # JAVA_OPTS is deliberately word-split
    (cd "${DIR[$b]}" && exec env ${ENV_OPTS[@]+"${ENV_OPTS[@]}"} ${APP_PREFIX[@]+"${APP_PREFIX[@]}"} java $JAVA_OPTS \
        -Dpxtoken.keys.dir="$WORK/keys" -Dpxtoken.keys.generate-if-missing=true \
        -Dquarkus.http.host="$HOST" -Dquarkus.http.port="${PORT[$b]}" "${AUTH_OPTS[@]}" \
        -jar quarkus-run.jar) >"$WORK/$b.log" 2>&1 &
    PID[$b]=$!
done
for b in "${BUILDS[@]}"; do
    base="http://$HOST:${PORT[$b]}"
    deadline=$(( SECONDS + 90 ))
    until curl -fsS -o /dev/null --max-time 2 "$base/q/health/ready" 2>/dev/null; do
        kill -0 "${PID[$b]}" 2>/dev/null || die "the $b app exited before it became ready"
        (( SECONDS < deadline )) || die "the $b app was not ready within 90 s"
        sleep 0.5
    done
    code=$(curl -sS -o "$WORK/mint.json" -w '%{http_code}' --max-time 10 -X POST -H 'Content-Type: application/json' \
        -H 'Accept: application/json' ${CURL_AUTH[@]+"${CURL_AUTH[@]}"} -d "$BODY" "$base/v1/tokens")
    [[ "$code" == 200 ]] || die "$b: POST /v1/tokens answered $code: $(cat "$WORK/mint.json")"
    code=$(curl -sS -o "$WORK/issuer.json" -w '%{http_code}' --max-time 10 ${CURL_AUTH[@]+"${CURL_AUTH[@]}"} "$base/v1/issuer")
    [[ "$code" == 200 ]] || die "$b: GET /v1/issuer answered $code: $(cat "$WORK/issuer.json")"
    # a token the API server does not know is refused: the bench measures a real check
    if [[ $CALLER != none ]]; then
        code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 -H "Authorization: Bearer ${PXTOKEN_BENCH_AUTH#Bearer }x" "$base/v1/issuer")
        [[ "$code" == 401 ]] || die "$b: a bearer nobody issued got $code, not 401"
    fi
    log "$b app ready"
done

# --- helpers -----------------------------------------------------------------------------------------------------
run_wrk() { # build endpoint seconds -> the RESULT line of the lua done() hook
    local b=$1 which=$2 secs=$3 script path out
    case $which in
        mint)   script="$BENCH_DIR/mint.lua";   path=/v1/tokens ;;
        issuer) script="$BENCH_DIR/issuer.lua"; path=/v1/issuer ;;
    esac
    out=$(timeout $(( secs + 30 )) ${WRK_PREFIX[@]+"${WRK_PREFIX[@]}"} wrk -t"$THREADS" -c"$CONNECTIONS" -d"${secs}s" --timeout 5s \
        -s "$script" "http://$HOST:${PORT[$b]}$path") || die "wrk against $b $path failed: $out"
    grep '^RESULT ' <<<"$out" || die "no RESULT line from wrk: $out"
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) exit 1; if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
# "<allocated-bytes> <gc-pause-seconds>" from the app's /q/metrics
jvm_metrics() {
    curl -fsS --max-time 10 "http://$HOST:${PORT[$1]}/q/metrics" 2>/dev/null | awk '
        /^jvm_gc_memory_allocated_bytes_total / {a=$NF} /^jvm_gc_pause_seconds_sum/ {g+=$NF}
        END {printf "%.0f %.6f\n", a+0, g+0}'
}

# --- warm up, then measure ---------------------------------------------------------------------------------------
if (( WARMUP > 0 )); then
    log "warming up: ${WARMUP}s per endpoint and build (discarded)"
    for b in "${BUILDS[@]}"; do for ep in $ENDPOINTS; do run_wrk "$b" "$ep" "$WARMUP" >/dev/null; done; done
fi
if [[ -n "${JFR:-}" ]]; then
    for b in "${BUILDS[@]}"; do jcmd "${PID[$b]}" JFR.start name=bench settings=profile >/dev/null; done
fi

echo "px-token-service HTTP benchmark"
for b in "${BUILDS[@]}"; do echo "  $b:$(printf '%*s' $(( 5 - ${#b} )) '') ${LABEL[$b]} (${DIR[$b]})"; done
echo "  java:    $(java -version 2>&1 | head -n 1)"
echo "  wrk:     $(wrk --version 2>&1 | head -n 1 | awk '{print $1, $2}')  -t$THREADS -c$CONNECTIONS -d${DURATION}s, $ROUNDS round(s), ${WARMUP}s warm-up per endpoint and build"
echo "  host:    $(nproc) CPU(s), apps and wrk on the same host${APP_CPUS:+, apps on CPUs $APP_CPUS}${WRK_CPUS:+, wrk on CPUs $WRK_CPUS}; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
case $CALLER in
    kubernetes) echo "  caller:  Kubernetes ServiceAccount token, TokenReview + SubjectAccessReview against a stand-in API server (own JVM), reviews cached (pxtoken.auth.cache-ttl)" ;;
    portworx) echo "  caller:  Portworx system.admin token (pxtoken.auth.portworx.enabled=true)" ;;
    none) echo "  caller:  none (pxtoken.auth.enabled=false)" ;;
esac
echo "  app:     rate limit off${JAVA_OPTS:+, JAVA_OPTS: $JAVA_OPTS}"
echo
printf '%-5s %-5s %-16s %10s %8s %8s %7s %7s %8s %9s %7s\n' round build endpoint req/s p50_ms p99_ms non2xx sockerr cpu_us alloc_KB gc_ms/s
: > "$WORK/results"
bad=0
for (( r = 1; r <= ROUNDS; r++ )); do
    if (( r % 2 )); then order=($ENDPOINTS); else order=($(printf '%s\n' $ENDPOINTS | tac)); fi
    builds=("${BUILDS[@]}")
    (( r % 2 )) || builds=($(printf '%s\n' "${BUILDS[@]}" | tac))
    for ep in "${order[@]}"; do
        for b in "${builds[@]}"; do
            read -r alloc0 gc0 < <(jvm_metrics "$b")
            t0=$(ticks "${PID[$b]}")
            res=$(run_wrk "$b" "$ep" "$DURATION")
            t1=$(ticks "${PID[$b]}")
            read -r alloc1 gc1 < <(jvm_metrics "$b")
            rps=$(field rps "$res"); p50=$(field p50_us "$res"); p99=$(field p99_us "$res")
            n2=$(field non2xx "$res"); se=$(field sock_errors "$res"); nreq=$(field requests "$res"); secs=$(field seconds "$res")
            (( n2 + se > 0 )) && bad=1
            read -r cpu_us alloc_kb gc_ms < <(awk -v t0="$t0" -v t1="$t1" -v hz="$HZ" -v a0="$alloc0" -v a1="$alloc1" -v g0="$gc0" \
                -v g1="$gc1" -v n="$nreq" -v t="$secs" 'BEGIN { printf "%.1f %.1f %.1f\n", (t1-t0)*1e6/hz/n, (a1-a0)/1024/n, (g1-g0)*1000/t }')
            label=$([[ $ep == mint ]] && echo "POST /v1/tokens" || echo "GET /v1/issuer")
            printf '%-5s %-5s %-16s %10.1f %8.3f %8.3f %7d %7d %8s %9s %7s\n' "$r" "$b" "$label" "$rps" \
                "$(awk "BEGIN{print $p50/1000}")" "$(awk "BEGIN{print $p99/1000}")" "$n2" "$se" "$cpu_us" "$alloc_kb" "$gc_ms"
            echo "$b $ep $rps $p50 $p99 $cpu_us $alloc_kb $gc_ms" >> "$WORK/results"
        done
    done
done
if [[ -n "${JFR:-}" ]]; then
    for b in "${BUILDS[@]}"; do jcmd "${PID[$b]}" JFR.stop name=bench filename="$JFR/$b.jfr" >/dev/null && log "JFR: $JFR/$b.jfr"; done
fi

col() { awk -v b="$1" -v e="$2" -v c="$3" '$1 == b && $2 == e {print $c}' "$WORK/results" | median; }
echo
echo "Medians over $ROUNDS round(s) (cpu_us: the app process's CPU per request, wrk excluded; alloc_KB: heap allocated per request):"
printf '  %-5s %-16s %10s %8s %8s %8s %9s %7s %12s\n' build endpoint req/s p50_ms p99_ms cpu_us alloc_KB gc_ms/s mint/issuer
for b in "${BUILDS[@]}"; do
    for ep in $ENDPOINTS; do
        label=$([[ $ep == mint ]] && echo "POST /v1/tokens" || echo "GET /v1/issuer")
        ratio=""
        [[ $ep == mint && " $ENDPOINTS " == *" issuer "* ]] && ratio=$(awk -v m="$(col "$b" mint 3)" -v i="$(col "$b" issuer 3)" 'BEGIN {printf "%.3f", m / i}')
        printf '  %-5s %-16s %10.1f %8.3f %8.3f %8s %9s %7s %12s\n' "$b" "$label" "$(col "$b" "$ep" 3)" \
            "$(awk -v v="$(col "$b" "$ep" 4)" 'BEGIN{print v/1000}')" "$(awk -v v="$(col "$b" "$ep" 5)" 'BEGIN{print v/1000}')" \
            "$(col "$b" "$ep" 6)" "$(col "$b" "$ep" 7)" "$(col "$b" "$ep" 8)" "$ratio"
    done
done
if [[ ${#BUILDS[@]} == 2 ]]; then
    echo
    echo "new / old (medians):"
    for ep in $ENDPOINTS; do
        awk -v ep="$ep" -v r1="$(col new "$ep" 3)" -v r0="$(col old "$ep" 3)" -v c1="$(col new "$ep" 6)" -v c0="$(col old "$ep" 6)" \
            -v a1="$(col new "$ep" 7)" -v a0="$(col old "$ep" 7)" \
            'BEGIN {printf "  %-7s req/s x%.2f   cpu_us x%.2f   alloc_KB x%.2f\n", ep, r1 / r0, c1 / c0, (a0 > 0 ? a1 / a0 : 0)}'
    done
fi
echo "  load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ $CALLER == kubernetes ]]; then
    echo "  stand-in API server, last totals: $(grep '^totals' "$WORK/api.log" | tail -n 1 | grep -o 'reviews-[a-z]*=[0-9]*' | paste -sd' ')"
fi
if (( bad )); then
    echo "WARNING: some requests failed (non-2xx or socket errors); see the table above." >&2
    exit 2
fi
