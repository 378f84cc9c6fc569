package io.pxtoken.keys;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while a shared secret is loaded; a problem with the file is reported even while the last good key serves. */
@Readiness
@ApplicationScoped
public class SharedSecretCheck implements HealthCheck {

    public static final String NAME = "shared-secret";

    private final SharedSecretStore store;

    public SharedSecretCheck(SharedSecretStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        KeyStatus status = store.status();
        HealthCheckResponseBuilder b = HealthCheckResponse.named(NAME)
                .status(status.usable())
                .withData("file", status.file().toString());
        if (status.usable()) {
            b.withData("fingerprint", status.fingerprint()).withData("loadedAt", status.loadedAt().toString());
        }
        if (status.problem() != null) {
            b.withData("problem", status.problem());
        }
        return b.build();
    }
}
