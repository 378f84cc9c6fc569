#!/usr/bin/env bash
# Training run that writes the JDK's AOT cache (JEP 483/514/515, Java 25+) for an aot-jar build of the service.
# Dockerfile.jvm runs it in the image build, with the image's own java and JAVA_OPTS, at the paths the container
# uses: a cache only loads on the JVM build, class path and heap mode it was made with. bench/startup.sh runs the
# same script on a local build.
#
#   bash src/main/docker/aot-train.sh <dir of quarkus-run.jar> [cache file, default <dir>/app.aot]
#
# Environment: JAVA (default java), JAVA_OPTS (the options the service will run with), AOT_TRAIN_MAX_RAM (default
# 256m, the Deployment's memory limit: the heap and compressed-oops mode must be those of the pod, not of the build
# machine), AOT_TRAIN_PORT (default 8089), AOT_TRAIN_REQUESTS (default 200 per endpoint).
#
# Two runs of the app on 127.0.0.1, each with a throw-away shared secret:
# 1. not recorded, authentication off: mints the Portworx admin token that serves as the bearer of run 2;
# 2. recorded (-XX:AOTCacheOutput), configured as deployed but for three settings: Portworx callers on, since no
#    Kubernetes API is there to review a Kubernetes token, the per-caller rate limit off (one caller, many requests),
#    and an API server URL where nothing listens (the client and the Lease's elector are built and tried): start-up,
#    then the real endpoints with good and bad requests (mint as JSON and YAML, bare token, verify, issuer, health, metrics, problem answers). On SIGTERM
#    the JVM writes the cache. Needs bash, curl, base64 and java; nothing is left behind but the cache.
set -euo pipefail

APP_DIR=${1:?usage: aot-train.sh <dir of quarkus-run.jar> [cache file]}
APP_DIR=$(cd "$APP_DIR" && pwd)
CACHE=${2:-$APP_DIR/app.aot}
JAVA=${JAVA:-java}
PORT=${AOT_TRAIN_PORT:-8089}
REQUESTS=${AOT_TRAIN_REQUESTS:-200}
MAX_RAM=${AOT_TRAIN_MAX_RAM:-256m}
BASE="http://127.0.0.1:$PORT"

log() { printf '[aot-train] %s\n' "$*" >&2; }

[[ -f "$APP_DIR/quarkus-run.jar" ]] || { log "no quarkus-run.jar in $APP_DIR"; exit 1; }
# In an aot-jar build the launcher puts every jar on the JDK's class path, where the cache can hold its classes; a
# fast-jar's own class loader keeps them out. Its manifest then names its libraries.
if command -v unzip >/dev/null 2>&1 && ! unzip -p "$APP_DIR/quarkus-run.jar" META-INF/MANIFEST.MF | grep -q '^Class-Path: '; then
    log "warning: $APP_DIR is not an aot-jar build (-Dquarkus.package.jar.type=aot-jar): the cache will miss most classes"
fi

WORK=$(mktemp -d)
APP_PID=
stop_app() {
    if [[ -n "$APP_PID" ]]; then
        kill -TERM "$APP_PID" 2>/dev/null || true
        wait "$APP_PID" 2>/dev/null || true
        APP_PID=
    fi
}
cleanup() {
    local rc=$?
    stop_app
    if [[ $rc -ne 0 ]]; then
        log "failed; last lines of the app log:"
        tail -n 40 "$WORK/app.log" >&2 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/keys"
head -c 48 /dev/urandom | base64 -w0 > "$WORK/keys/shared-secret"

# start_app <log> <java options...>
start_app() {
    local logfile=$1
    shift
    # shellcheck disable=SC2086  # JAVA_OPTS is a list of options
    (cd "$APP_DIR" && exec "$JAVA" ${JAVA_OPTS:-} -XX:MaxRAM="$MAX_RAM" "$@" \
        -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" -Dpxtoken.keys.dir="$WORK/keys" \
        -jar quarkus-run.jar) > "$logfile" 2>&1 &
    APP_PID=$!
    local i
    for i in $(seq 1 600); do
        curl -fs -o /dev/null "$BASE/q/health/ready" && return 0
        kill -0 "$APP_PID" 2>/dev/null || { log "the app exited during start-up"; cat "$logfile" >&2; return 1; }
        sleep 0.1
    done
    log "the app was not ready within 60 s"
    return 1
}

# expect <status> <curl arguments...>
expect() {
    local want=$1 got
    shift
    got=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@")
    [[ "$got" == "$want" ]] || { log "expected $want, got $got: curl $*"; return 1; }
}

ADMIN='{"name":"AOT training","email":"aot@example.com","sub":"aot@example.com","roles":["system.admin"],"groups":["*"]}'
USER_JSON='{"name":"Kubernetes User","email":"kubernetes@example.com","sub":"kubernetes@example.com","roles":["system.user"],"groups":["kubernetes"]}'
USER_YAML=$'name: Storage Administrator\nemail: admin@example.com\nsub: admin@example.com\nroles: ["system.admin"]\ngroups: ["*"]\n'

log "run 1 (not recorded): minting the bearer token of run 2"
cp /dev/null "$WORK/app.log"
start_app "$WORK/app.log" -Dpxtoken.auth.enabled=false
BEARER=$(curl -sf --max-time 10 -X POST "$BASE/v1/tokens?duration=1h" -H 'Content-Type: application/json' \
    -H 'Accept: text/plain' -d "$ADMIN")
stop_app
[[ "$BEARER" == eyJ* ]] || { log "run 1 minted no token"; exit 1; }
AUTH="Authorization: Bearer $BEARER"

log "run 2 (recorded into $CACHE): start-up and $REQUESTS requests per endpoint"
rm -f "$CACHE"
started=$(date +%s)
# A cluster is configured as in a pod, at a local port where nothing listens (the image build has no API server): the
# replica builds its Kubernetes client and runs for the Lease, in vain, so that the client's, the elector's and the
# Lease's classes are in the cache too and a pod does not load them from the jars while it starts serving.
NO_API_PORT=$(( PORT + 1 ))
start_app "$WORK/app.log" -XX:AOTCacheOutput="$CACHE" -Dpxtoken.auth.portworx.enabled=true -Dpxtoken.rate-limit.enabled=false \
    -Dquarkus.kubernetes-client.api-server-url="http://127.0.0.1:$NO_API_PORT" -Dpxtoken.secrets.namespaces=aot-train \
    -Dpxtoken.leader-election.namespace=aot-train
expect 200 "$BASE/q/health/live"
expect 200 "$BASE/q/health/started"
for _ in $(seq 1 "$REQUESTS"); do
    expect 200 -X POST "$BASE/v1/tokens" -H "$AUTH" -H 'Content-Type: application/json' -d "$USER_JSON"
    expect 200 "$BASE/v1/issuer" -H "$AUTH"
done
TOKEN=$(curl -sf --max-time 10 -X POST "$BASE/v1/tokens?duration=1y" -H "$AUTH" -H 'Content-Type: application/yaml' \
    -H 'Accept: text/plain' --data-binary "$USER_YAML")
for _ in $(seq 1 $(( REQUESTS / 10 + 1 ))); do
    expect 200 -X POST "$BASE/v1/tokens/verify" -H "$AUTH" -H 'Content-Type: text/plain' -d "$TOKEN"
    expect 200 -X POST "$BASE/v1/tokens/verify" -H "$AUTH" -H 'Content-Type: application/json' -d "{\"token\":\"$TOKEN\"}"
    expect 200 -X POST "$BASE/v1/tokens" -H "$AUTH" -H 'Content-Type: application/yaml' --data-binary "$USER_YAML"
    expect 400 -X POST "$BASE/v1/tokens" -H "$AUTH" -H 'Content-Type: application/json' -d '{"name":"x","roles":["system.root"]}'
    expect 401 -X POST "$BASE/v1/tokens" -H 'Content-Type: application/json' -d "$USER_JSON"
    expect 415 -X POST "$BASE/v1/tokens" -H "$AUTH" -H 'Content-Type: image/png' -d 'x'
    expect 200 "$BASE/q/health/ready"
done
expect 200 "$BASE/q/metrics"
log "requests done after $(( $(date +%s) - started )) s; stopping the app, which writes the cache"
stop_app
[[ -s "$CACHE" ]] || { log "no cache was written"; cat "$WORK/app.log" >&2; exit 1; }
log "wrote $CACHE ($(du -h "$CACHE" | cut -f1)) in $(( $(date +%s) - started )) s"
