package io.pxtoken.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.pxtoken.checks.CheckReport;
import io.pxtoken.checks.CheckedSecret;
import io.pxtoken.checks.Referrer;

/** The token check: counts per verdict, then one item per Secret Portworx reads a token from. Never a token. */
@Schema(name = "CheckReport")
public record ChecksResponse(
        @Schema(description = "The service's time the tokens were judged at") Instant checkedAt,
        @Schema(description = "How many Secrets got each verdict; every verdict is listed") Map<String, Integer> summary,
        @Schema(description = "One per Secret, ordered by namespace and name") List<Item> items) {

    @Schema(name = "CheckedSecret")
    public record Item(
            @Schema(description = "Namespace of the Secret") String namespace,
            @Schema(description = "Name of the Secret") String name,
            @Schema(description = "Data key Portworx reads the token from") String key,
            @Schema(description = "ok, expiring, expired, not-yet-valid, bad-signature, other-issuer, rejected, missing-secret, "
                    + "missing-key, not-a-token or not-permitted") String verdict,
            @Schema(description = "Why, in Portworx's own words where its verifier gives any; null when ok") String reason,
            @Schema(description = "The token's exp claim, RFC 3339; null when it has none or none could be read") Instant expiresAt,
            @Schema(description = "False when expiresAt was read without a valid signature (another issuer, a bad signature)")
            boolean expiryVerified,
            @Schema(description = "True when this service manages the Secret") boolean managed,
            @Schema(description = "True when it carries a valid proof that this service wrote it; a managed Secret without "
                    + "one (planted, edited, or written before proofs existed) is never renewed: mint it again") boolean proven,
            @Schema(description = "True when this service will renew the token before it expires") boolean renews,
            @Schema(description = "When this service will renew the token; null when it will not") Instant renewalTime,
            @Schema(description = "What makes Portworx read this Secret") List<Ref> referrers) {

        static Item of(CheckedSecret c) {
            return new Item(c.secret().namespace(), c.secret().name(), c.secret().key(), c.verdict().label(), c.reason(),
                    c.expiresAt(), c.expiryVerified(), c.managed(), c.proven(), c.renewalTime() != null, c.renewalTime(),
                    c.referrers().stream().map(Ref::of).toList());
        }
    }

    @Schema(name = "Referrer")
    public record Ref(
            @Schema(description = "storageclass/<name> or persistentvolume/<name>") String object,
            @Schema(description = "The StorageClass parameter or PersistentVolume annotation naming the Secret") String parameter) {

        static Ref of(Referrer r) {
            return new Ref(r.object(), r.parameter());
        }
    }

    static ChecksResponse of(CheckReport report) {
        Map<String, Integer> summary = new LinkedHashMap<>();
        report.summary().forEach((v, n) -> summary.put(v.label(), n));
        return new ChecksResponse(report.checkedAt(), summary, report.items().stream().map(Item::of).toList());
    }
}
