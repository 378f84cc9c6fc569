package io.pxtoken.keys;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Keys read from PEM text by the service's own reader (the one that reads the mounted key files). */
public final class TestKeyFiles {

    private TestKeyFiles() {
    }

    public static AsymmetricKey read(SigningAlgorithm algorithm, String pem) {
        return AsymmetricKey.read(algorithm, pem.getBytes(StandardCharsets.US_ASCII), Instant.EPOCH);
    }
}
