package io.pxtoken.auth;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.kube.AccessCheck;
import io.pxtoken.kube.AccessReviews;
import io.pxtoken.kube.KubernetesUser;
import io.pxtoken.kube.SecretTarget;
import io.pxtoken.token.UserClaims;

/**
 * What a caller may do.
 * <ul>
 * <li>Any authenticated caller may verify tokens and read the issuer; nothing here is asked for that.</li>
 * <li>The token check ({@code GET /v1/checks}) needs {@code get checks.pxtoken.io}, or a Portworx {@code system.admin}
 * token where Portworx callers are enabled: it names every token Secret and says which will fail.</li>
 * <li>Portworx tokens (only when {@code pxtoken.auth.portworx.enabled}): {@code system.admin} may mint tokens and read the check, never
 * touch Secrets; other roles nothing else. Secret operations always need a Kubernetes identity with its own
 * {@code secrets} rights, so a token this service minted can never stand in for RBAC.</li>
 * <li>Kubernetes callers are asked of Kubernetes RBAC: minting needs verb {@code mint} in group {@code pxtoken.io} on
 * {@code roles}, {@code groups} and {@code subjects} named as requested; Secrets need the caller's own right to
 * {@code create}/{@code update}, {@code list} or {@code delete} them there, so the service never writes where its
 * caller could not.</li>
 * </ul>
 * A refusal names every missing permission in {@code kubectl auth can-i} form.
 */
@ApplicationScoped
public class CallerPolicy {

    public static final String ADMIN_ROLE = "system.admin";

    private final AccessReviews reviews;
    private final ExpiringCache<Boolean> decisions;

    public CallerPolicy(PxTokenConfig config, AccessReviews reviews, Clock clock) {
        this.reviews = reviews;
        this.decisions = new ExpiringCache<>(config.auth().cacheTtl(), clock);
    }

    /**
     * @param claims the requested claims, {@code sub} already derived
     * @param target the Secret to write, or null
     * @throws AccessDeniedException naming each missing permission
     */
    public void mayMint(Caller caller, UserClaims claims, SecretTarget target) {
        List<AccessCheck> needed = new ArrayList<>();
        for (String role : claims.roles()) {
            needed.add(AccessCheck.mint("roles", role));
        }
        if (claims.groups() != null) {
            for (String group : claims.groups()) {
                needed.add(AccessCheck.mint("groups", group));
            }
        }
        needed.add(AccessCheck.mint("subjects", claims.sub()));
        if (target != null) {
            needed.add(AccessCheck.secrets("create", target.namespace(), null));
            needed.add(AccessCheck.secrets("update", target.namespace(), target.name()));
        }
        require(caller, needed, "mint this token");
    }

    public void mayList(Caller caller, List<String> namespaces) {
        require(caller, namespaces.stream().map(ns -> AccessCheck.secrets("list", ns, null)).toList(), "list token Secrets");
    }

    /** {@code get checks.pxtoken.io}; a Portworx caller (where enabled) needs {@code system.admin}. */
    public void mayCheck(Caller caller) {
        require(caller, List.of(AccessCheck.checks()), "read the token check");
    }

    /**
     * Which namespaces' rows of the token check the caller may see: every one ({@code null}) with {@code get checks.pxtoken.io}
     * cluster-wide (or a Portworx {@code system.admin} token where enabled), else those of {@code namespaces} where it
     * has that right.
     *
     * @throws AccessDeniedException when it may see none of them
     */
    public java.util.Set<String> checkNamespaces(Caller caller, java.util.Collection<String> namespaces) {
        if (caller.kind() != Caller.Kind.KUBERNETES) {
            mayCheck(caller);
            return null;
        }
        if (allowed(caller, AccessCheck.checks())) {
            return null;
        }
        java.util.Set<String> visible = new java.util.TreeSet<>();
        for (String ns : namespaces) {
            if (allowed(caller, AccessCheck.checks(ns))) {
                visible.add(ns);
            }
        }
        if (visible.isEmpty()) {
            String need = AccessCheck.checks().canI();
            throw new AccessDeniedException(caller.name() + " may not read the token check; missing: " + need
                    + " (cluster-wide, or in a namespace of its Secrets: " + String.join(", ", new java.util.TreeSet<>(namespaces))
                    + ")", List.of(need));
        }
        return visible;
    }

    public void mayDelete(Caller caller, String namespace, String name) {
        require(caller, List.of(AccessCheck.secrets("delete", namespace, name)), "delete this Secret");
    }

    private void require(Caller caller, List<AccessCheck> needed, String what) {
        switch (caller.kind()) {
            case NONE -> {
            }
            case PORTWORX -> {
                List<String> secretRights = needed.stream().filter(c -> c.resource().equals("secrets")).map(AccessCheck::canI).toList();
                if (!secretRights.isEmpty()) {
                    throw new AccessDeniedException("A Portworx token may not " + what + ": Secrets are written, listed and "
                            + "deleted only for a Kubernetes caller with its own rights (" + String.join(", ", secretRights)
                            + "); call with a Kubernetes token (kubectl create token <serviceaccount>)", secretRights);
                }
                if (!caller.roles().contains(ADMIN_ROLE)) {
                    throw new AccessDeniedException("Only a Portworx token with role " + ADMIN_ROLE + " may " + what
                            + "; this token's roles are " + caller.roles(), List.of("role " + ADMIN_ROLE + " in the Portworx token"));
                }
            }
            case KUBERNETES -> {
                List<String> missing = new ArrayList<>();
                for (AccessCheck check : needed) {
                    if (!allowed(caller, check)) {
                        missing.add(check.canI());
                    }
                }
                if (!missing.isEmpty()) {
                    throw new AccessDeniedException(caller.name() + " may not " + what + "; missing: "
                            + String.join(", ", missing) + " (grant them with a Role or ClusterRole; see k8s/)", missing);
                }
            }
        }
    }

    private boolean allowed(Caller caller, AccessCheck check) {
        KubernetesUser u = caller.kubernetesUser();
        String key = u.username() + "|" + u.uid() + "|" + u.groups() + "|" + u.extra() + "|" + check;
        return decisions.get(key, caller.expiresAt(), () -> reviews.allowed(u, check));
    }
}
