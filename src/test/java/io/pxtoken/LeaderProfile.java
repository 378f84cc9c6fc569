package io.pxtoken;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The configuration of a test whose replica leads against the mock API server: keys in a directory of their own
 * (no generated key), the Kubernetes client, renewal and {@link QuickLease}'s leader election on, and the mock
 * server's log of every request quiet (a test that polls would fill the console with it). Each test adds what it is
 * about:
 *
 * <pre>{@code
 * LeaderProfile p = LeaderProfile.sharedSecret(FIRST).namespaces("test").tenants().tick("50ms");
 * dir = p.keysDir();
 * return p.with("pxtoken.tenants.excluded-namespaces", "team-excluded").build();
 * }</pre>
 */
public final class LeaderProfile {

    private final Map<String, String> settings = new HashMap<>();

    private LeaderProfile(Map<String, String> keys) {
        settings.putAll(keys);
        settings.put("pxtoken.keys.generate-if-missing", "false");
        settings.put("pxtoken.kubernetes.enabled", "true");
        settings.put("pxtoken.renewal.enabled", "true");
        settings.put("quarkus.log.category.\"io.fabric8.mockwebserver\".level", "WARN");
        settings.putAll(QuickLease.SETTINGS);
    }

    /** Keys: a new directory holding {@code secret} as the shared secret ({@link TestKeys#profile}). */
    public static LeaderProfile sharedSecret(String secret) {
        return new LeaderProfile(TestKeys.profile(secret));
    }

    /** Keys: what {@code keys} says ({@link TestKeys#profile}, {@link TestAsymmetricKeys#profile}). */
    public static LeaderProfile keys(Map<String, String> keys) {
        return new LeaderProfile(keys);
    }

    /** {@code pxtoken.secrets.namespaces}: where Secrets may be written (comma-separated). */
    public LeaderProfile namespaces(String namespaces) {
        return with("pxtoken.secrets.namespaces", namespaces);
    }

    /** {@code pxtoken.tenants.enabled}: the tenant lane (ClusterPxTokens, tenant namespaces). */
    public LeaderProfile tenants() {
        return with("pxtoken.tenants.enabled", "true");
    }

    /** {@code pxtoken.renewal.tick}: how often the renewal controller wakes (the test clock decides what is due). */
    public LeaderProfile tick(String tick) {
        return with("pxtoken.renewal.tick", tick);
    }

    public LeaderProfile with(String key, String value) {
        settings.put(key, value);
        return this;
    }

    /** The keys directory, for a test that rotates the files in it. */
    public Path keysDir() {
        return Path.of(settings.get("pxtoken.keys.dir"));
    }

    public Map<String, String> build() {
        return Map.copyOf(settings);
    }
}
