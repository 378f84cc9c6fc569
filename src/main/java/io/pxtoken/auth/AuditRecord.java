package io.pxtoken.auth;

import java.util.List;

import io.pxtoken.kube.SecretTarget;
import io.pxtoken.token.IssuedToken;
import io.pxtoken.token.UserClaims;

/**
 * What one request asked and what was decided, filled in as the request goes and written once as a JSON line on
 * logger {@code io.pxtoken.audit} when the answer is sent. Holds no token and no secret: an issued token is recorded
 * by its jti, key fingerprint and algorithm only. Who called is not kept here: the audit line takes it from the request's
 * security identity.
 */
public class AuditRecord {

    String action;
    String sub;
    List<String> roles;
    List<String> groups;
    String duration;
    String secret;
    String jti;
    String keyFingerprint;
    String algorithm;
    List<String> missing;
    String problem;
    String delivered;

    public void action(String action) {
        this.action = action;
    }

    public void requested(UserClaims claims, String duration, SecretTarget target) {
        this.sub = claims.sub();
        this.roles = claims.roles();
        this.groups = claims.groups();
        this.duration = duration;
        this.secret = target == null ? null : target.namespace() + "/" + target.name() + ":" + target.key();
    }

    public void secret(String namespace, String name) {
        this.secret = namespace == null ? null : name == null ? namespace : namespace + "/" + name;
    }

    public void issued(IssuedToken token) {
        this.jti = token.jti();
        this.keyFingerprint = token.keyFingerprint();
        this.algorithm = token.algorithm();
    }

    public void missing(List<String> missing) {
        this.missing = missing;
    }

    public void problem(String code) {
        this.problem = code;
    }

    /** {@code unknown} when a Secret write was sent and its answer never came. */
    public void delivered(String delivered) {
        this.delivered = delivered;
    }
}
