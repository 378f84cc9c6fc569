package io.pxtoken.token;

import java.util.List;
import java.util.concurrent.TimeUnit;

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

    private final MeterRegistry registry;
    private final Timer signing;

    public TokenMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.signing = Timer.builder("pxtoken.signing").description("Time to sign one token").register(registry);
    }

    void signed(long nanos, List<String> roles) {
        signing.record(nanos, TimeUnit.NANOSECONDS);
        for (String role : roles) {
            Counter.builder("pxtoken.tokens.issued").description("Tokens issued, by role")
                    .tag("role", role).register(registry).increment();
        }
    }

    /** A request refused; {@code reason} is a short problem code such as {@code invalid-request}. */
    public void rejected(String reason) {
        Counter.builder("pxtoken.rejections").description("Requests refused, by reason")
                .tag("reason", reason).register(registry).increment();
    }

    /** A verification result: {@code valid}, or the kind of rejection. */
    public void verified(String result) {
        Counter.builder("pxtoken.verifications").description("Tokens checked by POST /v1/tokens/verify, by result")
                .tag("result", result).register(registry).increment();
    }
}
