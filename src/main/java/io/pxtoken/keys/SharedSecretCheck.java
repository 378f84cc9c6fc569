package io.pxtoken.keys;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while a signing key is loaded: the shared secret, or (Portworx may trust only an RSA or ECDSA key) one of
 * the asymmetric keys. A problem with a file is reported even while the last good key serves.
 */
@Readiness
@ApplicationScoped
public class SharedSecretCheck implements HealthCheck {

    public static final String NAME = "shared-secret";

    private final SharedSecretStore store;
    private final AsymmetricKeyStore asymmetric;

    public SharedSecretCheck(SharedSecretStore store, AsymmetricKeyStore asymmetric) {
        this.store = store;
        this.asymmetric = asymmetric;
    }

    @Override
    public HealthCheckResponse call() {
        KeyStatus status = store.status();
        HealthCheckResponseBuilder b = HealthCheckResponse.named(NAME)
                .status(status.usable() || asymmetric.anyLoaded())
                .withData("file", status.file().toString());
        if (status.usable()) {
            b.withData("fingerprint", status.fingerprint()).withData("loadedAt", status.loadedAt().toString());
        }
        if (status.problem() != null) {
            b.withData("problem", status.problem());
        }
        for (SigningAlgorithm a : AsymmetricKeyStore.ALGORITHMS) {
            KeyStatus k = asymmetric.status(a);
            if (k.usable()) {
                b.withData(a.fileName(), k.fingerprint());
            }
            if (k.problem() != null) {
                b.withData(a.fileName() + "-problem", k.problem());
            }
        }
        return b.build();
    }
}
