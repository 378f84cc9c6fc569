package io.pxtoken.keys;

import java.util.Locale;

/**
 * The three algorithms {@code pxctl auth token generate} signs with, each with the file in the keys directory that
 * holds its key: HS256 with {@code shared-secret}, RS256 with {@code rsa-private-key}, ES256 with
 * {@code ecdsa-private-key}. Portworx picks its verifying key by the first two letters of a token's {@code alg}.
 */
public enum SigningAlgorithm {
    HS256("shared-secret"),
    RS256("rsa-private-key"),
    ES256("ecdsa-private-key");

    private final String fileName;

    SigningAlgorithm(String fileName) {
        this.fileName = fileName;
    }

    /** The file in {@code pxtoken.keys.dir} holding this algorithm's key. */
    public String fileName() {
        return fileName;
    }

    /** {@code HS}, {@code RS} or {@code ES}: the prefix by which Portworx picks the key. */
    public String family() {
        return name().substring(0, 2);
    }

    /** The algorithm whose family a token's {@code alg} belongs to (RS384 -> RS256), or null for any other alg. */
    public static SigningAlgorithm ofFamily(String alg) {
        if (alg == null) {
            return null;
        }
        for (SigningAlgorithm a : values()) {
            if (alg.startsWith(a.family())) {
                return a;
            }
        }
        return null;
    }

    /**
     * @return null for null; the algorithm named exactly (upper case, as in a JWS header)
     * @throws IllegalArgumentException naming the accepted values
     */
    public static SigningAlgorithm parse(String text) {
        if (text == null) {
            return null;
        }
        for (SigningAlgorithm a : values()) {
            if (a.name().equals(text)) {
                return a;
            }
        }
        String hint = text.toUpperCase(Locale.ROOT);
        for (SigningAlgorithm a : values()) {
            if (a.name().equals(hint)) {
                throw new IllegalArgumentException("must be written " + a.name() + " (upper case, as in a JWS header)");
            }
        }
        throw new IllegalArgumentException("must be one of HS256, RS256, ES256");
    }
}
