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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
 * node after every step; the same with the ECDSA public key and managed-algorithm ES256. The service side is the production decision ({@link ManagedAlgorithm#needsResigning}) and the
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
    static final KeyPair EC = TestAsymmetricKeys.EC;

    @BeforeAll
    static void smallryeConfig() {
        System.setProperty("smallrye.jwt.sign.relax-key-validation", "true");
        System.setProperty("smallrye.jwt.new-token.add-default-claims", "false");
    }

    static SharedSecret secret(String s) {
        return new SharedSecret(s.getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
    }

    /** One Portworx node: the keys it read at its last start (the shared secret and one public key, RSA or ECDSA). */
    static final class Node {
        SharedSecret secret;
        final PublicKey rsa;
        final PublicKey ecdsa;

        Node(SharedSecret secret, PublicKey rsa, PublicKey ecdsa) {
            this.secret = secret;
            this.rsa = rsa;
            this.ecdsa = ecdsa;
        }

        /** What a node given the public key of {@code bridge} (RS256: -jwt_rsa_pubkey_file, ES256: -jwt_ecds_pubkey_file) holds. */
        static Node trusting(SharedSecret secret, SigningAlgorithm bridge) {
            return bridge == SigningAlgorithm.ES256 ? new Node(secret, null, EC.getPublic()) : new Node(secret, RSA.getPublic(), null);
        }
    }

    /** The service: its keys now, the managed algorithm, and the 200 Secrets' tokens. */
    static final class Service {
        SharedSecret secret = OLD;
        SigningAlgorithm managed = SigningAlgorithm.HS256;
        final TokenIssuer issuer = TestIssuers.issuer(ISSUER, () -> secret, () -> RSA, () -> EC, CLOCK);
        final List<IssuedToken> secrets = new ArrayList<>();
        int resigned;

        String managedFingerprint() {
            return managed == SigningAlgorithm.HS256 ? secret.fingerprint()
                    : io.pxtoken.keys.AsymmetricKey.of(managed, managed == SigningAlgorithm.ES256 ? EC : RSA, Instant.EPOCH)
                            .fingerprint();
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

    /**
     * The fleet and the count of refused (Secret, node) checks. A verdict depends only on the token, the node's keys
     * and the (fixed) clock, so each distinct (token, key set) is verified once and its verdict reused for the other
     * checks of the same pair: every check still counts, and an ECDSA fleet costs what an RSA one does.
     */
    static final class Fleet {
        final List<Node> nodes = new ArrayList<>();
        final TokenVerifier verifier = new TokenVerifier(ISSUER, () -> {
            throw new KeyUnavailableException("unused");
        }, a -> null, CLOCK);
        final Map<String, Boolean> verdicts = new HashMap<>();
        long checks;
        long refused;
        long verified;

        Fleet(SharedSecret secret, SigningAlgorithm bridge) {
            for (int i = 0; i < NODES; i++) {
                nodes.add(Node.trusting(secret, bridge));
            }
        }

        void poll(Service service) {
            for (IssuedToken t : service.secrets) {
                for (Node n : nodes) {
                    String pair = t.token() + " " + n.secret.fingerprint() + " " + (n.rsa != null) + " " + (n.ecdsa != null);
                    boolean valid = verdicts.computeIfAbsent(pair, k -> {
                        verified++;
                        return verifier.verifyWith(n.secret, n.rsa, n.ecdsa, t.token()).valid();
                    });
                    checks++;
                    if (!valid) {
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
     * The README procedure: the public key rolled out first (every node trusts old secret + the RSA or the ECDSA public
     * key), managed-algorithm RS256 or ES256 until every Secret shows it, the shared secret rotated, nodes restarted
     * one by one, then back to HS256.
     */
    @ParameterizedTest
    @EnumSource(value = SigningAlgorithm.class, names = { "RS256", "ES256" })
    void withTheBridgeNoCheckIsRefused(SigningAlgorithm bridge) {
        Service service = serviceWithTokens();
        Fleet fleet = new Fleet(OLD, bridge);
        fleet.poll(service);

        service.managed = bridge;
        while (service.renewStep() > 0) {
            fleet.poll(service);
        }
        assertTrue(service.converged());
        assertTrue(service.secrets.stream().allMatch(t -> t.algorithm().equals(bridge.name())));
        if (bridge == SigningAlgorithm.ES256) {
            // the bridge really is ECDSA: a node given only the RSA key would refuse these tokens
            Node rsaOnly = Node.trusting(NEW, SigningAlgorithm.RS256);
            assertEquals("key is of invalid type",
                    fleet.verifier.verifyWith(rsaOnly.secret, rsaOnly.rsa, null, service.secrets.get(0).token()).reason());
        }
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
        assertTrue(fleet.verified >= 3 * SECRETS, "distinct verifications: " + fleet.verified);
        assertEquals(0, fleet.refused, "refused (Secret, node) checks over the rotation");
    }

    /** Today's behaviour: HS256 only, re-signed as soon as the service sees the new secret. Portworx refuses. */
    @Test
    void withoutTheBridgeTheRolloutRefusesTokens() {
        Service service = serviceWithTokens();
        Fleet fleet = new Fleet(OLD, SigningAlgorithm.RS256);
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
        Node stale = Node.trusting(OLD, SigningAlgorithm.RS256);
        Verification v = fleet.verifier.verifyWith(stale.secret, stale.rsa, null, service.secrets.get(0).token());
        assertEquals("signature is invalid", v.reason());
    }
}
