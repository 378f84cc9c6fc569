package io.pxtoken.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Every setting of the service, under the prefix {@code pxtoken}. Each item can also be set from the
 * environment, e.g. {@code PXTOKEN_ISSUER} or {@code PXTOKEN_KEYS_DIR}.
 */
@ConfigMapping(prefix = "pxtoken")
public interface PxTokenConfig {

    /**
     * The {@code iss} claim of every token. Must equal the {@code -jwt_issuer} Portworx runs with
     * (the setup guide uses {@code portworx.com}); Portworx rejects any other issuer.
     */
    @WithDefault("portworx.com")
    String issuer();

    /** Token lifetime when a request gives none, in pxctl syntax ({@code 1d}, like pxctl). */
    @WithDefault("1d")
    String defaultDuration();

    /** The longest lifetime a request may ask for, in pxctl syntax. */
    @WithDefault("1y")
    String maxDuration();

    /**
     * How far {@code iat} is set in the past. Portworx allows no clock skew, so a node whose clock runs a
     * little behind would reject a token "used before issued"; the Portworx Operator backdates by 10 minutes.
     */
    @WithDefault("10m")
    Duration clockSkew();

    /** The shared secret, read from the mounted {@code pxkeys} Secret. */
    Keys keys();

    /** Which key signs. */
    Signing signing();

    /** Which Portworx roles may be put in a token. */
    Roles roles();

    /** Where tokens may be written as Kubernetes Secrets. */
    Secrets secrets();

    /** How the Kubernetes API is reached. */
    Kubernetes kubernetes();

    /** ClusterPxTokens: one token Secret per tenant namespace. */
    Tenants tenants();

    interface Tenants {
        /**
         * Follow ClusterPxTokens and write their token Secret into every namespace their selector matches, wherever it
         * is. Off by default: it needs Secret rights in every namespace ({@code k8s/components/tenants}). While off, a
         * ClusterPxToken is answered {@code Ready=False, Refused}.
         */
        @WithDefault("false")
        boolean enabled();

        /**
         * Namespaces a ClusterPxToken never writes into, on top of those it never touches whatever this says:
         * {@code kube-system}, {@code kube-public}, {@code kube-node-lease} and the service's own namespace.
         */
        Optional<List<String>> excludedNamespaces();
    }

    /** Tokens declared as PxToken and ClusterPxToken resources. */
    Declared declared();

    interface Declared {
        /**
         * Roles a declared token may carry. Unset: every role of {@code pxtoken.roles.allowed} except
         * {@code system.admin}, so that an admin token stays the act of an authenticated HTTP caller. A second ceiling,
         * independent of the admission policy: a PxToken asking for another role is {@code Refused}.
         */
        Optional<List<String>> roles();

        /** The ValidatingAdmissionPolicy (and its binding, of the same name) that declared tokens rely on. */
        @WithDefault("pxtoken-mint-rights")
        String admissionPolicy();
    }

    /** Proof that this service wrote a token Secret (an HMAC under a key of its own). */
    Provenance provenance();

    interface Provenance {
        /**
         * The Secret holding the provenance key, made by the service at first need. Never delete it: every proof is
         * made with it, and without it every managed token must be minted again.
         */
        @WithDefault("px-token-service-provenance")
        String secretName();

        /** Its namespace; unset: the service's own. */
        Optional<String> namespace();
    }

    interface Signing {
        /**
         * What {@code POST /v1/tokens} signs with when the request names no {@code algorithm}: {@code HS256} (the
         * shared secret), {@code RS256} ({@code rsa-private-key}) or {@code ES256} ({@code ecdsa-private-key}).
         */
        @WithDefault("HS256")
        String algorithm();

        /**
         * The algorithm every managed Secret's token carries; the leader re-signs tokens with another algorithm, or
         * signed by a key of their family that is no longer loaded. Switch it to {@code RS256} before rotating the
         * shared secret (README, "Rotating the shared secret without an outage").
         */
        @WithDefault("HS256")
        String managedAlgorithm();
    }

    interface Keys {
        /**
         * Directory holding the file {@code shared-secret} (the mounted {@code pxkeys} Secret) and, optionally,
         * {@code rsa-private-key} (PEM, PKCS#1 or PKCS#8, at least 2048 bits) and {@code ecdsa-private-key} (PEM,
         * P-256, SEC1 or PKCS#8). With an RSA or ECDSA key present, {@code shared-secret} may be absent.
         */
        @WithDefault("/var/run/secrets/pxkeys")
        Path dir();

        /**
         * Accept a shared secret shorter than 32 bytes (256 bits). Portworx accepts any length, but a short
         * HMAC key can be brute-forced; a warning is logged at start when this is on.
         */
        @WithDefault("false")
        boolean allowWeakSecret();

        /**
         * Write a random 64-character secret into {@code dir} when none exists. For local runs only:
         * the dev profile turns it on; in a cluster the secret comes from {@code pxkeys}.
         */
        @WithDefault("false")
        boolean generateIfMissing();

        /** How often the secret file is checked for rotation. A new value is adopted after two equal reads. */
        @WithDefault("1s")
        Duration reloadInterval();

        /** Name of the Kubernetes Secret holding the shared secret; tokens are never written into it. */
        @WithDefault("pxkeys")
        String secretName();
    }

    interface Roles {
        /**
         * Role names a token may carry. Portworx's built-in roles by default; add custom roles defined in
         * Portworx here. {@code system.guest} is what callers without a token get, so it is not offered.
         */
        @WithDefault("system.admin,system.user,system.view")
        List<String> allowed();

        /**
         * Per-role lifetime limits on top of {@code pxtoken.max-duration}, in pxctl syntax, e.g.
         * {@code pxtoken.roles.max-duration."system.admin"=1d}. A token is held to the shortest limit of its roles.
         */
        Map<String, String> maxDuration();
    }

    /** Who may call {@code /v1}. */
    Auth auth();

    /** Requests per caller. */
    RateLimit rateLimit();

    interface Auth {
        /**
         * Require {@code Authorization: Bearer} on every {@code /v1} endpoint: a Portworx token of this issuer, or a
         * Kubernetes token checked with a TokenReview. Health, metrics, OpenAPI and Swagger UI stay open.
         */
        @WithDefault("true")
        boolean enabled();

        /** Kubernetes callers. */
        KubernetesCallers kubernetes();

        /** Portworx tokens as callers. */
        PortworxCallers portworx();

        /** How long TokenReview and SubjectAccessReview answers are reused; never past the token's own expiry. */
        @WithDefault("10s")
        Duration cacheTtl();

        /** How long a token Kubernetes rejected is answered 401 without asking again (kept by hash, never the token). */
        @WithDefault("10s")
        Duration negativeCacheTtl();
    }

    interface PortworxCallers {
        /**
         * Accept Portworx tokens of this issuer as callers. Off by default: a cluster's callers are its service
         * accounts. When on (clusters reached from outside), a Portworx {@code system.admin} token may mint and
         * verify, never touch Secrets; anyone able to mint {@code system.admin} then holds the keys to Portworx.
         */
        @WithDefault("false")
        boolean enabled();
    }

    interface KubernetesCallers {
        /** Audiences a Kubernetes token must carry (TokenReview {@code spec.audiences}); unset: the API server's own. */
        Optional<List<String>> audiences();

        /**
         * TokenReviews in flight at once. Beyond it, a request that needs a review is answered 503 with Retry-After
         * at once; requests of callers already reviewed are not held up.
         */
        @WithDefault("8")
        int maxReviewsInFlight();
    }

    interface RateLimit {
        /**
         * Limit requests per caller identity (Kubernetes uid; for a Portworx token its issuer, sub and roles);
         * excess requests get 429 with Retry-After.
         */
        @WithDefault("true")
        boolean enabled();

        /** Sustained requests per second per caller. */
        @WithDefault("20")
        double rate();

        /** Requests a caller may make at once before the rate applies. */
        @WithDefault("40")
        int burst();

        /** Requests per client address that need a TokenReview (callers not yet reviewed), checked before the review. */
        PerAddress perAddress();
    }

    interface PerAddress {
        /** Limit requests that need a TokenReview per client address; excess requests get 429 with Retry-After. */
        @WithDefault("true")
        boolean enabled();

        /** Sustained requests per second per address. */
        @WithDefault("10")
        double rate();

        /** Requests an address may make at once before the rate applies. */
        @WithDefault("20")
        int burst();
    }

    /** HTTP connections. */
    Http http();

    /** Keeping managed tokens valid. */
    Renewal renewal();

    /** One leader among the replicas renews. */
    LeaderElection leaderElection();

    /** The controllers' runtime on the leader: renewal, declared tokens and the continuous check. */
    Controller controller();

    interface Controller {
        /**
         * Objects reconciled at once, at most: workers shared by every controller, never two on one object. Writes to
         * the API are paced by {@code pxtoken.kubernetes.qps} and {@code burst} whatever this says; more workers help
         * when reconciles wait for the API, not when they wait for the pacing.
         */
        @WithDefault("4")
        int workers();
    }

    /** Checking every token Portworx will read ({@code GET /v1/checks}, and continuously on a leader). */
    Checks checks();

    interface Checks {
        /**
         * Namespaces whose Secrets the check may read. Unset: those of {@code pxtoken.secrets.namespaces}. A Secret that
         * a StorageClass or PV names in any other namespace is reported {@code not-permitted} and never read, so the
         * service needs no cluster-wide right on Secrets. Each namespace needs {@code get} (and, for the continuous
         * check, {@code list} and {@code watch}) on Secrets for the service account.
         */
        Optional<List<String>> namespaces();

        /** A valid token that expires sooner than this is reported {@code expiring}. */
        @WithDefault("7d")
        Duration expiryWarning();

        /**
         * Run the check continuously on one replica (the leader, holder of the Lease {@code lease-name}): every
         * {@code interval}, and when a StorageClass or a managed token Secret changes. It keeps the Prometheus gauges
         * {@code pxtoken_check_secret_verdict} and {@code pxtoken_check_secret_expiration_timestamp_seconds} and records a
         * Warning Event on each StorageClass whose token will fail. Off while no namespace is there to read Secrets in
         * (see {@code namespaces}). {@code GET /v1/checks} works either way.
         */
        @WithDefault("true")
        boolean continuous();

        /** How often the continuous check runs when nothing changes. */
        @WithDefault("5m")
        Duration interval();
    }

    interface Renewal {
        /**
         * Renew managed tokens before they expire and re-sign them when the shared secret rotates, and reconcile PxTokens
         * and ClusterPxTokens. Needs a cluster and {@code pxtoken.secrets.namespaces} (or {@code pxtoken.tenants.enabled});
         * only the leader renews and reconciles.
         */
        @WithDefault("true")
        boolean enabled();

        /** How often the renewal schedule is looked at (the earliest renewal only). */
        @WithDefault("1s")
        Duration tick();

        /** The first retry of a failed renewal; each next one waits twice as long, up to {@code max-retry-interval}. */
        @WithDefault("10s")
        Duration firstRetry();

        @WithDefault("5m")
        Duration maxRetryInterval();
    }

    interface LeaderElection {
        /** The Lease's name. */
        @WithDefault("px-token-service")
        String leaseName();

        /** The Lease's namespace; unset: the service's own. */
        Optional<String> namespace();

        /** This replica's name in the Lease; unset: the pod name ({@code HOSTNAME}). */
        Optional<String> identity();

        @WithDefault("15s")
        Duration leaseDuration();

        @WithDefault("10s")
        Duration renewDeadline();

        @WithDefault("2s")
        Duration retryPeriod();
    }

    interface Http {
        /**
         * A connection that sends nothing for this long is closed, so a half-sent request does not hold it
         * (sets {@code quarkus.http.idle-timeout}).
         */
        @WithDefault("30s")
        Duration readTimeout();
    }

    interface Secrets {
        /**
         * Namespaces this service may write token Secrets into, e.g. {@code portworx}. Empty (the default) turns
         * Secret writing off. Each namespace also needs the Role of {@code k8s/} for the service account.
         */
        Optional<List<String>> namespaces();
    }

    interface Kubernetes {
        /**
         * Whether a Kubernetes cluster is configured. Unset: detected (running in a pod, a kubeconfig, or
         * {@code quarkus.kubernetes-client.api-server-url}). Without one, requests that name a Secret answer 503.
         */
        Optional<Boolean> enabled();

        /** How long one call to the Kubernetes API may take before the request fails with 504. */
        @WithDefault("10s")
        Duration timeout();

        /**
         * The leader's API writes per second at most (renewals and re-signings, declared Secrets, status, Events), so
         * that a rotation or a new leader with thousands of objects does not flood the API. Reads come from caches.
         */
        @WithDefault("20")
        double qps();

        /** Writes at once before {@code qps} applies. */
        @WithDefault("40")
        int burst();
    }
}
