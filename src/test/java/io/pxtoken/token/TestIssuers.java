package io.pxtoken.token;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pxtoken.keys.AsymmetricKey;
import io.pxtoken.keys.KeyNotLoadedException;
import io.pxtoken.keys.SharedSecret;
import io.pxtoken.keys.SigningAlgorithm;

/** Issuers over in-memory keys for tests outside this package (simulations of a fleet, of a rotation). */
public final class TestIssuers {

    private TestIssuers() {
    }

    /**
     * @param secret the shared secret in use now (read at each issue)
     * @param rsa the RSA pair in use now, or a supplier of null
     * @param ecdsa the P-256 pair in use now, or a supplier of null
     */
    public static TokenIssuer issuer(String iss, Supplier<SharedSecret> secret, Supplier<KeyPair> rsa, Supplier<KeyPair> ecdsa,
            Clock clock) {
        return new TokenIssuer(iss, "1d", "1y", Duration.ofMinutes(10), List.of("system.admin", "system.user", "system.view"),
                Map.of(), secret, a -> {
                    KeyPair p = a == SigningAlgorithm.RS256 ? rsa.get() : a == SigningAlgorithm.ES256 ? ecdsa.get() : null;
                    if (p == null) {
                        throw new KeyNotLoadedException(a, "no " + a + " key is loaded");
                    }
                    return AsymmetricKey.of(a, p, clock.instant());
                }, SigningAlgorithm.HS256, new TokenMetrics(new SimpleMeterRegistry()), clock,
                () -> java.util.UUID.randomUUID().toString());
    }
}
