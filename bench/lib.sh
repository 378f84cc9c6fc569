# The common part of bench/renewal-apart.sh and bench/declared-apart.sh, sourced by both: the packaged service (the
# JAVA_OPTS of src/main/docker/Dockerfile.jvm, the Deployment's memory limit as -XX:MaxRAM) leading against the fabric8
# mock API server (CRUD mode, io.pxtoken.renewal.MockApiServer, its own JVM). The caller sets ROOT (and cd's there),
# API_PORT, HTTP_PORT, LIMIT and a log() function before sourcing it.

for tool in curl java jcmd; do
    command -v "$tool" >/dev/null 2>&1 || { log "$tool is required"; exit 1; }
done

JAR=target/quarkus-app/quarkus-run.jar
[[ -f "$JAR" && -f target/test-classes/io/pxtoken/renewal/MockApiServer.class && "${REBUILD:-0}" != "1" ]] || \
    ./mvnw -B -q package -DskipTests
[[ -f target/test.classpath && "${REBUILD:-0}" != "1" ]] || \
    ./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath
CP="target/classes:target/test-classes:$(cat target/test.classpath)"
OPTS=$(sed -n 's/^ENV JAVA_OPTS="\(.*\)"$/\1/p' src/main/docker/Dockerfile.jvm)
[[ -n "$OPTS" ]] || { log "no ENV JAVA_OPTS line in src/main/docker/Dockerfile.jvm"; exit 1; }

WORK=$(mktemp -d)
API_PID=
APP_PID=
cleanup() {
    if [[ -n "$APP_PID" ]]; then kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; fi
    if [[ -n "$API_PID" ]]; then kill "$API_PID" 2>/dev/null || true; wait "$API_PID" 2>/dev/null || true; fi
    if [[ "${KEEP:-0}" == "1" ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mib() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
live_bytes() { jcmd "$1" GC.class_histogram | awk '/^Total/ {print $3}'; }
now_ns() { date +%s%N; }
since() { awk -v n=$(( $(now_ns) - $1 )) 'BEGIN {printf "%.1f", n / 1e9}'; }
metric() { curl -sf "http://127.0.0.1:$HTTP_PORT/q/metrics" | grep -E "$1" | awk '{s += $NF} END {printf "%d", s}'; }
# the percentage of a core a process used between two ticks() readings over a number of seconds: cpu_pct T0 T1 S
cpu_pct() { awk -v d=$(( $2 - $1 )) -v hz="$(getconf CLK_TCK)" -v s="$3" 'BEGIN {printf "%.2f", 100 * d / hz / s}'; }
alive() { [[ -z "$APP_PID" ]] || kill -0 "$APP_PID" 2>/dev/null || { log "the service died"; tail -n 40 "$WORK/app.log" >&2; exit 1; }; }
wait_for() { # description, seconds, command...
    local what=$1 limit=$2; shift 2
    local deadline=$(( $(date +%s) + limit ))
    while ! "$@"; do
        alive
        (( $(date +%s) < deadline )) || { log "timed out waiting for $what"; tail -n 30 "$WORK/app.log" >&2; exit 1; }
        sleep 0.2
    done
}
leads() { [[ "$(metric '^pxtoken_leader ')" == "1" ]]; }

# the mock API server, with the given heap: start_api 3g
start_api() {
    java -Xmx"$1" -cp "$CP" io.pxtoken.renewal.MockApiServer "$API_PORT" > "$WORK/api.log" 2>&1 &
    API_PID=$!
    wait_for "the mock API server" 60 grep -q "mock API server" "$WORK/api.log"
}

# the service, leading (JAVA: its java, e.g. the image's 25; APP_OPTS: more JVM options), with a 64-byte shared secret in $WORK/keys and the namespaces ns-0 .. ns-(N-1):
# start_service N -Dmore=settings ...
start_service() {
    local namespaces
    namespaces=$(seq 0 $(( $1 - 1 )) | sed 's/^/ns-/' | paste -sd,)
    shift
    mkdir -p "$WORK/keys"
    printf '1%.0s' $(seq 1 64) > "$WORK/keys/shared-secret"
    # the API server as a kubeconfig names it (quarkus.kubernetes-client.api-server-url is fixed at build time)
    cat > "$WORK/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: mock, cluster: {server: "http://127.0.0.1:$API_PORT"}}]
users: [{name: bench, user: {token: bench}}]  # a bearer token, as a pod has; with none, fabric8 re-reads this file before every request
contexts: [{name: mock, context: {cluster: mock, user: bench, namespace: bench}}]
current-context: mock
EOF
    # shellcheck disable=SC2086
    KUBECONFIG="$WORK/kubeconfig" "${JAVA:-java}" $OPTS -XX:MaxRAM="$LIMIT" -XX:+ExitOnOutOfMemoryError \
        -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$HTTP_PORT" \
        -Dpxtoken.keys.dir="$WORK/keys" -Dpxtoken.auth.enabled=false -Dpxtoken.rate-limit.enabled=false \
        -Dpxtoken.secrets.namespaces="$namespaces" -Dpxtoken.leader-election.namespace=bench \
        -Dpxtoken.kubernetes.qps="$QPS" -Dpxtoken.kubernetes.burst=$(( QPS * 2 )) \
        -Dquarkus.log.category.\"io.pxtoken.renewal\".level=WARN ${APP_OPTS:-} "$@" -jar "$JAR" > "$WORK/app.log" 2>&1 &
    APP_PID=$!
    wait_for "the service to be ready" 60 curl -sf -o /dev/null "http://127.0.0.1:$HTTP_PORT/q/health/ready"
    wait_for "the service to lead" 60 leads
}

# every thread of a process with its CPU ticks so far: threads PID > FILE; idle_threads FILE0 FILE1 prints the busiest
threads() { for t in /proc/"$1"/task/*; do printf '%s\t%s\t%s\n' "${t##*/}" "$(awk '{print $14 + $15}' "$t/stat")" "$(cat "$t/comm")"; done | sort; }
busiest_threads() {
    join -t$'\t' "$1" "$2" \
        | awk -F'\t' '{d[$3] += $4 - $2} END {for (n in d) if (d[n] > 0) printf "BENCH   idle ticks %4d  %s\n", d[n], n}' | sort -k4 -nr | awk 'NR <= 8'
}
# HISTO=1: the classes whose live bytes (after a full GC) grew most between two points, as BENCH lines:
# histogram PID FILE saves one point; histogram_growth FILE0 FILE1 prints the 25 that grew most
histogram() { [[ "${HISTO:-0}" != "1" ]] || jcmd "$1" GC.class_histogram | awk '$1 ~ /^[0-9]+:$/ {print $4, $2, $3}' > "$2"; }
histogram_growth() {
    [[ "${HISTO:-0}" != "1" ]] || awk 'NR == FNR {n[$1] = $2; b[$1] = $3; next} {printf "%d %d %s\n", $3 - b[$1], $2 - n[$1], $1}' "$1" "$2" \
        | sort -nr | awk 'NR <= 25 {printf "BENCH   grew %10d bytes %8d objects  %s\n", $1, $2, $3}'
}

load_average() { printf 'BENCH load average after the run: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"; }
