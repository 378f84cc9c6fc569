#!/usr/bin/env bash
# Renewal at scale against the fabric8 mock API server (in the test JVM): SECRETS managed Secrets in NAMESPACES
# namespaces; prints the heap the renewal leader's informers and timers add, the JVM's CPU while idle, and the time
# to re-sign them all after a rotation at QPS re-signings per second. Takes a few minutes for 10,000.
#   SECRETS=10000 NAMESPACES=100 QPS=500 bash bench/renewal.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SECRETS="${SECRETS:-10000}"
NAMESPACES="${NAMESPACES:-100}"
QPS="${QPS:-500}"
./mvnw -B test -Dtest=RenewalBench -Dsurefire.failIfNoSpecifiedTests=false \
    -Dbench.secrets="$SECRETS" -Dbench.namespaces="$NAMESPACES" -Dbench.qps="$QPS" \
    -Dquarkus.http.test-port=0 -Dquarkus.http.test-ssl-port=0 2>&1 | tee target/renewal-bench.log | grep -E '^BENCH|Tests run:|FAIL'
