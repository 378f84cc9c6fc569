package io.pxtoken;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Test-only RSA and ECDSA keys, generated in memory for each run (never committed), and the PEM forms pxctl reads:
 * PKCS#8 {@code PRIVATE KEY}, PKCS#1 {@code RSA PRIVATE KEY}, SEC1 {@code EC PRIVATE KEY}.
 */
public final class TestAsymmetricKeys {

    /** One RSA 2048 and one P-256 pair shared by the tests of a run (RSA generation costs a few hundred ms). */
    public static final KeyPair RSA = rsa(2048);
    public static final KeyPair EC = ec("secp256r1");

    private TestAsymmetricKeys() {
    }

    public static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair ec(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /** PKCS#8 {@code PRIVATE KEY}, as {@code openssl genpkey} writes it. */
    public static String pkcs8(KeyPair pair) {
        return pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    }

    /** PKCS#1 {@code RSA PRIVATE KEY}, as {@code openssl genrsa} (1.x) writes it: the key inside the PKCS#8 wrapper. */
    public static String pkcs1(KeyPair pair) {
        return pem("RSA PRIVATE KEY", innerKey(pair.getPrivate().getEncoded()));
    }

    /** SEC1 {@code EC PRIVATE KEY}, as {@code openssl ecparam -genkey} writes it (after an EC PARAMETERS block). */
    public static String sec1(KeyPair pair) {
        return pem("EC PARAMETERS", new byte[] { 0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07 })
                + pem("EC PRIVATE KEY", innerKey(pair.getPrivate().getEncoded()));
    }

    /** SubjectPublicKeyInfo PEM. */
    public static String publicPem(KeyPair pair) {
        return pem("PUBLIC KEY", pair.getPublic().getEncoded());
    }

    /** The OCTET STRING content of a PKCS#8 PrivateKeyInfo (its last element at the top level). */
    static byte[] innerKey(byte[] pkcs8) {
        int i = header(pkcs8, 0)[0];
        int last = -1;
        while (i < pkcs8.length) {
            int[] h = header(pkcs8, i);
            if ((pkcs8[i] & 0xff) == 0x04) {
                return Arrays.copyOfRange(pkcs8, h[0], h[0] + h[1]);
            }
            last = i;
            i = h[0] + h[1];
        }
        throw new IllegalStateException("no OCTET STRING after " + last);
    }

    /** {content start, content length} of the DER element at {@code i}. */
    private static int[] header(byte[] der, int i) {
        int len = der[i + 1] & 0xff;
        int start = i + 2;
        if (len >= 0x80) {
            int n = len & 0x7f;
            len = 0;
            for (int k = 0; k < n; k++) {
                len = (len << 8) | (der[start + k] & 0xff);
            }
            start += n;
        }
        return new int[] { start, len };
    }

    public static void write(Path dir, String file, String content) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".key", ".tmp");
            Files.writeString(tmp, content, StandardCharsets.US_ASCII);
            Files.move(tmp, dir.resolve(file), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh key directory with any of the three keys (null: absent), as profile config. */
    public static Map<String, String> profile(String secret, String rsaPem, String ecPem) {
        Map<String, String> m = new HashMap<>(TestKeys.profile(secret));
        Path dir = Path.of(m.get("pxtoken.keys.dir"));
        if (rsaPem != null) {
            write(dir, "rsa-private-key", rsaPem);
        }
        if (ecPem != null) {
            write(dir, "ecdsa-private-key", ecPem);
        }
        return m;
    }
}
