#!/usr/bin/env bash
# In-process JMH benchmark of token signing: smallrye-jwt-build as TokenIssuer.sign uses it, against raw HMAC and
# against building the token by hand, plus the library's per-token steps one by one.
#
#   bash bench/signing.sh                     # all variants (about 3 minutes on 2 cores)
#   bash bench/signing.sh 'a_|b_rawMac_cached' # only matching benchmarks (a JMH regex)
#   JMH_ARGS="-f 1 -wi 2 -i 3" bash bench/signing.sh   # quicker, noisier
#
# Environment (optional): JMH_ARGS extra JMH options; PROF (default "gc", empty for none) a JMH profiler;
# REBUILD=1 forces the Maven build. The benchmark is built with the repository's ./mvnw from bench/signing/pom.xml.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
PROJECT="$BENCH_DIR/signing"
JAR="$PROJECT/target/signing-benchmarks.jar"
PROF="${PROF-gc}"
FILTER="${1:-SigningBenchmark}"

log() { printf '[signing.sh] %s\n' "$*" >&2; }

command -v java >/dev/null 2>&1 || { log "java (17+) is required"; exit 1; }

newer_sources=$( [[ -f "$JAR" ]] && find "$PROJECT/src" "$PROJECT/pom.xml" -newer "$JAR" -print -quit || echo missing )
if [[ -n "$newer_sources" || "${REBUILD:-0}" == "1" ]]; then
    log "building $PROJECT (./mvnw -B -q -f bench/signing/pom.xml package)"
    (cd "$ROOT" && ./mvnw -B -q -f bench/signing/pom.xml package)
fi
[[ -f "$JAR" ]] || { log "build did not produce $JAR"; exit 1; }

OUT="$PROJECT/target/jmh-output.txt"
RESULT_JSON="$PROJECT/target/jmh-result.json"
prof_args=()
[[ -n "$PROF" ]] && prof_args=(-prof "$PROF")

echo "java: $(java -version 2>&1 | head -n 1); $(nproc) CPU(s); load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
# shellcheck disable=SC2086  # JMH_ARGS is deliberately word-split
timeout 1200 java -jar "$JAR" "$FILTER" ${prof_args[@]+"${prof_args[@]}"} -rf json -rff "$RESULT_JSON" ${JMH_ARGS:-} | tee "$OUT"

# Compact summary: ns/op (with the 99.9% error), bytes allocated per op, ratio to the raw-HMAC floor.
echo
echo "Summary (AverageTime, lower is better; 'x floor' = ns/op divided by b_rawMac_cachedMac):"
java -cp "$JAR" io.pxtoken.bench.Summary "$RESULT_JSON"
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
echo "Full JMH output: $OUT; JSON: $RESULT_JSON"
