package io.pxtoken.keys;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RSA or ECDSA signing key read from {@code rsa-private-key} or {@code ecdsa-private-key}, with its public half in
 * the forms an admin hands to Portworx. Its {@link #toString()} shows the fingerprint only.
 */
public final class AsymmetricKey {

    private final SigningAlgorithm algorithm;
    private final KeyPair pair;
    private final String fingerprint;
    private final Instant loadedAt;

    AsymmetricKey(SigningAlgorithm algorithm, KeyPair pair, Instant loadedAt) {
        this.algorithm = algorithm;
        this.pair = pair;
        this.fingerprint = SharedSecret.fingerprint(pair.getPublic().getEncoded());
        this.loadedAt = loadedAt;
    }

    /** Reads a PEM private key; package-private so only the store and tests build keys. */
    static AsymmetricKey read(SigningAlgorithm algorithm, byte[] pem, Instant loadedAt) {
        return new AsymmetricKey(algorithm, PrivateKeyPem.read(algorithm, pem), loadedAt);
    }

    /** For tests and simulations: a key from a pair generated in memory. */
    public static AsymmetricKey of(SigningAlgorithm algorithm, KeyPair pair, Instant loadedAt) {
        if (algorithm == SigningAlgorithm.HS256) {
            throw new IllegalArgumentException("HS256 keys are shared secrets");
        }
        return new AsymmetricKey(algorithm, pair, loadedAt);
    }

    public SigningAlgorithm algorithm() {
        return algorithm;
    }

    public PrivateKey privateKey() {
        return pair.getPrivate();
    }

    public PublicKey publicKey() {
        return pair.getPublic();
    }

    /**
     * First 16 hex characters of the SHA-256 of the public key's SubjectPublicKeyInfo (DER):
     * {@code openssl pkey -in rsa-private-key -pubout -outform DER | sha256sum | cut -c1-16}.
     */
    public String fingerprint() {
        return fingerprint;
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    /** SubjectPublicKeyInfo PEM ({@code -----BEGIN PUBLIC KEY-----}): the only form openstorage loads. */
    public String publicKeyPem() {
        String body = Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(pair.getPublic().getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
    }

    /** The public key as a JWK (RFC 7517/7518), {@code kid} = fingerprint. */
    public Map<String, Object> jwk() {
        Map<String, Object> jwk = new LinkedHashMap<>();
        if (pair.getPublic() instanceof RSAPublicKey rsa) {
            jwk.put("kty", "RSA");
            jwk.put("kid", fingerprint);
            jwk.put("use", "sig");
            jwk.put("alg", algorithm.name());
            jwk.put("n", base64url(rsa.getModulus(), 0));
            jwk.put("e", base64url(rsa.getPublicExponent(), 0));
        } else if (pair.getPublic() instanceof ECPublicKey ec) {
            jwk.put("kty", "EC");
            jwk.put("kid", fingerprint);
            jwk.put("use", "sig");
            jwk.put("alg", algorithm.name());
            jwk.put("crv", "P-256");
            jwk.put("x", base64url(ec.getW().getAffineX(), 32));
            jwk.put("y", base64url(ec.getW().getAffineY(), 32));
        }
        return jwk;
    }

    /** Unsigned big-endian, left-padded to {@code length} bytes when given (EC coordinates), minimal otherwise. */
    private static String base64url(BigInteger n, int length) {
        byte[] b = n.toByteArray();
        if (b.length > 1 && b[0] == 0) {
            b = Arrays.copyOfRange(b, 1, b.length);
        }
        if (length > b.length) {
            byte[] padded = new byte[length];
            System.arraycopy(b, 0, padded, length - b.length, b.length);
            b = padded;
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public String toString() {
        return "AsymmetricKey[" + algorithm + ", fingerprint=" + fingerprint + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AsymmetricKey other && algorithm == other.algorithm && fingerprint.equals(other.fingerprint);
    }

    @Override
    public int hashCode() {
        return fingerprint.hashCode();
    }
}
