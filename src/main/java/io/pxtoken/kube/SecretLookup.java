package io.pxtoken.kube;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import io.fabric8.kubernetes.api.model.Secret;

/**
 * A Secret as the check found it: there, not there, or not readable by this service. Holds the value of one key for the
 * verifier; {@link #toString()} never shows it.
 *
 * @param state what was found
 * @param hasKey whether the Secret has the key asked for
 * @param value the key's value as text, or null
 * @param managed whether this service manages the Secret and keeps its token under that key
 * @param proven whether it carries a valid proof that this service wrote it (only then is it renewed)
 * @param renewalTime when this service will renew the token, or null when it will not
 * @param refusal why the Secret could not be read (FORBIDDEN only)
 */
public record SecretLookup(State state, boolean hasKey, String value, boolean managed, boolean proven, Instant renewalTime,
        String refusal) {

    public enum State {
        FOUND,
        MISSING,
        FORBIDDEN
    }

    public static SecretLookup missing() {
        return new SecretLookup(State.MISSING, false, null, false, false, null, null);
    }

    public static SecretLookup forbidden(String refusal) {
        return new SecretLookup(State.FORBIDDEN, false, null, false, false, null, refusal);
    }

    /**
     * What the Secret holds under {@code key}, and whether this service manages (and renews) that token.
     *
     * @param proven whether the Secret's proof of provenance checks out
     */
    public static SecretLookup found(Secret s, String key, java.util.function.Predicate<Secret> proven) {
        String data = s.getData() == null ? null : s.getData().get(key);
        String value = null;
        if (data != null) {
            try {
                value = new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                value = "";
            }
        }
        boolean managed = ManagedSecrets.managed(s) && key.equals(ManagedSecrets.annotation(s, ManagedSecrets.DATA_KEY));
        boolean isProven = managed && proven.test(s);
        Instant renewal = isProven && !"false".equals(ManagedSecrets.annotation(s, ManagedSecrets.RENEW))
                ? ManagedSecrets.instantAnnotation(s, ManagedSecrets.RENEWAL_TIME) : null;
        return new SecretLookup(State.FOUND, data != null, value, managed, isProven, renewal, null);
    }

    /** The same, with no renewal to come (renewal is off, or does not cover the namespace). */
    public SecretLookup withoutRenewal() {
        return new SecretLookup(state, hasKey, value, managed, proven, null, refusal);
    }

    @Override
    public String toString() {
        return "SecretLookup[" + state + (hasKey ? ", key present" : "") + (managed ? ", managed" : "")
                + (proven ? ", proven" : "") + "]";
    }
}
