package io.pxtoken.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.pxtoken.QuietLogs;

class SharedSecretStoreTest {

    /** What this test provokes on purpose stays off the console (printed if a test fails). */
    @RegisterExtension
    static final QuietLogs QUIET = new QuietLogs("io.pxtoken.keys.SharedSecretStore");

    static final String SECRET_A = "A".repeat(63) + "a";
    static final String SECRET_B = "B".repeat(63) + "b";

    @TempDir
    Path dir;
    private SharedSecretStore store;

    @AfterEach
    void stop() {
        if (store != null) {
            store.stop();
        }
    }

    private SharedSecretStore start(boolean allowWeak, boolean generate) {
        // a long interval: these tests drive reload() themselves
        store = new SharedSecretStore(dir, allowWeak, generate, Duration.ofHours(1), Clock.systemUTC());
        store.start();
        return store;
    }

    private void write(String secret) throws IOException {
        Files.writeString(dir.resolve(SharedSecretStore.FILE_NAME), secret, StandardCharsets.UTF_8);
    }

    @Test
    void loadsTheBytesExactly() throws IOException {
        write(SECRET_A + "\n");
        SharedSecret s = start(false, false).current();
        assertEquals(65, s.length(), "a trailing newline is part of the key");
        assertEquals(SharedSecret.fingerprint((SECRET_A + "\n").getBytes(StandardCharsets.UTF_8)), s.fingerprint());
        assertEquals(16, s.fingerprint().length());
        assertFalse(s.toString().contains(SECRET_A));
    }

    @Test
    void fingerprintIsTheFirst16HexOfSha256() {
        // printf %s abc | sha256sum -> ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        assertEquals("ba7816bf8f01cfea", SharedSecret.fingerprint("abc".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aMissingFileLeavesTheServiceWithoutKeyAndSaysWhichFile() {
        start(false, false);
        KeyUnavailableException e = assertThrows(KeyUnavailableException.class, store::current);
        assertTrue(e.getMessage().contains(dir.resolve("shared-secret").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertFalse(store.status().usable());
    }

    @Test
    void anEmptyFileIsRefused() throws IOException {
        write("");
        start(false, false);
        assertTrue(assertThrows(KeyUnavailableException.class, store::current).getMessage().contains("is empty"));
    }

    @Test
    void aWeakSecretIsRefusedWithoutShowingIt() throws IOException {
        write("my_shared_secret");
        start(false, false);
        KeyUnavailableException e = assertThrows(KeyUnavailableException.class, store::current);
        assertTrue(e.getMessage().contains("16-byte secret; at least 32 bytes"), e.getMessage());
        assertFalse(e.getMessage().contains("my_shared_secret"));
    }

    @Test
    void aWeakSecretIsAcceptedWhenAllowed() throws IOException {
        write("my_shared_secret");
        assertEquals(16, start(true, false).current().length());
    }

    @Test
    void followsRotationOnceTwoReadsAgree() throws IOException {
        write(SECRET_A);
        start(false, false);
        String a = store.current().fingerprint();
        write(SECRET_B);
        store.reload();
        assertEquals(a, store.current().fingerprint(), "one read of a new value is not enough");
        store.reload();
        assertEquals(SharedSecret.fingerprint(SECRET_B.getBytes(StandardCharsets.UTF_8)), store.current().fingerprint());
    }

    @Test
    void followsAKubernetesStyleSymlinkSwap() throws IOException {
        Path v1 = Files.createDirectory(dir.resolve("..2026_11_29_v1"));
        Files.writeString(v1.resolve("shared-secret"), SECRET_A);
        Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
        Files.createSymbolicLink(dir.resolve("shared-secret"), Path.of("..data/shared-secret"));
        start(false, false);
        assertEquals(SharedSecret.fingerprint(SECRET_A.getBytes(StandardCharsets.UTF_8)), store.current().fingerprint());

        Path v2 = Files.createDirectory(dir.resolve("..2026_11_29_v2"));
        Files.writeString(v2.resolve("shared-secret"), SECRET_B);
        Path tmp = dir.resolve("..data_tmp");
        Files.createSymbolicLink(tmp, v2.getFileName());
        Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        store.reload();
        store.reload();
        assertEquals(SharedSecret.fingerprint(SECRET_B.getBytes(StandardCharsets.UTF_8)), store.current().fingerprint());
    }

    @Test
    void aVanishedOrBrokenFileKeepsTheLastGoodKey() throws IOException {
        write(SECRET_A);
        start(false, false);
        String good = store.current().fingerprint();

        Files.delete(dir.resolve("shared-secret"));
        store.reload();
        store.reload();
        assertEquals(good, store.current().fingerprint());
        assertTrue(store.status().problem().contains("does not exist"));
        assertTrue(store.status().usable());

        write("half");
        store.reload();
        store.reload();
        assertEquals(good, store.current().fingerprint());
        assertTrue(store.status().problem().contains("4-byte secret"));

        write("");
        store.reload();
        store.reload();
        assertEquals(good, store.current().fingerprint());

        write(SECRET_A);
        store.reload();
        assertNull(store.status().problem());
        assertEquals(good, store.current().fingerprint());
    }

    @Test
    void theBackgroundPollerAdoptsARotationWithinSeconds() throws Exception {
        write(SECRET_A);
        store = new SharedSecretStore(dir, false, false, Duration.ofMillis(100), Clock.systemUTC());
        store.start();
        write(SECRET_B);
        String expected = SharedSecret.fingerprint(SECRET_B.getBytes(StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!expected.equals(store.current().fingerprint()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(expected, store.current().fingerprint());
    }

    @Test
    void generatesAPrivateDevSecretWhenAsked() throws IOException {
        SharedSecret s = start(false, true).current();
        Path file = dir.resolve("shared-secret");
        assertEquals(64, Files.size(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(Files.readString(file).matches("[A-Za-z0-9+/]{64}"));
        assertNotNull(s.fingerprint());
    }

    @Test
    void neverOverwritesAnExistingSecret() throws IOException {
        write(SECRET_A);
        start(false, true);
        assertEquals(SECRET_A, Files.readString(dir.resolve("shared-secret")));
    }
}
