#!/usr/bin/env bash
# Start-to-ready and resident memory of the JVM-mode service, four ways, as the Deployment runs it: the JAVA_OPTS of
# src/main/docker/Dockerfile.jvm under the Deployment's memory limit (-XX:MaxRAM stands in for the cgroup limit),
# and its environment (MALLOC_ARENA_MAX), authentication on, the rate limit off (one caller).
#
#   bash bench/startup.sh                  # RUNS=5 of each variant, 30 s of load per run
#   OLD_REF=daad80d bash bench/startup.sh  # and the same variants of a git ref, built in a worktree under /tmp, interleaved
#   OLD_JAR=/tmp/old/quarkus-app VARIANTS="java17 java25" bash bench/startup.sh   # an app dir built already (fast-jar only)
#   RUNS=3 LOAD=10 VARIANTS="java17 java17-appcds java25 java25-aot" bash bench/startup.sh
#
# The caller (CALLER=kubernetes, the default) is as in bench/http.sh: the service has a cluster (a kubeconfig naming
# the stand-in API server io.pxtoken.renewal.MockApiServer in its own JVM, pxtoken.secrets.namespaces=bench, so it
# elects a leader and builds its informers as a Deployment does) and the load's bearer is a ServiceAccount-style
# token reviewed by TokenReview and SubjectAccessReview. CALLER=portworx: no cluster, a Portworx system.admin bearer
# (the set-up of the issue 13 figures). Each build runs with the JAVA_OPTS of its own src/main/docker/Dockerfile.jvm.
#
# Variants (each builds what it needs under target/ unless it is there already; REBUILD=1 builds again):
#   java17         Java 17, fast-jar (target/quarkus-app, ./mvnw package)
#   java17-appcds  Java 17, fast-jar with the AppCDS archive Quarkus builds (quarkus.package.jar.aot.enabled=true,
#                  quarkus.package.jar.aot.type=app-cds), -XX:SharedArchiveFile=app-cds.jsa
#   java25         Java 25, the same fast-jar as java17
#   java25-aot     Java 25, aot-jar (quarkus.package.jar.type=aot-jar) and the AOT cache that
#                  src/main/docker/aot-train.sh writes, exactly as the Dockerfile.jvm image build does,
#                  -XX:AOTCache=app.aot
#
# Per run (variants interleaved, run 1 of each, then run 2 of each, ...): ready_ms from launch until the first 200 on
# /q/health/ready (curl every 10 ms); cpu_ms, the CPU time (user + system, all threads) the JVM had used by then,
# which other processes on the machine hardly change; quarkus_ms, Quarkus's own "started in"; rss_ready, VmRSS then;
# LOAD seconds of wrk (-t2 -c32) on POST /v1/tokens, then rss_load (VmRSS at the end of the load) and
# rss_peak (VmHWM), anon_load and file_load (RssAnon and RssFile then: the process's own memory, and the pages of
# mapped files such as the AOT cache, which the kernel may share between pods and drop), cache_load (the resident
# pages of the class-data archive's mapping, app.aot / app-cds.jsa / the JDK's classes.jsa, clean and dirty: the AOT
# cache's pages counted apart; with Java 25 about 50 MiB of them are private dirty pages, counted in anon_load too) and
# rss_nocache (rss_load - cache_load), the requests/s of that load; the 1-minute load average when the run began. Then
# a table of medians per variant.
#
# Environment: RUNS=5 LOAD=30 LIMIT=256m VARIANTS="java17 java25-aot" CONNECTIONS=32 THREADS=2 CALLER=kubernetes
#   OLD_REF= OLD_JAR= (a second build, measured interleaved with this tree's)
#   JAVA17=/usr/lib/jvm/java-17-openjdk-amd64 JAVA25=/usr/lib/jvm/temurin-25-jdk-amd64 (JDK homes)
#   JAVA_OPTS_OVERRIDE= (instead of the Dockerfile's options) JAVA_OPTS_EXTRA= (added to them) REBUILD=0
#   LOGS=<dir>: keep each run's application log there as <build>-<variant>-<run>.log (with
#   JAVA_OPTS_EXTRA=-Dquarkus.debug.print-startup-times=true it holds Quarkus's start-up step timings); with NMT=1
#   as well, the JVM tracks its native memory (-XX:NativeMemoryTracking=summary, which costs a few MiB of its own: not
#   for the headline figures) and <build>-<variant>-<run>.nmt holds its summary after the load, .smaps the mappings
# Only 127.0.0.1 is contacted; every wrk run is bounded by -d and timeout(1).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS="${RUNS:-5}"
LOAD="${LOAD:-30}"
LIMIT="${LIMIT:-256m}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
VARIANTS="${VARIANTS:-java17 java25-aot}"
CALLER="${CALLER:-kubernetes}"
JAVA17="${JAVA17:-/usr/lib/jvm/java-17-openjdk-amd64}"
JAVA25="${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
REBUILD="${REBUILD:-0}"

log() { printf '[startup.sh] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

for tool in curl openssl awk; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is required"
done
if ! command -v wrk >/dev/null 2>&1; then
    log "installing wrk"
    SUDO=; [[ $(id -u) -ne 0 ]] && SUDO=sudo
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wrk
fi
for v in $VARIANTS; do
    case $v in
        java17|java17-appcds) [[ -x "$JAVA17/bin/java" ]] || die "no Java 17 at $JAVA17 (set JAVA17)" ;;
        java25|java25-aot) [[ -x "$JAVA25/bin/java" ]] || die "no Java 25 at $JAVA25 (set JAVA25); Temurin 25 is not on every machine" ;;
        *) die "unknown variant $v" ;;
    esac
done

tree_opts() { # <tree>: the JAVA_OPTS of that tree's Dockerfile.jvm (or JAVA_OPTS_OVERRIDE), plus JAVA_OPTS_EXTRA
    local o=${JAVA_OPTS_OVERRIDE:-$(sed -n 's/^ENV JAVA_OPTS="\(.*\)"$/\1/p' "$1/src/main/docker/Dockerfile.jvm" 2>/dev/null)}
    [[ -n "$o" ]] || die "no ENV JAVA_OPTS line in $1/src/main/docker/Dockerfile.jvm"
    echo "$o ${JAVA_OPTS_EXTRA:-}"
}

tree_env() { # <tree>: the malloc setting of that tree's Dockerfile.jvm (ENV MALLOC_ARENA_MAX=...), if it has one
    sed -n 's/^ENV \(MALLOC_ARENA_MAX=[0-9]*\)$/\1/p' "$1/src/main/docker/Dockerfile.jvm" 2>/dev/null
}

# --- builds -------------------------------------------------------------------------------------------------------
# mvn17 <tree> <args...>: the wrapper on Java 17, the baseline the build must always work on (offline when it can)
mvn17() {
    local tree=$1; shift
    (cd "$tree" && { JAVA_HOME="$JAVA17" PATH="$JAVA17/bin:$PATH" ./mvnw -B -q -o "$@" 2>/dev/null \
        || JAVA_HOME="$JAVA17" PATH="$JAVA17/bin:$PATH" ./mvnw -B -q "$@"; })
}
needs() { [[ " $VARIANTS " == *" $1 "* ]]; }
build_tree() { # <tree>: what the variants need, under <tree>/target
    local tree=$1
    if needs java17 || needs java25; then
        if [[ "$REBUILD" == 1 || ! -f "$tree/target/quarkus-app/quarkus-run.jar" ]]; then
            log "building the fast-jar ($tree/target/quarkus-app)"
            mvn17 "$tree" package -DskipTests
        fi
    fi
    if needs java17-appcds && [[ "$REBUILD" == 1 || ! -f "$tree/target/bench-appcds/app-cds.jsa" ]]; then
        log "building the fast-jar with Quarkus's AppCDS archive on Java 17 ($tree/target/bench-appcds)"
        mvn17 "$tree" package -DskipTests -Dquarkus.package.output-directory=bench-appcds \
            -Dquarkus.package.jar.aot.enabled=true -Dquarkus.package.jar.aot.type=app-cds
    fi
    if needs java25-aot && [[ "$REBUILD" == 1 || ! -f "$tree/target/bench-aot/app.aot" ]]; then
        log "building the aot-jar ($tree/target/bench-aot) and training its AOT cache on Java 25 with its src/main/docker/aot-train.sh"
        mvn17 "$tree" package -DskipTests -Dquarkus.package.output-directory=bench-aot -Dquarkus.package.jar.type=aot-jar
        JAVA="$JAVA25/bin/java" JAVA_OPTS="$(tree_opts "$tree")" AOT_TRAIN_MAX_RAM="$LIMIT" \
            bash "$tree/src/main/docker/aot-train.sh" "$tree/target/bench-aot"
    fi
}
BUILDS=(new)
declare -A TREE=([new]="$ROOT") APPDIR=() LABEL=()
LABEL[new]="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src pom.xml 2>/dev/null || echo '+local')"
[[ -n "${OLD_REF:-}" && -n "${OLD_JAR:-}" ]] && die "set OLD_REF or OLD_JAR, not both"
if [[ -n "${OLD_REF:-}" ]]; then
    sha=$(git rev-parse --short "$OLD_REF^{commit}") || die "no commit $OLD_REF"
    TREE[old]="/tmp/pxtoken-bench-$sha"
    [[ -d "${TREE[old]}" ]] || git worktree add --detach "${TREE[old]}" "$sha" >/dev/null
    LABEL[old]=$sha
    BUILDS=(old new)
elif [[ -n "${OLD_JAR:-}" ]]; then
    [[ -f "$OLD_JAR" ]] && OLD_JAR=$(dirname "$OLD_JAR")
    [[ -f "$OLD_JAR/quarkus-run.jar" ]] || die "no quarkus-run.jar in $OLD_JAR"
    for v in $VARIANTS; do [[ $v == java17 || $v == java25 ]] || die "OLD_JAR gives a fast-jar only: VARIANTS may be java17 and java25 (use OLD_REF for $v)"; done
    APPDIR[old]=$OLD_JAR
    TREE[old]=$ROOT
    LABEL[old]=$OLD_JAR
    BUILDS=(old new)
fi
for b in "${BUILDS[@]}"; do
    [[ -n "${APPDIR[$b]:-}" ]] || build_tree "${TREE[$b]}"
done

# variant build -> "<java> <app dir> <extra options>"
variant() {
    local t=${TREE[$2]}
    case $1 in
        java17) echo "$JAVA17/bin/java ${APPDIR[$2]:-$t/target/quarkus-app}" ;;
        java17-appcds) echo "$JAVA17/bin/java $t/target/bench-appcds -XX:SharedArchiveFile=app-cds.jsa" ;;
        java25) echo "$JAVA25/bin/java ${APPDIR[$2]:-$t/target/quarkus-app}" ;;
        java25-aot) echo "$JAVA25/bin/java $t/target/bench-aot -XX:AOTCache=app.aot" ;;
    esac
}

WORK=$(mktemp -d)
APP_PID=
API_PID=
cleanup() {
    if [[ -n "$APP_PID" ]]; then kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; fi
    if [[ -n "$API_PID" ]]; then kill "$API_PID" 2>/dev/null || true; wait "$API_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/keys"
head -c 48 /dev/urandom | base64 -w0 > "$WORK/keys/shared-secret"
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
free_port() {
    local p
    for p in $(seq 18300 18399); do
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
    die "no free port in 18300-18399"
}
CALLER_OPTS=()
ENV_OPTS=()
if [[ $CALLER == kubernetes ]]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/sa.key" 2>/dev/null
    h=$(printf '{"alg":"RS256","kid":"bench"}' | b64url)
    p=$(printf '{"aud":["https://kubernetes.default.svc.cluster.local"],"exp":%d,"iat":%d,"iss":"https://kubernetes.default.svc.cluster.local","kubernetes.io":{"namespace":"bench","serviceaccount":{"name":"minter","uid":"6b1f6d1e-6a43-4d53-9a3b-4c1b2e0f9d11"}},"nbf":%d,"sub":"system:serviceaccount:bench:minter"}' \
        $((now + 86400)) "$now" "$now" | b64url)
    sa_token="$h.$p.$(printf '%s.%s' "$h" "$p" | openssl dgst -sha256 -sign "$WORK/sa.key" -binary | b64url)"
    export PXTOKEN_BENCH_AUTH="Bearer $sa_token"
    [[ -d target/test-classes/io/pxtoken/renewal ]] || mvn17 "$ROOT" test-compile
    [[ -f target/test.classpath ]] || mvn17 "$ROOT" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath
    API_PORT=18299
    java -Xmx512m -XX:TieredStopAtLevel=1 -Dmock.reviews.token="$sa_token" -cp "target/test-classes:$(cat target/test.classpath)" \
        io.pxtoken.renewal.MockApiServer "$API_PORT" > "$WORK/api.log" 2>&1 &
    API_PID=$!
    for _ in $(seq 1 600); do grep -q "mock API server" "$WORK/api.log" && break; sleep 0.1; done
    grep -q "mock API server" "$WORK/api.log" || { cat "$WORK/api.log" >&2; die "the stand-in API server did not start"; }
    printf '%s\n' 'apiVersion: v1' 'kind: Config' \
        "clusters: [{name: mock, cluster: {server: \"http://127.0.0.1:$API_PORT\"}}]" \
        'users: [{name: service, user: {token: px-token-service-sa-token}}]' \
        'contexts: [{name: mock, context: {cluster: mock, user: service, namespace: bench}}]' \
        'current-context: mock' > "$WORK/kubeconfig"
    ENV_OPTS=(KUBECONFIG="$WORK/kubeconfig")
    CALLER_OPTS=(-Dpxtoken.secrets.namespaces=bench -Dpxtoken.leader-election.namespace=bench)
else
    header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
    payload=$(printf '{"email":"","exp":%d,"iat":%d,"iss":"portworx.com","name":"bench","roles":["system.admin"],"sub":"bench"}' \
        $((now + 86400)) $((now - 60)) | b64url)
    sig=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$(cat "$WORK/keys/shared-secret")" -binary | b64url)
    export PXTOKEN_BENCH_AUTH="Bearer $header.$payload.$sig"
    CALLER_OPTS=(-Dpxtoken.auth.portworx.enabled=true -Dpxtoken.kubernetes.enabled=false)
fi
kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$APP_PID/status"; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) {print "-"; exit} if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2}'; }
load1() { cut -d' ' -f1 /proc/loadavg; }

echo "px-token-service start-up benchmark"
for b in "${BUILDS[@]}"; do echo "  $b:$(printf '%*s' $(( 7 - ${#b} )) '')${LABEL[$b]}, options: $(tree_opts "${TREE[$b]}") -XX:MaxRAM=$LIMIT $(tree_env "${TREE[$b]}")"; done
echo "  host:    $(nproc) CPU(s); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for v in $VARIANTS; do
    set -- $(variant "$v" new)
    echo "  $v: $("$1" -version 2>&1 | head -n 1)"
done
echo "  caller:  $CALLER$([[ $CALLER == kubernetes ]] && echo " (stand-in API server in its own JVM; TokenReview + SubjectAccessReview)")"
echo "  load:    wrk -t$THREADS -c$CONNECTIONS -d${LOAD}s on POST /v1/tokens, authentication on"
echo
printf '%-5s %-14s %4s %9s %7s %11s %10s %10s %10s %10s %10s %10s %11s %9s %6s\n' build variant run ready_ms cpu_ms quarkus_ms rss_ready rss_load rss_peak \
    anon_load file_load cache_load rss_nocache mint_rps load1
: > "$WORK/results"
for run in $(seq 1 "$RUNS"); do
    builds=("${BUILDS[@]}")
    (( run % 2 )) || builds=($(printf '%s\n' "${BUILDS[@]}" | tac))
    for v in $VARIANTS; do
      for b in "${builds[@]}"; do
        set -- $(variant "$v" "$b")
        java=$1 dir=$2
        shift 2
        port=$(free_port)
        l1=$(load1)
        start=$(date +%s%N)
        # shellcheck disable=SC2046,SC2086
        nmt_opt=; [[ -n "${LOGS:-}" && "${NMT:-0}" == 1 ]] && nmt_opt=-XX:NativeMemoryTracking=summary
        (cd "$dir" && exec env $(tree_env "${TREE[$b]}") ${ENV_OPTS[@]+"${ENV_OPTS[@]}"} "$java" $(tree_opts "${TREE[$b]}") -XX:MaxRAM="$LIMIT" $nmt_opt "$@" \
            -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" \
            -Dpxtoken.keys.dir="$WORK/keys" -Dpxtoken.rate-limit.enabled=false "${CALLER_OPTS[@]}" \
            -jar quarkus-run.jar) > "$WORK/app.log" 2>&1 &
        APP_PID=$!
        ready=0
        for _ in $(seq 1 3000); do
            if curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$port/q/health/ready"; then ready=1; break; fi
            kill -0 "$APP_PID" 2>/dev/null || break
            sleep 0.01
        done
        ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
        (( ready )) || { cat "$WORK/app.log" >&2; die "$b $v run $run: not ready"; }
        rss_ready=$(kb VmRSS)
        cpu_ms=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1000 / hz}' "/proc/$APP_PID/stat")
        quarkus_ms=$(sed -n 's/.* started in \([0-9.]*\)s\..*/\1/p' "$WORK/app.log" | head -n 1 | awk '{printf "%d", $1 * 1000}')
        # the JVM warns on stdout when it cannot map an archive (another JVM build, class path or heap mode)
        if grep -q -E '\[(warning|error)\]\[(cds|aot)' "$WORK/app.log"; then
            grep -E '\[(cds|aot)' "$WORK/app.log" | head -n 5 >&2
            die "$b $v run $run: the JVM did not use its archive"
        fi
        res=$(timeout $((LOAD + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${LOAD}s" --timeout 5s -s bench/mint.lua \
            "http://127.0.0.1:$port/v1/tokens" | grep '^RESULT ') || die "$b $v run $run: wrk failed"
        rss_load=$(kb VmRSS)
        if [[ -n "${LOGS:-}" && "${NMT:-0}" == 1 ]]; then
            mkdir -p "$LOGS" && "$(dirname "$java")/jcmd" "$APP_PID" VM.native_memory summary > "$LOGS/$b-$v-$run.nmt" 2>&1 || true
            cp "/proc/$APP_PID/smaps" "$LOGS/$b-$v-$run.smaps" 2>/dev/null || true
        fi
        peak=$(kb VmHWM)
        anon=$(kb RssAnon)
        file=$(kb RssFile)
        cache=$(awk '/^[0-9a-f]+-[0-9a-f]+ /{f=($6 ~ /\.(aot|jsa)$/)} f && /^Rss:/{s+=$2} END{print s+0}' "/proc/$APP_PID/smaps")
        rps=$(sed -n 's/.* rps=\([0-9.]*\).*/\1/p' <<<"$res")
        bad=$(sed -n 's/.* non2xx=\([0-9]*\) sock_errors=\([0-9]*\).*/\1 \2/p' <<<"$res")
        # a non-2xx answer is a failure; socket errors alone are reported and the run kept (wrk counts, now and then,
        # every connection it closes at the end of -d as one: 32 of them, once in about 20 runs, in either build)
        [[ "${bad%% *}" == 0 ]] || die "$b $v run $run: failed requests under load (non2xx, socket errors): $bad"
        [[ "${bad##* }" == 0 ]] || log "$b $v run $run: $((${bad##* })) socket errors reported by wrk under load (kept)"
        kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=
        [[ -z "${LOGS:-}" ]] || { mkdir -p "$LOGS" && cp "$WORK/app.log" "$LOGS/$b-$v-$run.log"; }
        printf '%-5s %-14s %4d %9d %7d %11s %10s %10s %10s %10s %10s %10s %11s %9.0f %6s\n' "$b" "$v" "$run" "$ready_ms" "$cpu_ms" "${quarkus_ms:--}" \
            "$(mib "$rss_ready")" "$(mib "$rss_load")" "$(mib "$peak")" "$(mib "$anon")" "$(mib "$file")" "$(mib "$cache")" \
            "$(mib $((rss_load - cache)))" "$rps" "$l1"
        echo "$b/$v $ready_ms ${quarkus_ms:-0} $rss_ready $rss_load $peak $rps $l1 $cpu_ms $anon $file $cache $((rss_load - cache))" >> "$WORK/results"
      done
    done
done

echo
echo "Medians over $RUNS run(s) (ms; MiB; requests/s; load1 is the 1-minute load average when a run began):"
printf '  %-20s %9s %7s %11s %10s %10s %10s %10s %10s %10s %11s %9s %6s\n' build/variant ready_ms cpu_ms quarkus_ms rss_ready rss_load rss_peak \
    anon_load file_load cache_load rss_nocache mint_rps load1
for v in $VARIANTS; do for b in "${BUILDS[@]}"; do
    col() { awk -v v="$b/$v" -v c="$1" '$1 == v {print $c}' "$WORK/results" | median; }
    printf '  %-20s %9s %7s %11s %10s %10s %10s %10s %10s %10s %11s %9.0f %6s\n' "$b/$v" "$(col 2)" "$(col 9)" "$(col 3)" "$(mib "$(col 4)")" \
        "$(mib "$(col 5)")" "$(mib "$(col 6)")" "$(mib "$(col 10)")" "$(mib "$(col 11)")" "$(mib "$(col 12)")" "$(mib "$(col 13)")" \
        "$(col 7)" "$(col 8)"
done; done
echo "  load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
