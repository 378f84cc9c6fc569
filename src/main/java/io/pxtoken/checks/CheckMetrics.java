package io.pxtoken.checks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The continuous check as Prometheus meters, on the replica that runs it:
 * <ul>
 * <li>{@code pxtoken_check_secret_verdict{namespace,name,verdict}}: one series per Secret and verdict, 1 for the current
 * verdict and 0 for the others (so an alert on {@code verdict="expired"} sees the Secret recover);</li>
 * <li>{@code pxtoken_check_secret_expiration_timestamp_seconds{namespace,name}}: the token's {@code exp} (NaN when it has
 * none or none could be read);</li>
 * <li>{@code pxtoken_check_storageclass_verdict{storageclass,namespace,name,verdict}}: the same verdicts per StorageClass
 * naming the Secret (1 for the current verdict, 0 for the others), for the dashboard's table by StorageClass;</li>
 * <li>{@code pxtoken_check_runs_total{result}} ({@code success}, {@code failure}) and
 * {@code pxtoken_check_last_success_timestamp_seconds}.</li>
 * </ul>
 * A Secret no longer referenced loses its series at the next run; a replica that stops leading drops them all.
 */
@ApplicationScoped
public class CheckMetrics {

    public static final String VERDICT = "pxtoken_check_secret_verdict";
    public static final String EXPIRATION = "pxtoken_check_secret_expiration_timestamp_seconds";
    public static final String BY_STORAGE_CLASS = "pxtoken_check_storageclass_verdict";

    private static final class State {
        volatile Verdict verdict;
        volatile double expiresAt = Double.NaN;
        List<Meter> meters;
    }

    private final MeterRegistry registry;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final Counter succeeded;
    private final Counter failed;
    private final AtomicLong lastSuccess = new AtomicLong();

    public CheckMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.succeeded = Counter.builder("pxtoken_check_runs_total").tag("result", "success")
                .description("Runs of the continuous token check, by result").register(registry);
        this.failed = Counter.builder("pxtoken_check_runs_total").tag("result", "failure")
                .description("Runs of the continuous token check, by result").register(registry);
        Gauge.builder("pxtoken_check_last_success_timestamp_seconds", lastSuccess,
                x -> x.get() == 0 ? Double.NaN : x.get())
                .description("When the continuous token check last completed").register(registry);
    }

    synchronized void record(CheckReport report) {
        Set<String> seen = new HashSet<>();
        for (CheckedSecret item : report.items()) {
            String key = item.secret().namespace() + "/" + item.secret().name();
            if (!seen.add(key)) {
                continue;
            }
            State st = states.computeIfAbsent(key, k -> register(item.secret()));
            st.verdict = item.verdict();
            st.expiresAt = item.expiresAt() == null ? Double.NaN : item.expiresAt().getEpochSecond();
            for (Referrer r : item.referrers()) {
                if (r.storageClass() != null) {
                    String scKey = r.storageClass() + "|" + key;
                    if (seen.add(scKey)) {
                        State sc = states.computeIfAbsent(scKey, k -> registerByStorageClass(r.storageClass(), item.secret()));
                        sc.verdict = item.verdict();
                    }
                }
            }
        }
        for (String key : new ArrayList<>(states.keySet())) {
            if (!seen.contains(key)) {
                forget(key);
            }
        }
    }

    void succeeded(Instant at) {
        succeeded.increment();
        lastSuccess.set(at.getEpochSecond());
    }

    void failed() {
        failed.increment();
    }

    synchronized void clear() {
        new ArrayList<>(states.keySet()).forEach(this::forget);
    }

    private void forget(String key) {
        State st = states.remove(key);
        if (st != null) {
            st.meters.forEach(registry::remove);
        }
    }

    private State registerByStorageClass(String storageClass, SecretRef ref) {
        State st = new State();
        Tags tags = Tags.of("storageclass", storageClass, "namespace", ref.namespace(), "name", ref.name());
        List<Meter> meters = new ArrayList<>();
        for (Verdict v : Verdict.values()) {
            meters.add(Gauge.builder(BY_STORAGE_CLASS, st, x -> x.verdict == v ? 1 : 0).tags(tags).tag("verdict", v.label())
                    .description("1 for the current verdict on the token of a Secret a StorageClass names, 0 for the others")
                    .register(registry));
        }
        st.meters = List.copyOf(meters);
        return st;
    }

    private State register(SecretRef ref) {
        State st = new State();
        Tags tags = Tags.of("namespace", ref.namespace(), "name", ref.name());
        List<Meter> meters = new ArrayList<>();
        for (Verdict v : Verdict.values()) {
            meters.add(Gauge.builder(VERDICT, st, x -> x.verdict == v ? 1 : 0).tags(tags).tag("verdict", v.label())
                    .description("1 for the current verdict on the token of a Secret Portworx reads, 0 for the others")
                    .register(registry));
        }
        meters.add(Gauge.builder(EXPIRATION, st, x -> x.expiresAt).tags(tags)
                .description("exp of the token in a Secret Portworx reads (unverified for another issuer or a bad signature)")
                .register(registry));
        st.meters = List.copyOf(meters);
        return st;
    }
}
