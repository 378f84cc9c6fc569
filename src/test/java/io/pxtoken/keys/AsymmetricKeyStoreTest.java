package io.pxtoken.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.pxtoken.QuietLogs;
import io.pxtoken.TestAsymmetricKeys;

/** The optional RSA and ECDSA key files: the PEM forms pxctl reads, refusals, and rotation without a restart. */
class AsymmetricKeyStoreTest {

    @RegisterExtension
    static final QuietLogs QUIET = new QuietLogs("io.pxtoken.keys.AsymmetricKeyStore");

    Path dir;
    AsymmetricKeyStore store;

    @BeforeEach
    void dir() throws IOException {
        dir = io.pxtoken.TempDirs.create("asym-keys");
        store = new AsymmetricKeyStore(dir, Duration.ofHours(1), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        store.stop();
    }

    @Test
    void absentFilesOfferNothingAndNameTheFile() {
        store.reload();
        assertFalse(store.anyLoaded());
        KeyNotLoadedException e = assertThrows(KeyNotLoadedException.class, () -> store.current(SigningAlgorithm.RS256));
        assertTrue(e.getMessage().contains("rsa-private-key"), e.getMessage());
        assertNull(store.status(SigningAlgorithm.ES256).problem());
        assertEquals(0, store.refusals(SigningAlgorithm.RS256));
    }

    @ParameterizedTest
    @ValueSource(strings = { "pkcs8", "pkcs1" })
    void readsRsaKeysAsPxctlDoes(String form) {
        KeyPair pair = TestAsymmetricKeys.RSA;
        TestAsymmetricKeys.write(dir, "rsa-private-key",
                form.equals("pkcs8") ? TestAsymmetricKeys.pkcs8(pair) : TestAsymmetricKeys.pkcs1(pair));
        store.reload();
        AsymmetricKey k = store.current(SigningAlgorithm.RS256);
        assertEquals(pair.getPublic(), k.publicKey());
        assertEquals(SharedSecret.fingerprint(pair.getPublic().getEncoded()), k.fingerprint());
        assertEquals(TestAsymmetricKeys.publicPem(pair), k.publicKeyPem());
        assertEquals("RSA", k.jwk().get("kty"));
        assertEquals("AQAB", k.jwk().get("e"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "pkcs8", "sec1" })
    void readsEcdsaKeysAndDerivesThePublicKey(String form) {
        KeyPair pair = TestAsymmetricKeys.EC;
        TestAsymmetricKeys.write(dir, "ecdsa-private-key",
                form.equals("pkcs8") ? TestAsymmetricKeys.pkcs8(pair) : TestAsymmetricKeys.sec1(pair));
        store.reload();
        AsymmetricKey k = store.current(SigningAlgorithm.ES256);
        // the public point computed from the private scalar is the generator's
        assertEquals(pair.getPublic(), k.publicKey());
        assertEquals(TestAsymmetricKeys.publicPem(pair), k.publicKeyPem());
        assertEquals("P-256", k.jwk().get("crv"));
        assertEquals(32, Base64.getUrlDecoder().decode((String) k.jwk().get("x")).length);
        assertTrue(store.anyLoaded());
    }

    @Test
    void unusableKeysAreRefusedWithALineAndACountNeverTheKey() {
        KeyPair weak = TestAsymmetricKeys.rsa(1024);
        String pem = TestAsymmetricKeys.pkcs8(weak);
        TestAsymmetricKeys.write(dir, "rsa-private-key", pem);
        TestAsymmetricKeys.write(dir, "ecdsa-private-key", TestAsymmetricKeys.pkcs8(TestAsymmetricKeys.ec("secp384r1")));
        {
            store.reload();
            String rsaProblem = store.status(SigningAlgorithm.RS256).problem();
            assertTrue(rsaProblem.contains("1024-bit RSA key; at least 2048"), rsaProblem);
            assertTrue(store.status(SigningAlgorithm.ES256).problem().contains("not on P-256"));
            assertEquals(1, store.refusals(SigningAlgorithm.RS256));
            assertEquals(1, store.refusals(SigningAlgorithm.ES256));
            // a configured key that never loaded is a 503, not a 400
            assertThrows(KeyUnavailableException.class, () -> store.current(SigningAlgorithm.RS256));
            // the problem is the log line's text: a reason, never the file's content
            String body = pem.split("\n")[1];
            assertFalse(rsaProblem.contains(body.substring(0, 20)), "no key material in the reason");
            store.reload();
            assertEquals(1, store.refusals(SigningAlgorithm.RS256), "the same problem counts once");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "not a key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n" })
    void garbageIsRefused(String content) {
        TestAsymmetricKeys.write(dir, "rsa-private-key", content);
        TestAsymmetricKeys.write(dir, "ecdsa-private-key", content);
        store.reload();
        assertNotNull(store.status(SigningAlgorithm.RS256).problem());
        assertNotNull(store.status(SigningAlgorithm.ES256).problem());
        assertFalse(store.anyLoaded());
    }

    @Test
    void anRsaKeyInTheEcdsaFileIsRefused() {
        TestAsymmetricKeys.write(dir, "ecdsa-private-key", TestAsymmetricKeys.pkcs8(TestAsymmetricKeys.RSA));
        TestAsymmetricKeys.write(dir, "rsa-private-key", TestAsymmetricKeys.sec1(TestAsymmetricKeys.EC));
        store.reload();
        assertFalse(store.anyLoaded());
    }

    @Test
    void rotatesAfterTwoEqualReadsAndKeepsTheLastGoodKey() {
        KeyPair first = TestAsymmetricKeys.RSA;
        KeyPair second = TestAsymmetricKeys.rsa(2048);
        TestAsymmetricKeys.write(dir, "rsa-private-key", TestAsymmetricKeys.pkcs8(first));
        store.reload();
        String old = store.current(SigningAlgorithm.RS256).fingerprint();

        TestAsymmetricKeys.write(dir, "rsa-private-key", TestAsymmetricKeys.pkcs1(second));
        store.reload();
        assertEquals(old, store.current(SigningAlgorithm.RS256).fingerprint(), "one read is not enough");
        store.reload();
        assertEquals(SharedSecret.fingerprint(second.getPublic().getEncoded()), store.current(SigningAlgorithm.RS256).fingerprint());
        assertEquals(old, store.previous(SigningAlgorithm.RS256).fingerprint());

        TestAsymmetricKeys.write(dir, "rsa-private-key", "garbage");
        store.reload();
        assertEquals(SharedSecret.fingerprint(second.getPublic().getEncoded()), store.current(SigningAlgorithm.RS256).fingerprint());
        assertNotNull(store.status(SigningAlgorithm.RS256).problem());
    }
}
