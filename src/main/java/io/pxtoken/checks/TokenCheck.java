package io.pxtoken.checks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.kube.SecretLookup;
import io.pxtoken.kube.StorageObjects;
import io.pxtoken.kube.StorageObjects.ClaimInfo;
import io.pxtoken.kube.StorageObjects.StorageClassInfo;
import io.pxtoken.kube.StorageObjects.VolumeInfo;
import io.pxtoken.kube.TokenSecrets;
import io.pxtoken.provenance.Provenance;
import io.pxtoken.token.TokenVerifier;

/**
 * One run of the check: reads the StorageClasses, PVs and PVCs, finds every Secret Portworx would read a token from,
 * reads those in {@code pxtoken.checks.namespaces} (only those), and judges each token with Portworx's verifier at the
 * service's time. The tokens stay in this method; only verdicts leave it.
 */
@ApplicationScoped
public class TokenCheck {

    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    /** A run's report and the StorageClasses it read (for Events on them). */
    public record Run(CheckReport report, List<StorageClassInfo> storageClasses) {
    }

    private final StorageObjects storage;
    private final TokenSecrets secrets;
    private final TokenVerifier verifier;
    private final Clock clock;
    private final List<String> namespaces;
    private final Duration expiryWarning;
    /** Namespaces whose managed Secrets the renewal leader renews (none when renewal is off). */
    private final List<String> renewed;
    private final Provenance provenance;

    public TokenCheck(PxTokenConfig config, StorageObjects storage, TokenSecrets secrets, TokenVerifier verifier, Clock clock,
            Provenance provenance) {
        this.provenance = provenance;
        this.storage = storage;
        this.secrets = secrets;
        this.verifier = verifier;
        this.clock = clock;
        this.namespaces = namespaces(config);
        this.expiryWarning = config.checks().expiryWarning();
        this.renewed = config.renewal().enabled() ? config.secrets().namespaces().orElse(List.of()) : List.of();
    }

    /** {@code pxtoken.checks.namespaces}, or else {@code pxtoken.secrets.namespaces}. */
    public static List<String> namespaces(PxTokenConfig config) {
        return config.checks().namespaces().filter(l -> !l.isEmpty())
                .orElseGet(() -> config.secrets().namespaces().orElse(List.of()));
    }

    /** The namespaces whose Secrets are read. */
    public List<String> namespaces() {
        return namespaces;
    }

    /**
     * @throws io.pxtoken.kube.KubernetesUnavailableException when Kubernetes cannot be read
     * @throws io.pxtoken.keys.KeyUnavailableException when no shared secret is loaded
     */
    public Run run() {
        return run(storage.storageClasses(), storage.persistentVolumes(), storage.claims());
    }

    /**
     * A run over StorageClasses, PVs and PVCs already read (the leader's caches); only the referenced Secrets are read.
     *
     * @throws io.pxtoken.kube.KubernetesUnavailableException when a Secret cannot be read
     */
    public Run run(List<StorageClassInfo> classes, List<VolumeInfo> volumes, List<ClaimInfo> claims) {
        SortedMap<SecretRef, List<Referrer>> refs = SecretReferences.find(classes, volumes, claims);
        Instant now = clock.instant();
        List<CheckedSecret> items = new ArrayList<>();
        for (Map.Entry<SecretRef, List<Referrer>> e : refs.entrySet()) {
            SecretRef ref = e.getKey();
            boolean permitted = namespaces.contains(ref.namespace());
            SecretLookup found = !permitted ? null
                    : valid(ref) ? secrets.lookup(ref.namespace(), ref.name(), ref.key(), this::proven) : SecretLookup.missing();
            if (found != null && !renewed.contains(ref.namespace())) {
                found = found.withoutRenewal();
            }
            items.add(Verdicts.judge(ref, e.getValue(), permitted, found, verifier::verify, now, expiryWarning,
                    "Namespace " + ref.namespace() + " is not in pxtoken.checks.namespaces " + namespaces
                            + "; the service does not read Secrets there"));
        }
        return new Run(new CheckReport(now, List.copyOf(items)), classes);
    }

    /** Whether this service provably wrote the Secret; when the provenance key cannot be had, it cannot say so. */
    private boolean proven(io.fabric8.kubernetes.api.model.Secret s) {
        try {
            return provenance.check(s) == Provenance.Status.PROVEN;
        } catch (io.pxtoken.kube.KubernetesUnavailableException e) {
            return false;
        }
    }

    /** A name Kubernetes could hold: anything else is asked of nobody and simply not there. */
    private static boolean valid(SecretRef ref) {
        return ref.namespace().length() <= 63 && NAMESPACE.matcher(ref.namespace()).matches()
                && ref.name().length() <= 253 && NAME.matcher(ref.name()).matches();
    }
}
