package io.pxtoken.bench;

import java.io.File;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Prints a compact table from a JMH JSON result: ns/op with its 99.9% error, allocated bytes per op (when the gc
 * profiler ran) and the ratio to the raw-HMAC floor ({@code b_rawMac_cachedMac}).
 */
public final class Summary {

    private static final String FLOOR = "b_rawMac_cachedMac";

    public static void main(String[] args) throws Exception {
        JsonNode results = new ObjectMapper().readTree(new File(args[0]));
        double floor = Double.NaN;
        for (JsonNode r : results) {
            if (shortName(r).equals(FLOOR)) {
                floor = r.path("primaryMetric").path("score").asDouble();
            }
        }
        System.out.printf(Locale.ROOT, "  %-30s %12s %10s %10s %9s%n", "variant", "ns/op", "+-(99.9%)", "B/op",
                "x floor");
        for (JsonNode r : results) {
            JsonNode primary = r.path("primaryMetric");
            double score = primary.path("score").asDouble();
            double error = primary.path("scoreError").asDouble(Double.NaN);
            JsonNode alloc = r.path("secondaryMetrics").path("gc.alloc.rate.norm").path("score");
            System.out.printf(Locale.ROOT, "  %-30s %12.1f %10s %10s %9s%n", shortName(r), score,
                    Double.isNaN(error) ? "-" : String.format(Locale.ROOT, "%.1f", error),
                    alloc.isMissingNode() ? "-" : String.format(Locale.ROOT, "%.0f", alloc.asDouble()),
                    Double.isNaN(floor) ? "-" : String.format(Locale.ROOT, "%.1f", score / floor));
        }
    }

    private static String shortName(JsonNode r) {
        String name = r.path("benchmark").asText();
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
