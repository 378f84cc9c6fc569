package io.pxtoken;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Temporary directories that go when the test JVM exits: key directories live as long as the Quarkus application of
 * a test profile, which outlives any one test, so JUnit's {@code @TempDir} cannot hold them. Without this every run
 * of the suite left about a hundred directories of keys in /tmp.
 */
public final class TempDirs {

    private static final List<Path> CREATED = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> CREATED.forEach(TempDirs::delete), "temp-dirs-cleanup"));
    }

    private TempDirs() {
    }

    /** A new directory under java.io.tmpdir, deleted with everything in it when the JVM exits. */
    public static Path create(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            CREATED.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort at exit: a directory left behind is harmless
        }
    }
}
