package io.pxtoken.api;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Collectors;

/** The token check as an aligned table for a terminal ({@code ?format=text}). */
final class ChecksTable {

    static final List<String> HEADER = List.of("NAMESPACE", "NAME", "KEY", "VERDICT", "EXPIRES", "MANAGED", "REFERRED BY",
            "REASON");

    private ChecksTable() {
    }

    static String render(ChecksResponse r) {
        StringBuilder out = new StringBuilder("checked at ").append(r.checkedAt()).append(": ");
        out.append(r.summary().entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", ")));
        if (r.items().isEmpty()) {
            return out.append("no Secret is referenced by a StorageClass or PersistentVolume\n").toString();
        }
        out.append("\n\n");
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (ChecksResponse.Item i : r.items()) {
            rows.add(List.of(i.namespace(), i.name(), i.key(), i.verdict(),
                    i.expiresAt() == null ? "-" : i.expiresAt().toString(),
                    i.renews() ? "renewed" : i.managed() && !i.proven() ? "unproven" : i.managed() ? "yes" : "no",
                    i.referrers().stream().map(ChecksResponse.Ref::object).collect(Collectors.toCollection(LinkedHashSet::new))
                            .stream().collect(Collectors.joining(",")),
                    i.reason() == null ? "-" : i.reason().replace('\n', ' ')));
        }
        int[] width = new int[HEADER.size()];
        for (List<String> row : rows) {
            for (int c = 0; c < row.size(); c++) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.size(); c++) {
                line.append(row.get(c));
                if (c < row.size() - 1) {
                    line.append(" ".repeat(width[c] - row.get(c).length() + 2));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
