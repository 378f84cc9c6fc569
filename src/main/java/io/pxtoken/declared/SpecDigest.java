package io.pxtoken.declared;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * What a PxToken's spec was, in 16 bytes: the first half of the SHA-256 of every field, each length-prefixed (null
 * apart from empty), so two specs that differ in any field, a list's order or a split between fields differ here. The
 * controller keeps one per declared token to tell "same spec as issued" without a second copy of the spec; a match
 * also needs the same generation, which the API server moves with every change of spec.
 */
record SpecDigest(long high, long low) {

    static SpecDigest of(PxTokenSpec s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            text(out, s.name());
            text(out, s.email());
            text(out, s.sub());
            list(out, s.roles());
            list(out, s.groups());
            text(out, s.duration());
            text(out, s.renewBefore());
            text(out, s.secretName());
            text(out, s.secretKey());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            ByteBuffer d = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
            return new SpecDigest(d.getLong(), d.getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static void text(DataOutputStream out, String v) throws IOException {
        if (v == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = v.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static void list(DataOutputStream out, List<String> l) throws IOException {
        if (l == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(l.size());
        for (String v : l) {
            text(out, v);
        }
    }
}
