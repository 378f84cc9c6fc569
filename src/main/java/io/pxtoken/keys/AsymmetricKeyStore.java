package io.pxtoken.keys;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.pxtoken.config.PxTokenConfig;
import io.quarkus.runtime.Startup;

/**
 * Holds the optional RSA and ECDSA private keys, {@code <pxtoken.keys.dir>/rsa-private-key} and
 * {@code ecdsa-private-key}, and follows their rotation the way {@link SharedSecretStore} follows the shared secret:
 * polled, a changed file adopted after two equal reads, an unusable file never replacing a good key. An absent file
 * is not a problem (the key is simply not offered); a present file that cannot be used is logged (never its
 * content), counted in {@link #refusals(SigningAlgorithm)} and reported in {@link #status(SigningAlgorithm)}.
 */
@Startup
@ApplicationScoped
public class AsymmetricKeyStore {

    static final int MAX_BYTES = 64 * 1024;
    /** The algorithms this store holds keys for. */
    public static final List<SigningAlgorithm> ALGORITHMS = List.of(SigningAlgorithm.RS256, SigningAlgorithm.ES256);

    private static final Logger LOG = Logger.getLogger(AsymmetricKeyStore.class);

    private final Path dir;
    private final Duration reloadInterval;
    private final Clock clock;
    private final Map<SigningAlgorithm, Slot> slots = new EnumMap<>(SigningAlgorithm.class);
    private KeyFilePoller poller;

    /** One key file: the key in use, the previous one, and what is wrong with the file now. */
    private static final class Slot {
        final Path file;
        volatile AsymmetricKey current;
        volatile AsymmetricKey previous;
        volatile String problem;
        volatile boolean present;
        final KeyFilePoller.Adoption adoption = new KeyFilePoller.Adoption();
        final AtomicLong refusals = new AtomicLong();

        Slot(Path file) {
            this.file = file;
        }
    }

    @Inject
    public AsymmetricKeyStore(PxTokenConfig config, Clock clock) {
        this(config.keys().dir(), config.keys().reloadInterval(), clock);
    }

    AsymmetricKeyStore(Path dir, Duration reloadInterval, Clock clock) {
        this.dir = dir;
        this.reloadInterval = reloadInterval;
        this.clock = clock;
        for (SigningAlgorithm a : ALGORITHMS) {
            slots.put(a, new Slot(dir.resolve(a.fileName())));
        }
    }

    @PostConstruct
    void start() {
        reload();
        poller = KeyFilePoller.start("pxkeys-asymmetric-reload", reloadInterval, this::reload,
                "the asymmetric keys in " + dir, LOG);
    }

    @PreDestroy
    void stop() {
        if (poller != null) {
            poller.stop();
        }
    }

    /**
     * The key that signs {@code algorithm} now.
     *
     * @throws KeyNotLoadedException when its file is absent (400: the deployment does not offer it)
     * @throws KeyUnavailableException when its file is present but was never usable (503 until fixed)
     */
    public AsymmetricKey current(SigningAlgorithm algorithm) {
        Slot s = slot(algorithm);
        AsymmetricKey k = s.current;
        if (k != null) {
            return k;
        }
        if (s.present) {
            throw new KeyUnavailableException(s.problem);
        }
        throw new KeyNotLoadedException(algorithm, "no " + algorithm + " key is loaded: " + s.file
                + " does not exist (add the " + algorithm.fileName() + " key to the mounted keys Secret)");
    }

    /** The key in use for {@code algorithm}, or null. */
    public AsymmetricKey loaded(SigningAlgorithm algorithm) {
        return slot(algorithm).current;
    }

    /** The key used before the last rotation this process saw, or null; kept in memory only. */
    public AsymmetricKey previous(SigningAlgorithm algorithm) {
        return slot(algorithm).previous;
    }

    /** True when any asymmetric key is loaded. */
    public boolean anyLoaded() {
        return ALGORITHMS.stream().anyMatch(a -> slot(a).current != null);
    }

    /** How many times the file was found unusable since start (each new problem once). */
    public long refusals(SigningAlgorithm algorithm) {
        return slot(algorithm).refusals.get();
    }

    /** Whether the file exists now. */
    public boolean configured(SigningAlgorithm algorithm) {
        return slot(algorithm).present;
    }

    public KeyStatus status(SigningAlgorithm algorithm) {
        Slot s = slot(algorithm);
        AsymmetricKey k = s.current;
        return k == null ? new KeyStatus(s.file, null, null, s.problem) : new KeyStatus(s.file, k.fingerprint(), k.loadedAt(), s.problem);
    }

    private Slot slot(SigningAlgorithm algorithm) {
        Slot s = slots.get(algorithm);
        if (s == null) {
            throw new IllegalArgumentException(algorithm + " is not an asymmetric algorithm");
        }
        return s;
    }

    /** Reads both files once and applies what they hold; the poller calls this, tests may too. */
    synchronized void reload() {
        for (SigningAlgorithm a : ALGORITHMS) {
            reload(a, slots.get(a));
        }
    }

    private void reload(SigningAlgorithm algorithm, Slot s) {
        byte[] bytes;
        try {
            bytes = read(s.file);
        } catch (IOException e) {
            s.present = true;
            report(s, s.file + " cannot be read (" + e.getClass().getSimpleName() + ")");
            return;
        }
        s.present = bytes != null;
        if (bytes == null) {
            // an absent file offers nothing; a key already loaded stays, as the shared secret does
            s.adoption.reset();
            report(s, s.current == null ? null : s.file + " does not exist any more");
            return;
        }
        if (bytes.length > MAX_BYTES) {
            report(s, s.file + " is larger than " + MAX_BYTES + " bytes; it is not a private key");
            return;
        }
        AsymmetricKey next;
        try {
            next = AsymmetricKey.read(algorithm, bytes, clock.instant());
        } catch (IllegalArgumentException e) {
            report(s, s.file + " " + e.getMessage());
            return;
        }
        AsymmetricKey old = s.current;
        if (old != null && old.equals(next)) {
            s.adoption.reset();
            report(s, null);
            return;
        }
        if (!s.adoption.adopt(old == null, bytes)) {
            return;
        }
        s.previous = old;
        s.current = next;
        s.problem = null;
        if (old == null) {
            LOG.infof("Loaded the %s key from %s (fingerprint %s)", algorithm, s.file, next.fingerprint());
        } else {
            LOG.infof("The %s key in %s changed: now signing with key %s (was %s)", algorithm, s.file, next.fingerprint(),
                    old.fingerprint());
        }
    }

    private static byte[] read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private void report(Slot s, String newProblem) {
        if (Objects.equals(s.problem, newProblem)) {
            return;
        }
        s.problem = newProblem;
        AsymmetricKey k = s.current;
        if (newProblem == null) {
            if (k != null) {
                LOG.infof("%s is usable again; key %s still in use", s.file, k.fingerprint());
            }
            return;
        }
        s.refusals.incrementAndGet();
        if (k == null) {
            LOG.errorf("Refusing %s. Minting with its algorithm answers 503 until it is fixed", newProblem);
        } else {
            LOG.warnf("Keeping key %s: %s", k.fingerprint(), newProblem);
        }
    }
}
