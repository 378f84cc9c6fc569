package io.pxtoken.renewal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.pxtoken.TestAsymmetricKeys;
import io.pxtoken.keys.KeyUnavailableException;
import io.pxtoken.keys.SharedSecret;
import io.pxtoken.keys.SigningAlgorithm;
import io.pxtoken.token.IssuedToken;
import io.pxtoken.token.TestIssuers;
import io.pxtoken.token.TokenIssuer;
import io.pxtoken.token.TokenVerifier;
import io.pxtoken.token.UserClaims;
import io.pxtoken.token.Verification;

/**
 * Rotating the shared secret under a simulated Portworx fleet (issue 23, item 5). Each node is the project's
 * Portworx-exact verifier holding its own key set, as a node holds what it read at start; nodes restart one at a time
 * from (old secret + RSA public key) to (new secret + RSA public key), while 200 managed tokens are checked on every
 * node after every step. The service side is the production decision ({@link ManagedAlgorithm#needsResigning}) and the
 * production signer ({@link TokenIssuer}), re-signing at most {@link #QPS} tokens per step as the renewal pacer does;
 * the Kubernetes side (Secrets, informers, the controller's queue) is not part of this simulation.
 * <p>
 * With the bridge (managed-algorithm RS256 before the rotation) no (Secret, node) check is refused; with the bridge
 * off (HS256 throughout, re-signed as soon as the service sees the new secret) refusals show, so the test can fail.
 */
class RotationFleetTest {

    static final String ISSUER = "portworx.com";
    static final int SECRETS = 200;
    static final int NODES = 5;
    static final int QPS = 20;
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_800_000_000L), ZoneOffset.UTC);
    static final SharedSecret OLD = secret("old-shared-secret-0123456789abcdef0123456789");
    static final SharedSecret NEW = secret("new-shared-secret-fedcba9876543210fedcba9876");
    static final KeyPair RSA = TestAsymmetricKeys.RSA;

    @BeforeAll
    static void smallryeConfig() {
        System.setProperty("smallrye.jwt.sign.relax-key-validation", "true");
        System.setProperty("smallrye.jwt.new-token.add-default-claims", "false");
    }

    static SharedSecret secret(String s) {
        return new SharedSecret(s.getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
    }

    /** One Portworx node: the keys it read at its last start. */
    static final class Node {
        SharedSecret secret;
        PublicKey rsa;

        Node(SharedSecret secret, PublicKey rsa) {
            this.secret = secret;
            this.rsa = rsa;
        }
    }

    /** The service: its keys now, the managed algorithm, and the 200 Secrets' tokens. */
    static final class Service {
        SharedSecret secret = OLD;
        SigningAlgorithm managed = SigningAlgorithm.HS256;
        final TokenIssuer issuer = TestIssuers.issuer(ISSUER, () -> secret, () -> RSA, CLOCK);
        final List<IssuedToken> secrets = new ArrayList<>();
        int resigned;

        String managedFingerprint() {
            return managed == SigningAlgorithm.HS256 ? secret.fingerprint()
                    : io.pxtoken.keys.AsymmetricKey.of(SigningAlgorithm.RS256, RSA, Instant.EPOCH).fingerprint();
        }

        /** One pacer step of the renewal leader: at most QPS Secrets whose key is not the managed one. */
        int renewStep() {
            String fp = managedFingerprint();
            int done = 0;
            for (int i = 0; i < secrets.size() && done < QPS; i++) {
                IssuedToken t = secrets.get(i);
                if (ManagedAlgorithm.needsResigning(t.keyFingerprint(), fp)) {
                    secrets.set(i, issuer.issue(issuer.check(t.claims(), null), managed));
                    done++;
                }
            }
            resigned += done;
            return done;
        }

        boolean converged() {
            String fp = managedFingerprint();
            return secrets.stream().noneMatch(t -> ManagedAlgorithm.needsResigning(t.keyFingerprint(), fp));
        }
    }

    /** The fleet and the count of refused (Secret, node) checks. */
    static final class Fleet {
        final List<Node> nodes = new ArrayList<>();
        final TokenVerifier verifier = new TokenVerifier(ISSUER, () -> {
            throw new KeyUnavailableException("unused");
        }, a -> null, CLOCK);
        long checks;
        long refused;

        Fleet(SharedSecret secret, PublicKey rsa) {
            for (int i = 0; i < NODES; i++) {
                nodes.add(new Node(secret, rsa));
            }
        }

        void poll(Service service) {
            for (IssuedToken t : service.secrets) {
                for (Node n : nodes) {
                    Verification v = verifier.verifyWith(n.secret, n.rsa, null, t.token());
                    checks++;
                    if (!v.valid()) {
                        refused++;
                    }
                }
            }
        }
    }

    static Service serviceWithTokens() {
        Service s = new Service();
        for (int i = 0; i < SECRETS; i++) {
            UserClaims c = new UserClaims("user-" + i, "user-" + i + "@example.com", "user-" + i,
                    List.of(i % 2 == 0 ? "system.user" : "system.view"), List.of("tenant-" + (i % 7)));
            s.secrets.add(s.issuer.issue(s.issuer.check(c, null), SigningAlgorithm.HS256));
        }
        return s;
    }

    /**
     * The README procedure: the public key rolled out first (every node trusts old secret + RSA), managed-algorithm
     * RS256 until every Secret shows RS256, the shared secret rotated, nodes restarted one by one, then back to HS256.
     */
    @Test
    void withTheBridgeNoCheckIsRefused() {
        Service service = serviceWithTokens();
        Fleet fleet = new Fleet(OLD, RSA.getPublic());
        fleet.poll(service);

        service.managed = SigningAlgorithm.RS256;
        while (service.renewStep() > 0) {
            fleet.poll(service);
        }
        assertTrue(service.converged());
        assertTrue(service.secrets.stream().allMatch(t -> t.algorithm().equals("RS256")));
        assertEquals(SECRETS, service.resigned);

        // pxkeys changes: the service adopts the new secret; no RS256 token uses it, so nothing is re-signed
        service.secret = NEW;
        assertEquals(0, service.renewStep(), "a shared-secret change re-signs only the tokens that use it");
        fleet.poll(service);
        for (Node n : fleet.nodes) {
            n.secret = NEW; // this node restarts with the new secret and the same RSA key
            fleet.poll(service);
            service.renewStep();
            fleet.poll(service);
        }

        service.managed = SigningAlgorithm.HS256;
        while (service.renewStep() > 0) {
            fleet.poll(service);
        }
        assertTrue(service.secrets.stream().allMatch(t -> t.keyFingerprint().equals(NEW.fingerprint())));
        fleet.poll(service);

        assertTrue(fleet.checks > 20 * SECRETS * NODES, "checks made: " + fleet.checks);
        assertEquals(0, fleet.refused, "refused (Secret, node) checks over the rotation");
    }

    /** Today's behaviour: HS256 only, re-signed as soon as the service sees the new secret. Portworx refuses. */
    @Test
    void withoutTheBridgeTheRolloutRefusesTokens() {
        Service service = serviceWithTokens();
        Fleet fleet = new Fleet(OLD, RSA.getPublic());
        fleet.poll(service);
        assertEquals(0, fleet.refused);

        service.secret = NEW;
        for (Node n : fleet.nodes) {
            service.renewStep();
            fleet.poll(service);
            n.secret = NEW;
            fleet.poll(service);
        }
        while (service.renewStep() > 0) {
            fleet.poll(service);
        }
        fleet.poll(service);
        assertTrue(fleet.refused > 0, "the simulation must be able to show refusals");
        // and the refusal is Portworx's own: the signature does not match the node's secret
        Node stale = new Node(OLD, RSA.getPublic());
        Verification v = fleet.verifier.verifyWith(stale.secret, stale.rsa, null, service.secrets.get(0).token());
        assertEquals("signature is invalid", v.reason());
    }
}
