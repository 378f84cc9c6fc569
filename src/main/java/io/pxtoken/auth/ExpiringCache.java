package io.pxtoken.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

/**
 * Access decisions reused for {@code pxtoken.auth.cache-ttl}, and never past the expiry of the credential they are
 * about. A TTL of zero turns caching off. Failures are not cached.
 */
final class ExpiringCache<V> {

    private record Entry<V>(V value, long untilNanos) {
    }

    private final Cache<String, Entry<V>> cache;
    private final ConcurrentHashMap<String, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final Clock clock;

    ExpiringCache(Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
        this.cache = Caffeine.newBuilder()
                .maximumSize(10_000)
                .ticker(this::now)
                .expireAfter(new Expiry<String, Entry<V>>() {
                    @Override
                    public long expireAfterCreate(String key, Entry<V> e, long currentTime) {
                        return Math.max(0, e.untilNanos() - currentTime);
                    }

                    @Override
                    public long expireAfterUpdate(String key, Entry<V> e, long currentTime, long currentDuration) {
                        return Math.max(0, e.untilNanos() - currentTime);
                    }

                    @Override
                    public long expireAfterRead(String key, Entry<V> e, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    /**
     * @param credentialExpiry when the credential the value is about expires, or null when unknown
     * @param load computes the value when it is not cached (its exceptions propagate and nothing is cached)
     */
    V get(String key, Instant credentialExpiry, Supplier<V> load) {
        if (ttl.isZero()) {
            return load.get();
        }
        Entry<V> cached = cache.getIfPresent(key);
        if (cached != null && cached.untilNanos() > now()) {
            return cached.value();
        }
        // one load per key at a time: requests that find the entry gone together wait for that one answer instead
        // of each asking the API server; a failed load caches nothing (its waiters get the same failure)
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            V value = load.get();
            long now = now();
            long until = now + ttl.toNanos();
            if (credentialExpiry != null) {
                until = Math.min(until, nanos(credentialExpiry));
            }
            if (until > now) {
                cache.put(key, new Entry<>(value, until));
            }
            mine.complete(value);
            return value;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private long now() {
        return nanos(clock.instant());
    }

    private static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
