package io.pxtoken.renewal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.keys.AsymmetricKey;
import io.pxtoken.keys.AsymmetricKeyStore;
import io.pxtoken.keys.SharedSecretStore;
import io.pxtoken.keys.SigningAlgorithm;

/**
 * The two-key bridge's one decision: {@code pxtoken.signing.managed-algorithm} is the algorithm every managed Secret's
 * token carries, signed by the key of that algorithm loaded now. A token signed by any other key (another algorithm,
 * or a rotated key of the same one) needs re-signing; one signed by it does not, whatever happens to the other keys:
 * with RS256 managed, a change of the shared secret re-signs nothing, and with HS256 managed it re-signs only the
 * tokens of the old secret.
 */
@ApplicationScoped
public class ManagedAlgorithm {

    private final SigningAlgorithm algorithm;
    private final SharedSecretStore secrets;
    private final AsymmetricKeyStore asymmetric;

    @Inject
    public ManagedAlgorithm(PxTokenConfig config, SharedSecretStore secrets, AsymmetricKeyStore asymmetric) {
        this.algorithm = managed(config.signing().managedAlgorithm());
        this.secrets = secrets;
        this.asymmetric = asymmetric;
    }

    public SigningAlgorithm algorithm() {
        return algorithm;
    }

    /** Fingerprint of the key managed tokens must carry now; null while that key is not loaded (nothing is re-signed). */
    public String fingerprint() {
        SigningAlgorithm a = algorithm();
        if (a == SigningAlgorithm.HS256) {
            return secrets.status().fingerprint();
        }
        AsymmetricKey k = asymmetric.loaded(a);
        return k == null ? null : k.fingerprint();
    }

    /**
     * @param storedFingerprint the key fingerprint recorded for a Secret's token (covered by its provenance proof)
     * @param managedFingerprint {@link #fingerprint()}
     * @return true when the token must be re-signed with the managed key
     */
    public static boolean needsResigning(String storedFingerprint, String managedFingerprint) {
        return managedFingerprint != null && !managedFingerprint.equals(storedFingerprint);
    }

    private static SigningAlgorithm managed(String text) {
        try {
            return SigningAlgorithm.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("pxtoken.signing.managed-algorithm " + e.getMessage());
        }
    }

}
