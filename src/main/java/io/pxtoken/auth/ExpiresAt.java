package io.pxtoken.auth;

import java.util.function.ToLongFunction;

import com.github.benmanes.caffeine.cache.Expiry;

/**
 * A Caffeine expiry for entries that know when they end, in the cache ticker's nanoseconds: an entry lives until then,
 * and reading it does not extend it. The reviews of {@link KubernetesIdentityProvider} and the bearers of
 * {@link VerifiedBearers} end this way.
 */
final class ExpiresAt<K, V> implements Expiry<K, V> {

    private final ToLongFunction<V> untilNanos;

    ExpiresAt(ToLongFunction<V> untilNanos) {
        this.untilNanos = untilNanos;
    }

    @Override
    public long expireAfterCreate(K key, V value, long now) {
        return Math.max(0, untilNanos.applyAsLong(value) - now);
    }

    @Override
    public long expireAfterUpdate(K key, V value, long now, long current) {
        return Math.max(0, untilNanos.applyAsLong(value) - now);
    }

    @Override
    public long expireAfterRead(K key, V value, long now, long current) {
        return current;
    }
}
