#!/usr/bin/env bash
# Where the service's memory goes at rest and after load (issue 24): NMT summary (committed KB per category), VmRSS,
# RssAnon, RssFile and the thread count (by name group) 12 s after ready, then after LOAD seconds of wrk on
# POST /v1/tokens; the load's req/s, so an option that saves memory shows what it costs. Java 17, the JAVA_OPTS of
# src/main/docker/Dockerfile.jvm under -XX:MaxRAM=$LIMIT (the Deployment's limit), Portworx caller (no cluster),
# rate limit off. Variants are interleaved run by run:
#
#   bash bench/memory.sh                                       # RUNS=3 VARIANTS="base"
#   VARIANTS="base arena2 ep1" RUNS=5 bash bench/memory.sh
#
# Variants (name -> what is added to the image's options): base (nothing); arena2 (MALLOC_ARENA_MAX=2 in the
# environment); EXTRA_<name>='-X...' (options) and ENV_<name>='A=1 B=2' (environment) define any other, e.g.
# EXTRA_w8='-Dquarkus.thread-pool.max-threads=8' ENV_w8a2=MALLOC_ARENA_MAX=2 EXTRA_w8a2='-Dquarkus.thread-pool.max-threads=8'.
# Environment: RUNS=3 LOAD=30 LIMIT=256m CONNECTIONS=32 THREADS=2 JAVA=/usr/lib/jvm/java-17-openjdk-amd64/bin/java
#   APP=target/quarkus-app KEEP= (a directory: each run's NMT summaries and thread lists are kept there)
# Only 127.0.0.1 is contacted; wrk is bounded by -d and timeout(1).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-3}"; LOAD="${LOAD:-30}"; LIMIT="${LIMIT:-256m}"; CONNECTIONS="${CONNECTIONS:-32}"; THREADS="${THREADS:-2}"
VARIANTS="${VARIANTS:-base}"; JAVA="${JAVA:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}"; APP="${APP:-target/quarkus-app}"
JCMD="$(dirname "$JAVA")/jcmd"
[[ -f "$APP/quarkus-run.jar" ]] || { echo "no $APP/quarkus-run.jar: ./mvnw -o package -DskipTests first" >&2; exit 1; }
IMAGE_OPTS=$(sed -n 's/^ENV JAVA_OPTS="\(.*\)"$/\1/p' src/main/docker/Dockerfile.jvm | sed 's/-Dquarkus.http.host=0.0.0.0//')
WORK=$(mktemp -d); APP_PID=
cleanup() { [[ -n "$APP_PID" ]] && { kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; }; rm -rf "$WORK"; }
trap cleanup EXIT
mkdir -p "$WORK/keys"; head -c 48 /dev/urandom | base64 -w0 > "$WORK/keys/shared-secret"
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
payload=$(printf '{"email":"","exp":%d,"iat":%d,"iss":"portworx.com","name":"bench","roles":["system.admin"],"sub":"bench"}' $((now + 86400)) $((now - 60)) | b64url)
sig=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$(cat "$WORK/keys/shared-secret")" -binary | b64url)
export PXTOKEN_BENCH_AUTH="Bearer $header.$payload.$sig"
PORT=18377
kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$APP_PID/status"; }
# committed KB of an NMT category ("Total" for the total)
nmt() { awk -v c="$2" '($0 ~ "^-? *"c" \\(" || (c == "Total" && /^Total:/)) {match($0, /committed=[0-9]+KB/); print substr($0, RSTART + 10, RLENGTH - 12); exit}' "$1"; }
threads() { ls "/proc/$APP_PID/task" | wc -l; }
groups() { for t in /proc/$APP_PID/task/*; do cat "$t/comm"; done | sed -E 's/[-#]?[0-9]+$//; s/ [0-9]+$//' | sort | uniq -c | sort -rn | awk '{n=$1; $1=""; printf "%s:%d ", substr($0,2), n}'; }
CATS="Java Heap|Class|Thread|Code|GC|Compiler|Internal|Other|Symbol|Shared class space|Arena Chunk|Metaspace"
echo "memory benchmark: image options: $IMAGE_OPTS -XX:MaxRAM=$LIMIT; load $(cut -d' ' -f1-3 /proc/loadavg) at start"
printf '%-4s %-8s %-5s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s %7s %8s\n' run variant when rss_MiB anon_MiB file_MiB nmt_MB heap class thread code gc other threads req/s
: > "$WORK/results"
for (( r = 1; r <= RUNS; r++ )); do
    for v in $VARIANTS; do
        envs=(); extra=""
        case $v in
            base) ;;
            arena2) envs=(MALLOC_ARENA_MAX=2) ;;
            *) var="EXTRA_$v"; extra="${!var:-}"; var="ENV_$v"; [[ -n "${!var:-}" ]] && read -r -a envs <<< "${!var}"
               [[ -n "$extra" || ${#envs[@]} -gt 0 ]] || { echo "variant $v: set EXTRA_$v and/or ENV_$v" >&2; exit 1; } ;;
        esac
        # shellcheck disable=SC2086
        (cd "$APP" && exec env "${envs[@]}" "$JAVA" $IMAGE_OPTS -XX:MaxRAM=$LIMIT -XX:NativeMemoryTracking=summary $extra \
            -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port=$PORT -Dpxtoken.keys.dir="$WORK/keys" -Dpxtoken.rate-limit.enabled=false \
            -Dpxtoken.auth.portworx.enabled=true -Dpxtoken.kubernetes.enabled=false -jar quarkus-run.jar) > "$WORK/app.log" 2>&1 &
        APP_PID=$!
        for _ in $(seq 1 3000); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/ready" && break; sleep 0.01; done
        curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/ready" || { cat "$WORK/app.log" >&2; exit 1; }
        sleep 12
        for when in rest load; do
            rps="-"
            if [[ $when == load ]]; then
                out=$(timeout $((LOAD + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${LOAD}s" -s bench/mint.lua "http://127.0.0.1:$PORT/v1/tokens" 2>&1 | grep '^RESULT' || true)
                rps=$(sed -n 's/.*rps=\([0-9.]*\).*/\1/p' <<< "$out"); [[ -n $rps ]] || rps=0
                grep -q 'non2xx=0 sock_errors=0' <<< "$out" || echo "  (run $r $v: failed requests: $out)" >&2
            fi
            "$JCMD" "$APP_PID" VM.native_memory summary > "$WORK/nmt" 2>/dev/null || true
            [[ -n "${KEEP:-}" ]] && { mkdir -p "$KEEP"; cp "$WORK/nmt" "$KEEP/$r-$v-$when.nmt"; groups > "$KEEP/$r-$v-$when.threads"; }
            line=$(printf '%-4s %-8s %-5s %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %7s %8s' "$r" "$v" "$when" \
                "$(awk -v k="$(kb VmRSS)" 'BEGIN{print k/1024}')" "$(awk -v k="$(kb RssAnon)" 'BEGIN{print k/1024}')" \
                "$(awk -v k="$(kb RssFile)" 'BEGIN{print k/1024}')" \
                "$(awk -v k="$(nmt "$WORK/nmt" Total)" 'BEGIN{print k/1024}')" "$(awk -v k="$(nmt "$WORK/nmt" 'Java Heap')" 'BEGIN{print k/1024}')" \
                "$(awk -v k="$(nmt "$WORK/nmt" Class)" 'BEGIN{print k/1024}')" "$(awk -v k="$(nmt "$WORK/nmt" Thread)" 'BEGIN{print k/1024}')" \
                "$(awk -v k="$(nmt "$WORK/nmt" Code)" 'BEGIN{print k/1024}')" "$(awk -v k="$(nmt "$WORK/nmt" GC)" 'BEGIN{print k/1024}')" \
                "$(awk -v k="$(nmt "$WORK/nmt" Other)" 'BEGIN{print k/1024}')" "$(threads)" "$rps")
            echo "$line"; echo "$line" >> "$WORK/results"
        done
        kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=
    done
done
echo
echo "Medians over $RUNS run(s) (MiB; NMT columns: committed MB):"
printf '  %-8s %-5s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s %7s %8s\n' variant when rss anon file nmt heap class thread code gc other threads req/s
for v in $VARIANTS; do for when in rest load; do
    printf '  %-8s %-5s' "$v" "$when"
    for c in $(seq 4 16); do awk -v v="$v" -v w="$when" -v c="$c" '$2 == v && $3 == w {print $c}' "$WORK/results" | sort -g \
        | awk '{a[NR]=$1} END {if (NR % 2) m=a[(NR+1)/2]; else m=(a[NR/2]+a[NR/2+1])/2; printf " %8s", m}'; done
    echo
done; done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
