-- wrk script: GET /v1/issuer (the baseline endpoint); prints one machine-readable RESULT line at the end.
wrk.method = "GET"
wrk.headers["Accept"] = "application/json"
-- Authentication: http.sh passes "Bearer <Portworx admin token>" (empty when it runs the app with auth off).
local auth = os.getenv("PXTOKEN_BENCH_AUTH")
if auth and auth ~= "" then
   wrk.headers["Authorization"] = auth
end

function done(summary, latency, requests)
   local secs = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format(
      "RESULT requests=%d seconds=%.3f rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d non2xx=%d sock_errors=%d\n",
      summary.requests, secs, summary.requests / secs,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      e.status, e.connect + e.read + e.write + e.timeout))
end
