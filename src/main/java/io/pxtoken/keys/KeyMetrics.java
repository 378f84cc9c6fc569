package io.pxtoken.keys;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.StartupEvent;

/**
 * The shared secret as Prometheus sees it: {@code pxtoken_shared_secret_loaded} (1 while a usable key is loaded, the
 * readiness check's verdict) and {@code pxtoken_shared_secret_info{fingerprint}} (1, for the key signing now). The
 * fingerprint is the one {@code GET /v1/issuer} and the Secrets' annotations show: a digest, never the key.
 */
@ApplicationScoped
public class KeyMetrics {

    private final SharedSecretStore store;
    private final MeterRegistry registry;

    public KeyMetrics(SharedSecretStore store, MeterRegistry registry) {
        this.store = store;
        this.registry = registry;
    }

    void start(@Observes StartupEvent event) {
        Gauge.builder("pxtoken_shared_secret_loaded", store, s -> s.status().usable() ? 1 : 0)
                .description("1 while a usable shared secret is loaded (the readiness check)").register(registry);
        MultiGauge info = MultiGauge.builder("pxtoken_shared_secret_info")
                .description("1 for the fingerprint of the key that signs now").register(registry);
        store.onChange(key -> info.register(List.of(MultiGauge.Row.of(Tags.of("fingerprint", key.fingerprint()), 1)), true));
    }
}
