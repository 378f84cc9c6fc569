package io.pxtoken.keys;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the private keys {@code pxctl auth token generate --rsa-private-keyfile / --ecdsa-private-keyfile} reads:
 * PEM, RSA as PKCS#1 ({@code RSA PRIVATE KEY}) or PKCS#8 ({@code PRIVATE KEY}), ECDSA on P-256 as SEC1
 * ({@code EC PRIVATE KEY}, an {@code EC PARAMETERS} block before it is skipped) or PKCS#8. The public half is
 * derived from the private key and the pair is proven by a probe signature.
 * <p>
 * Written on the JDK alone (a few lines of DER wrapping, and the P-256 scalar multiplication the JDK does not
 * expose) rather than adding Bouncy Castle for two formats. Messages say what is wrong with a file, never what it
 * holds.
 */
final class PrivateKeyPem {

    static final int MIN_RSA_BITS = 2048;

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final byte[] OID_RSA = { 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01 };
    private static final byte[] OID_EC_PUBLIC_KEY = { 0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01 };
    private static final byte[] OID_P256 = { 0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07 };
    static final ECParameterSpec P256 = p256();

    private PrivateKeyPem() {
    }

    /**
     * @param algorithm RS256 or ES256
     * @throws IllegalArgumentException saying why the bytes are not a usable key of that kind
     */
    static KeyPair read(SigningAlgorithm algorithm, byte[] pem) {
        String text = new String(pem, StandardCharsets.US_ASCII);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String label = m.group(1);
            if (label.equals("EC PARAMETERS")) {
                continue;
            }
            if (label.contains("ENCRYPTED") || m.group(2).contains("Proc-Type:")) {
                throw new IllegalArgumentException("holds an encrypted key; pxctl and this service need it unencrypted");
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2).trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("has a " + label + " block that is not valid base64");
            }
            return algorithm == SigningAlgorithm.RS256 ? rsa(label, der) : ecdsa(label, der);
        }
        throw new IllegalArgumentException("holds no PEM block (expected -----BEGIN "
                + (algorithm == SigningAlgorithm.RS256 ? "RSA PRIVATE KEY" : "EC PRIVATE KEY") + "----- or -----BEGIN PRIVATE KEY-----)");
    }

    private static KeyPair rsa(String label, byte[] der) {
        byte[] pkcs8 = switch (label) {
            case "PRIVATE KEY" -> der;
            case "RSA PRIVATE KEY" -> seq(concat(new byte[] { 0x02, 0x01, 0x00 }, seq(concat(OID_RSA, new byte[] { 0x05, 0x00 })),
                    tlv(0x04, der)));
            default -> throw new IllegalArgumentException("holds a " + label + " block, not an RSA private key");
        };
        PrivateKey key;
        try {
            key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("is not an RSA private key (" + label + " could not be parsed)");
        }
        if (!(key instanceof RSAPrivateCrtKey crt)) {
            throw new IllegalArgumentException("holds an RSA key without its CRT parameters; export it with openssl genpkey");
        }
        int bits = crt.getModulus().bitLength();
        if (bits < MIN_RSA_BITS) {
            throw new IllegalArgumentException("holds a " + bits + "-bit RSA key; at least " + MIN_RSA_BITS + " bits are required");
        }
        try {
            PublicKey pub = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
            return probe(new KeyPair(pub, key), "SHA256withRSA");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("holds an RSA key the JDK cannot use (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static KeyPair ecdsa(String label, byte[] der) {
        byte[] pkcs8 = switch (label) {
            case "PRIVATE KEY" -> der;
            case "EC PRIVATE KEY" -> {
                checkSec1Curve(der);
                yield seq(concat(new byte[] { 0x02, 0x01, 0x00 }, seq(concat(OID_EC_PUBLIC_KEY, OID_P256)), tlv(0x04, der)));
            }
            default -> throw new IllegalArgumentException("holds a " + label + " block, not an ECDSA private key");
        };
        PrivateKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("is not an ECDSA private key (" + label + " could not be parsed)");
        }
        if (!(key instanceof ECPrivateKey ec) || !isP256(ec.getParams())) {
            throw new IllegalArgumentException("holds an ECDSA key that is not on P-256 (prime256v1), the curve of ES256");
        }
        BigInteger d = ec.getS();
        if (d.signum() <= 0 || d.compareTo(P256.getOrder()) >= 0) {
            throw new IllegalArgumentException("holds an ECDSA private key out of range for P-256");
        }
        try {
            PublicKey pub = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(multiply(P256.getGenerator(), d), P256));
            return probe(new KeyPair(pub, key), "SHA256withECDSA");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("holds an ECDSA key the JDK cannot use (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** SEC1 {@code ECPrivateKey}: refuses a curve other than P-256 named in its optional parameters. */
    private static void checkSec1Curve(byte[] der) {
        int i = 0;
        try {
            // SEQUENCE { INTEGER 1, OCTET STRING d, [0] { OID curve } OPTIONAL, [1] BIT STRING OPTIONAL }
            if ((der[i] & 0xff) != 0x30) {
                throw new IllegalArgumentException("is not a SEC1 EC PRIVATE KEY");
            }
            i = skipHeader(der, i);
            i = next(der, i); // version
            int octetStart = i;
            int after = next(der, i);
            int dLength = after - skipHeader(der, octetStart);
            i = after;
            if (i < der.length && (der[i] & 0xff) == 0xa0) {
                int oid = skipHeader(der, i);
                int end = next(der, oid);
                if (!Arrays.equals(Arrays.copyOfRange(der, oid, end), OID_P256)) {
                    throw new IllegalArgumentException("holds an ECDSA key that is not on P-256 (prime256v1), the curve of ES256");
                }
            } else if (dLength != 32) {
                throw new IllegalArgumentException("holds an ECDSA key that is not on P-256 (prime256v1), the curve of ES256");
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("is not a SEC1 EC PRIVATE KEY (truncated)");
        }
    }

    private static int skipHeader(byte[] der, int i) {
        int len = der[i + 1] & 0xff;
        return len < 0x80 ? i + 2 : i + 2 + (len & 0x7f);
    }

    private static int next(byte[] der, int i) {
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
        if (start + len > der.length || len < 0) {
            throw new ArrayIndexOutOfBoundsException();
        }
        return start + len;
    }

    private static KeyPair probe(KeyPair pair, String algorithm) throws GeneralSecurityException {
        byte[] data = "px-token-service key probe".getBytes(StandardCharsets.US_ASCII);
        Signature s = Signature.getInstance(algorithm);
        s.initSign(pair.getPrivate());
        s.update(data);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance(algorithm);
        v.initVerify(pair.getPublic());
        v.update(data);
        if (!v.verify(sig)) {
            throw new IllegalArgumentException("holds a private key whose parts do not match (probe signature failed)");
        }
        return pair;
    }

    static boolean isP256(ECParameterSpec spec) {
        return spec != null && spec.getOrder().equals(P256.getOrder()) && spec.getCurve().equals(P256.getCurve())
                && spec.getGenerator().equals(P256.getGenerator());
    }

    /** Q = d·G on P-256 in affine coordinates; runs once per loaded key. */
    static ECPoint multiply(ECPoint g, BigInteger k) {
        ECPoint r = ECPoint.POINT_INFINITY;
        for (int i = k.bitLength() - 1; i >= 0; i--) {
            r = add(r, r);
            if (k.testBit(i)) {
                r = add(r, g);
            }
        }
        return r;
    }

    private static ECPoint add(ECPoint p1, ECPoint p2) {
        if (p1.equals(ECPoint.POINT_INFINITY)) {
            return p2;
        }
        if (p2.equals(ECPoint.POINT_INFINITY)) {
            return p1;
        }
        BigInteger p = ((ECFieldFp) P256.getCurve().getField()).getP();
        BigInteger a = P256.getCurve().getA();
        BigInteger x1 = p1.getAffineX(), y1 = p1.getAffineY(), x2 = p2.getAffineX(), y2 = p2.getAffineY();
        BigInteger lambda;
        if (x1.equals(x2)) {
            if (!y1.equals(y2) || y1.signum() == 0) {
                return ECPoint.POINT_INFINITY;
            }
            lambda = x1.pow(2).multiply(BigInteger.valueOf(3)).add(a).multiply(y1.shiftLeft(1).modInverse(p)).mod(p);
        } else {
            lambda = y2.subtract(y1).multiply(x2.subtract(x1).modInverse(p)).mod(p);
        }
        BigInteger x3 = lambda.pow(2).subtract(x1).subtract(x2).mod(p);
        BigInteger y3 = lambda.multiply(x1.subtract(x3)).subtract(y1).mod(p);
        return new ECPoint(x3, y3);
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
            params.init(new ECGenParameterSpec("secp256r1"));
            return params.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 is missing from this JVM", e);
        }
    }

    private static byte[] seq(byte[] content) {
        return tlv(0x30, content);
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else {
            byte[] l = BigInteger.valueOf(len).toByteArray();
            int off = l[0] == 0 ? 1 : 0;
            out.write(0x80 | (l.length - off));
            out.write(l, off, l.length - off);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
