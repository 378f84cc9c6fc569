package io.pxtoken.keys;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.StartupEvent;

/**
 * The shared secret as Prometheus sees it: {@code pxtoken_shared_secret_loaded} (1 while a usable key is loaded, the
 * readiness check's verdict) and {@code pxtoken_shared_secret_info{fingerprint}} (1, for the key signing now). The
 * fingerprint is the one {@code GET /v1/issuer} and the Secrets' annotations show: a digest, never the key. For the
 * optional RSA and ECDSA keys: {@code pxtoken_signing_key_loaded{algorithm}} and
 * {@code pxtoken_signing_key_refusals_total{algorithm,file}}.
 */
@ApplicationScoped
public class KeyMetrics {

    private final SharedSecretStore store;
    private final AsymmetricKeyStore asymmetric;
    private final MeterRegistry registry;

    public KeyMetrics(SharedSecretStore store, AsymmetricKeyStore asymmetric, MeterRegistry registry) {
        this.store = store;
        this.asymmetric = asymmetric;
        this.registry = registry;
    }

    void start(@Observes StartupEvent event) {
        Gauge.builder("pxtoken_shared_secret_loaded", store, s -> s.status().usable() ? 1 : 0)
                .description("1 while a usable shared secret is loaded (the readiness check)").register(registry);
        MultiGauge info = MultiGauge.builder("pxtoken_shared_secret_info")
                .description("1 for the fingerprint of the key that signs now").register(registry);
        store.onChange(key -> info.register(List.of(MultiGauge.Row.of(Tags.of("fingerprint", key.fingerprint()), 1)), true));
        for (SigningAlgorithm a : AsymmetricKeyStore.ALGORITHMS) {
            Gauge.builder("pxtoken_signing_key_loaded", asymmetric, s -> s.loaded(a) == null ? 0 : 1)
                    .description("1 while a usable key of this algorithm is loaded (rsa-private-key, ecdsa-private-key)")
                    .tag("algorithm", a.name()).register(registry);
            FunctionCounter.builder("pxtoken_signing_key_refusals", asymmetric, s -> s.refusals(a))
                    .description("Times the key file was found unusable (each new problem once; the log line says why)")
                    .tag("algorithm", a.name()).tag("file", a.fileName()).register(registry);
        }
    }
}
