package io.pxtoken.keys;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.pxtoken.config.PxTokenConfig;
import io.quarkus.runtime.Startup;

/**
 * Holds the shared secret read from {@code <pxtoken.keys.dir>/shared-secret} and follows its rotation.
 * <p>
 * Kubernetes updates a mounted Secret by swapping a {@code ..data} symlink, so a plain re-read sees either the old
 * or the new value. The file is polled; a changed value is adopted once two consecutive reads agree, so a file
 * caught mid-write is never used. A file that vanishes, empties or turns too short never replaces a good key:
 * the last good key stays in use and {@link #status()} reports the problem.
 */
@Startup
@ApplicationScoped
public class SharedSecretStore {

    public static final String FILE_NAME = "shared-secret";
    /** HS256 wants a key at least as long as its 256-bit output (RFC 7518, section 3.2). */
    public static final int MIN_BYTES = 32;
    static final int MAX_BYTES = 64 * 1024;

    private static final Logger LOG = Logger.getLogger(SharedSecretStore.class);

    private final Path file;
    private final boolean allowWeak;
    private final boolean generateIfMissing;
    private final Duration reloadInterval;
    private final Clock clock;

    private volatile SharedSecret current;
    private volatile SharedSecret previous;
    private volatile String problem;
    private volatile boolean present;
    private final KeyFilePoller.Adoption adoption = new KeyFilePoller.Adoption();
    private KeyFilePoller poller;
    private final List<Consumer<SharedSecret>> listeners = new CopyOnWriteArrayList<>();

    @Inject
    public SharedSecretStore(PxTokenConfig config, Clock clock) {
        this(config.keys().dir(), config.keys().allowWeakSecret(), config.keys().generateIfMissing(),
                config.keys().reloadInterval(), clock);
    }

    SharedSecretStore(Path dir, boolean allowWeak, boolean generateIfMissing, Duration reloadInterval, Clock clock) {
        this.file = dir.resolve(FILE_NAME);
        this.allowWeak = allowWeak;
        this.generateIfMissing = generateIfMissing;
        this.reloadInterval = reloadInterval;
        this.clock = clock;
    }

    @PostConstruct
    void start() {
        if (allowWeak) {
            LOG.warnf("pxtoken.keys.allow-weak-secret is on: a shared secret shorter than %d bytes will be accepted", MIN_BYTES);
        }
        if (generateIfMissing && !Files.exists(file)) {
            generate();
        }
        reload();
        poller = KeyFilePoller.start("pxkeys-reload", reloadInterval, this::reload, file.toString(), LOG);
    }

    @PreDestroy
    void stop() {
        if (poller != null) {
            poller.stop();
        }
    }

    /** @throws KeyUnavailableException when no usable secret was ever loaded */
    public SharedSecret current() {
        SharedSecret s = current;
        if (s == null) {
            throw new KeyUnavailableException(problem);
        }
        return s;
    }

    /**
     * The key used before the last rotation this process saw, or null: kept in memory only, so that tokens signed
     * with it can be read and re-signed with the new one.
     */
    public SharedSecret previous() {
        return previous;
    }

    /** Calls {@code listener} with the key in use now (if any) and with each key adopted after it. */
    public void onChange(Consumer<SharedSecret> listener) {
        listeners.add(listener);
        SharedSecret s = current;
        if (s != null) {
            listener.accept(s);
        }
    }

    /** Whether the file existed at the last read: absent, HS256 is simply not offered when another key is. */
    public boolean configured() {
        return present;
    }

    /** The file read. */
    public Path file() {
        return file;
    }

    public KeyStatus status() {
        SharedSecret s = current;
        return s == null
                ? new KeyStatus(file, null, null, problem)
                : new KeyStatus(file, s.fingerprint(), s.loadedAt(), problem);
    }

    /** Reads the file once and applies what it finds; the poller calls this, tests may too. */
    synchronized void reload() {
        byte[] bytes;
        try {
            bytes = read();
        } catch (IOException e) {
            report(file + " cannot be read (" + e.getClass().getSimpleName() + ")");
            return;
        }
        present = bytes != null;
        String refusal = refusal(bytes);
        if (refusal != null) {
            report(file + " " + refusal);
            return;
        }
        SharedSecret s = current;
        if (s != null && s.sameBytes(bytes)) {
            adoption.reset();
            report(null);
            return;
        }
        if (!adoption.adopt(s == null, bytes)) {
            return;
        }
        SharedSecret next = new SharedSecret(bytes, clock.instant());
        previous = s;
        current = next;
        problem = null;
        if (s == null) {
            LOG.infof("Loaded the shared secret from %s (fingerprint %s, %d bytes)", file, next.fingerprint(), next.length());
        } else {
            LOG.infof("The shared secret in %s changed: now signing with key %s (was %s)", file, next.fingerprint(), s.fingerprint());
        }
        listeners.forEach(l -> l.accept(next));
        if (next.length() < MIN_BYTES) {
            LOG.warnf("The shared secret %s is only %d bytes long; use at least %d", next.fingerprint(), next.length(), MIN_BYTES);
        }
    }

    private byte[] read() throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private String refusal(byte[] bytes) {
        if (bytes == null) {
            return "does not exist (mount the shared-secret key of the pxkeys Secret there)";
        }
        if (bytes.length == 0) {
            return "is empty";
        }
        if (bytes.length > MAX_BYTES) {
            return "is larger than " + MAX_BYTES + " bytes; it is not a shared secret";
        }
        if (bytes.length < MIN_BYTES && !allowWeak) {
            return "holds a " + bytes.length + "-byte secret; at least " + MIN_BYTES
                    + " bytes are required (pxtoken.keys.allow-weak-secret=true accepts it)";
        }
        return null;
    }

    private void report(String newProblem) {
        if (Objects.equals(problem, newProblem)) {
            return;
        }
        problem = newProblem;
        SharedSecret s = current;
        if (newProblem == null) {
            LOG.infof("%s is readable again; key %s still in use", file, s == null ? "-" : s.fingerprint());
        } else if (s == null) {
            LOG.errorf("No shared secret: %s. HS256 minting answers 503 until it is fixed", newProblem);
        } else {
            LOG.warnf("Keeping key %s: %s", s.fingerprint(), newProblem);
        }
    }

    private void generate() {
        byte[] random = new byte[48];
        new SecureRandom().nextBytes(random);
        byte[] secret = Base64.getEncoder().encodeToString(random).getBytes(StandardCharsets.US_ASCII);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".shared-secret", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, secret);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            LOG.infof("Generated a development shared secret in %s (fingerprint %s). Never use it in a cluster",
                    file.toAbsolutePath(), SharedSecret.fingerprint(secret));
        } catch (IOException | UnsupportedOperationException e) {
            LOG.errorf("Could not write a development shared secret to %s: %s", file, e.getClass().getSimpleName());
        }
    }
}
