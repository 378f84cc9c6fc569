package io.pxtoken.keys;

import java.nio.file.Path;
import java.time.Instant;

/**
 * What health and {@code GET /v1/issuer} report about the shared secret.
 *
 * @param file the file read
 * @param fingerprint fingerprint of the key in use, or {@code null} when none was ever loaded
 * @param loadedAt when that key was loaded
 * @param problem what is wrong with the file now, or {@code null}; with a fingerprint it means the last good key is kept
 */
public record KeyStatus(Path file, String fingerprint, Instant loadedAt, String problem) {

    public boolean usable() {
        return fingerprint != null;
    }
}
