package io.pxtoken.token;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The service's own meters, exported at {@code /q/metrics}:
 * {@code pxtoken_tokens_issued_total{role}}, {@code pxtoken_signing_seconds},
 * {@code pxtoken_rejections_total{reason}} and {@code pxtoken_verifications_total{result}}.
 */
@ApplicationScoped
public class TokenMetrics {

    static final Duration[] SIGNING_BUCKETS = Stream.of(10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 50_000)
            .map(Duration.ofNanos(1_000)::multipliedBy).toArray(Duration[]::new);

    private final MeterRegistry registry;
    private final Timer signing;
    /** Counters by name and tag value, built once: a registry lookup per request is avoidable work. */
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public TokenMetrics(MeterRegistry registry) {
        this.registry = registry;
        // histogram buckets, so that percentiles can be computed (and aggregated over replicas) by Prometheus
        this.signing = Timer.builder("pxtoken.signing").description("Time to sign one token")
                .serviceLevelObjectives(SIGNING_BUCKETS).register(registry);
    }

    void signed(long nanos, List<String> roles) {
        signing.record(nanos, TimeUnit.NANOSECONDS);
        for (String role : roles) {
            counter("pxtoken.tokens.issued", "Tokens issued, by role", "role", role).increment();
        }
    }

    /** A request refused; {@code reason} is a short problem code such as {@code invalid-request}. */
    public void rejected(String reason) {
        counter("pxtoken.rejections", "Requests refused, by reason", "reason", reason).increment();
    }

    /** A verification result: {@code valid}, or the kind of rejection. */
    public void verified(String result) {
        counter("pxtoken.verifications", "Tokens checked by POST /v1/tokens/verify, by result", "result", result).increment();
    }

    /** Tag values are bounded: allowed roles, problem codes and verification results. */
    private Counter counter(String name, String description, String tag, String value) {
        return counters.computeIfAbsent(name + '\0' + value,
                k -> Counter.builder(name).description(description).tag(tag, value).register(registry));
    }
}
