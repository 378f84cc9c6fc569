package io.pxtoken.keys;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC key Portworx trusts: the bytes of {@code pxkeys/shared-secret} exactly as stored (never trimmed, never
 * base64-decoded; a trailing newline is part of the key, as in Portworx's environment variable).
 * Its {@link #toString()} shows the fingerprint only.
 */
public final class SharedSecret {

    private final byte[] bytes;
    private final SecretKey key;
    private final String fingerprint;
    private final Instant loadedAt;

    public SharedSecret(byte[] bytes, Instant loadedAt) {
        this.bytes = bytes.clone();
        this.key = new SecretKeySpec(this.bytes, "HmacSHA256");
        this.fingerprint = fingerprint(this.bytes);
        this.loadedAt = loadedAt;
    }

    /** First 16 hex characters of the SHA-256 of the secret: names the key without revealing it. */
    public static String fingerprint(byte[] secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret);
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The signing key; works with HmacSHA256, HmacSHA384 and HmacSHA512 alike. */
    public SecretKey key() {
        return key;
    }

    public String fingerprint() {
        return fingerprint;
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    public int length() {
        return bytes.length;
    }

    boolean sameBytes(byte[] other) {
        return MessageDigest.isEqual(bytes, other);
    }

    @Override
    public String toString() {
        return "SharedSecret[fingerprint=" + fingerprint + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SharedSecret other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return fingerprint.hashCode();
    }
}
