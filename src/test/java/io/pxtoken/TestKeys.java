package io.pxtoken;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;

/** The shared secret of the {@code %test} profile, and key directories for test profiles. */
public final class TestKeys {

    /** {@code %test.pxtoken.keys.dir}; the service generates the secret there on first start. */
    public static final Path DIR = Path.of("target/test-pxkeys");

    private TestKeys() {
    }

    public static byte[] secret() {
        try {
            return Files.readAllBytes(DIR.resolve("shared-secret"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces the secret the way a rename does: readers see the old or the new bytes, never a mix. */
    public static void write(Path dir, String secret) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".secret", ".tmp");
            Files.writeString(tmp, secret, StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve("shared-secret"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh key directory holding {@code secret} (or nothing, when it is null), as profile config. */
    public static Map<String, String> profile(String secret) {
        Path dir = TempDirs.create("pxkeys");
        if (secret != null) {
            write(dir, secret);
        }
        return Map.of("pxtoken.keys.dir", dir.toString(), "pxtoken.keys.generate-if-missing", "false");
    }

    /** Checks a token's signature with nimbus-jose-jwt, a JWT library that took no part in signing it. */
    public static SignedJWT verified(String token, byte[] secret) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!jwt.verify(new MACVerifier(secret))) {
                throw new AssertionError("signature does not verify with the shared secret");
            }
            return jwt;
        } catch (java.text.ParseException | com.nimbusds.jose.JOSEException e) {
            throw new AssertionError("not a JWT: " + e.getClass().getSimpleName());
        }
    }
}
