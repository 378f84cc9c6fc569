package io.pxtoken.renewal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import io.fabric8.kubernetes.api.model.Secret;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.pxtoken.kube.ManagedSecrets;

/**
 * What the renewal leader knows, as Prometheus meters: per managed Secret ({@code namespace}, {@code name}) its
 * expiry, its renewal time and whether it is ready (valid now, current key); renewals by result. ({@code pxtoken_leader} is the election's.)
 */
@ApplicationScoped
public class RenewalMetrics {

    /** The numbers behind one Secret's series ({@link SecretSeries}). */
    static final class State {
        volatile double issuedAt = Double.NaN;
        volatile double expiresAt = Double.NaN;
        volatile double renewalAt = Double.NaN;
        volatile String keyFingerprint;
        /** The (algorithm, fingerprint) row of pxtoken_managed_secrets this Secret counts in. */
        String row;
        /** Renewals failed in a row; its series exists only while this is above 0. */
        volatile int failures;
    }

    private final MeterRegistry registry;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final AtomicInteger enabled = new AtomicInteger();
    private final Counter renewed;
    private final Counter resigned;
    private final Counter failed;
    private volatile String currentKey;

    private final java.time.Clock clock;

    public RenewalMetrics(MeterRegistry registry, Instance<PrometheusMeterRegistry> prometheus, java.time.Clock clock) {
        this.registry = registry;
        this.clock = clock;
        SecretSeries series = new SecretSeries(states, List.of(
                new SecretSeries.Family("pxtoken_secret_issued_timestamp_seconds",
                        "When the token stored in a managed Secret was minted", st -> st.issuedAt, false),
                new SecretSeries.Family("pxtoken_secret_expiration_timestamp_seconds",
                        "exp of the token stored in a managed Secret", st -> st.expiresAt, false),
                new SecretSeries.Family("pxtoken_secret_renewal_timestamp_seconds",
                        "When the managed token will be renewed", st -> st.renewalAt, false),
                new SecretSeries.Family("pxtoken_secret_ready",
                        "1 when the stored token is valid now under the current key", this::ready, false),
                new SecretSeries.Family("pxtoken_secret_renewal_failures",
                        "Renewals of a managed token failed in a row (absent when none)", st -> st.failures, true)));
        if (prometheus.isResolvable()) {
            prometheus.get().getPrometheusRegistry().register(series);
        }
        Gauge.builder("pxtoken_renewal_enabled", enabled, AtomicInteger::get)
                .description("1 on a replica that takes part in the election of the renewal leader").register(registry);
        this.renewed = counter("renewed");
        this.resigned = counter("resigned");
        this.failed = counter("failed");
    }

    private Counter counter(String result) {
        return Counter.builder("pxtoken_renewals_total").tag("result", result)
                .description("Renewals of managed tokens, by result").register(registry);
    }

    void enabled(boolean on) {
        enabled.set(on ? 1 : 0);
    }

    void track(String key, Secret s, String currentKeyFingerprint, Instant now) {
        currentKey = currentKeyFingerprint;
        State st = states.computeIfAbsent(key, k -> new State());
        Instant issued = ManagedSecrets.instantAnnotation(s, ManagedSecrets.ISSUED_AT);
        Instant exp = ManagedSecrets.instantAnnotation(s, ManagedSecrets.EXPIRES_AT);
        st.issuedAt = issued == null ? Double.NaN : issued.getEpochSecond();
        Instant renewal = ManagedSecrets.instantAnnotation(s, ManagedSecrets.RENEWAL_TIME);
        st.expiresAt = exp == null ? Double.NaN : exp.getEpochSecond();
        st.renewalAt = renewal == null ? Double.NaN : renewal.getEpochSecond();
        st.keyFingerprint = ManagedSecrets.annotation(s, ManagedSecrets.KEY_FINGERPRINT);
        count(st, ManagedSecrets.algorithm(s), st.keyFingerprint);
    }

    /** Managed Secrets per (algorithm, fingerprint): a switch of managed-algorithm shows as one row draining into another. */
    private final Map<String, AtomicInteger> rows = new ConcurrentHashMap<>();

    private synchronized void count(State st, String algorithm, String fingerprint) {
        // held once for all the Secrets of a row (a few rows, thousands of Secrets)
        String row = (algorithm + "\u0000" + (fingerprint == null ? "" : fingerprint)).intern();
        if (row.equals(st.row)) {
            return;
        }
        if (st.row != null) {
            rows.get(st.row).decrementAndGet();
        }
        st.row = row;
        rows.computeIfAbsent(row, r -> {
            AtomicInteger n = new AtomicInteger();
            Gauge.builder("pxtoken_managed_secrets", n, AtomicInteger::get)
                    .tags("algorithm", algorithm, "fingerprint", fingerprint == null ? "" : fingerprint)
                    .description("Managed Secrets the renewal leader follows, by the algorithm and key of their token "
                            + "(no series elsewhere)").register(registry);
            return n;
        }).incrementAndGet();
    }

    private double ready(State st) {
        String key = currentKey;
        return key != null && key.equals(st.keyFingerprint) && st.expiresAt > clock.instant().getEpochSecond() ? 1 : 0;
    }

    void forget(String key) {
        State st = states.remove(key);
        if (st != null) {
            synchronized (this) {
                if (st.row != null) {
                    rows.get(st.row).decrementAndGet();
                    st.row = null;
                }
            }
        }
    }

    /**
     * Counts the renewal by outcome and, per Secret, the renewals failed in a row:
     * {@code pxtoken_secret_renewal_failures{namespace,name}}, present only while above 0 (a Secret left alone counts:
     * it will not be renewed until someone changes it).
     */
    void renewal(String key, SecretRenewer.Outcome outcome, boolean resignedWithNewKey) {
        switch (outcome) {
            case RENEWED -> (resignedWithNewKey ? resigned : renewed).increment();
            case FAILED, LEFT_ALONE -> failed.increment();
        }
        State st = states.get(key);
        if (st == null) {
            return;
        }
        synchronized (st) {
            st.failures = outcome == SecretRenewer.Outcome.RENEWED ? 0 : st.failures + 1;
        }
    }
}
