package io.pxtoken.renewal;

import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.keys.AsymmetricKeyStore;
import io.pxtoken.keys.SharedSecretStore;
import io.pxtoken.keys.SigningAlgorithm;

/**
 * {@code pxtoken.signing.managed-algorithm} as a test changes it: what {@code kubectl set env deployment/px-token-service
 * PXTOKEN_SIGNING_MANAGED_ALGORITHM=...} gives the pods it rolls out, without restarting the test's application.
 * Everything that reads the managed algorithm (renewal, re-signing, the declared status, the gauges) reads it from here;
 * only tests whose profile enables this alternative get it.
 */
@Alternative
@Singleton
public class RedeployedManagedAlgorithm extends ManagedAlgorithm {

    private volatile SigningAlgorithm algorithm;

    @Inject
    public RedeployedManagedAlgorithm(PxTokenConfig config, SharedSecretStore secrets, AsymmetricKeyStore asymmetric) {
        super(config, secrets, asymmetric);
        this.algorithm = super.algorithm();
    }

    /** The Deployment's environment now names {@code next}. */
    public void redeploy(SigningAlgorithm next) {
        algorithm = next;
    }

    @Override
    public SigningAlgorithm algorithm() {
        return algorithm;
    }
}
