package io.pxtoken.renewal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.Secret;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.pxtoken.kube.ManagedSecrets;

/**
 * What the renewal leader knows, as Prometheus meters: per managed Secret ({@code namespace}, {@code name}) its
 * expiry, its renewal time and whether it is ready (valid now, current key); renewals by result; leadership.
 */
@ApplicationScoped
public class RenewalMetrics {

    /** The numbers behind one Secret's gauges. */
    private static final class State {
        volatile double expiresAt = Double.NaN;
        volatile double renewalAt = Double.NaN;
        volatile String keyFingerprint;
        List<Meter> meters;
    }

    private final MeterRegistry registry;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final AtomicInteger leader = new AtomicInteger();
    private final Counter renewed;
    private final Counter resigned;
    private final Counter failed;
    private volatile String currentKey;

    private final java.time.Clock clock;

    public RenewalMetrics(MeterRegistry registry, java.time.Clock clock) {
        this.registry = registry;
        this.clock = clock;
        Gauge.builder("pxtoken_leader", leader, AtomicInteger::get)
                .description("1 on the replica that renews managed tokens").register(registry);
        this.renewed = counter("renewed");
        this.resigned = counter("resigned");
        this.failed = counter("failed");
    }

    private Counter counter(String result) {
        return Counter.builder("pxtoken_renewals_total").tag("result", result)
                .description("Renewals of managed tokens, by result").register(registry);
    }

    void leading(boolean leading) {
        leader.set(leading ? 1 : 0);
    }

    void track(String key, Secret s, String currentKeyFingerprint, Instant now) {
        currentKey = currentKeyFingerprint;
        State st = states.computeIfAbsent(key, k -> register(s));
        Instant exp = ManagedSecrets.instantAnnotation(s, ManagedSecrets.EXPIRES_AT);
        Instant renewal = ManagedSecrets.instantAnnotation(s, ManagedSecrets.RENEWAL_TIME);
        st.expiresAt = exp == null ? Double.NaN : exp.getEpochSecond();
        st.renewalAt = renewal == null ? Double.NaN : renewal.getEpochSecond();
        st.keyFingerprint = ManagedSecrets.annotation(s, ManagedSecrets.KEY_FINGERPRINT);
    }

    private State register(Secret s) {
        State st = new State();
        Tags tags = Tags.of("namespace", s.getMetadata().getNamespace(), "name", s.getMetadata().getName());
        st.meters = List.of(
                Gauge.builder("pxtoken_secret_expiration_timestamp_seconds", st, x -> x.expiresAt).tags(tags)
                        .description("exp of the token stored in a managed Secret").register(registry),
                Gauge.builder("pxtoken_secret_renewal_timestamp_seconds", st, x -> x.renewalAt).tags(tags)
                        .description("When the managed token will be renewed").register(registry),
                Gauge.builder("pxtoken_secret_ready", st, this::ready).tags(tags)
                        .description("1 when the stored token is valid now under the current key").register(registry));
        return st;
    }

    private double ready(State st) {
        String key = currentKey;
        return key != null && key.equals(st.keyFingerprint) && st.expiresAt > clock.instant().getEpochSecond() ? 1 : 0;
    }

    void forget(String key) {
        State st = states.remove(key);
        if (st != null) {
            st.meters.forEach(registry::remove);
        }
    }

    void renewal(SecretRenewer.Result r) {
        switch (r.outcome()) {
            case RENEWED -> ("resigned".equals(r.reason()) ? resigned : renewed).increment();
            case FAILED -> failed.increment();
            case LEFT_ALONE -> failed.increment();
        }
    }
}
