package io.pxtoken.ops;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.pxtoken.auth.Caller;
import io.pxtoken.keys.AsymmetricKey;
import io.pxtoken.keys.AsymmetricKeyStore;
import io.pxtoken.keys.KeyStatus;
import io.pxtoken.keys.SigningAlgorithm;
import io.pxtoken.keys.SharedSecretStore;
import io.pxtoken.token.TokenIssuer;

/** What this service signs with. Every authenticated caller may read it; the secret itself is never part of it. */
@ApplicationScoped
public class IssuerOperation {

    /** The issuer's public facts. */
    public record IssuerInfo(String issuer, String algorithm, KeyStatus key, String defaultDuration, String maxDuration,
            List<String> allowedRoles, List<SigningKeyInfo> keys) {
    }

    /**
     * One signing key: the shared secret (no public form) or an RSA/ECDSA key with its public half.
     *
     * @param key file, fingerprint, load time and problem
     * @param publicKey the loaded key, or null (shared secret, or not loaded)
     */
    public record SigningKeyInfo(SigningAlgorithm algorithm, KeyStatus key, AsymmetricKey publicKey) {
    }

    private final TokenIssuer issuer;
    private final SharedSecretStore keys;
    private final AsymmetricKeyStore asymmetricKeys;
    private final java.time.Clock clock;

    public IssuerOperation(TokenIssuer issuer, SharedSecretStore keys, AsymmetricKeyStore asymmetricKeys, java.time.Clock clock) {
        this.issuer = issuer;
        this.keys = keys;
        this.asymmetricKeys = asymmetricKeys;
        this.clock = clock;
    }

    /** The service's time, for judging what is valid now. */
    public java.time.Instant now() {
        return clock.instant();
    }

    public IssuerInfo describe(Caller caller) {
        List<SigningKeyInfo> loaded = new ArrayList<>();
        KeyStatus secret = keys.status();
        if (secret.usable() || !asymmetricKeys.anyLoaded()) {
            loaded.add(new SigningKeyInfo(SigningAlgorithm.HS256, secret, null));
        }
        for (SigningAlgorithm a : AsymmetricKeyStore.ALGORITHMS) {
            KeyStatus status = asymmetricKeys.status(a);
            if (status.usable() || status.problem() != null) {
                loaded.add(new SigningKeyInfo(a, status, asymmetricKeys.loaded(a)));
            }
        }
        return new IssuerInfo(issuer.issuer(), issuer.defaultAlgorithm().name(), secret, issuer.defaultDuration().text(),
                issuer.maxDuration().text(), issuer.allowedRoles(), loaded);
    }
}
