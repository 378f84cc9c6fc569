package io.pxtoken.checks;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One run of the check.
 *
 * @param checkedAt the service's time the tokens were judged at
 * @param items one per Secret, ordered by namespace and name
 */
public record CheckReport(Instant checkedAt, List<CheckedSecret> items) {

    /** How many Secrets got each verdict, every verdict listed (zero included), in the order of {@link Verdict}. */
    public Map<Verdict, Integer> summary() {
        Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        for (Verdict v : Verdict.values()) {
            counts.put(v, 0);
        }
        items.forEach(i -> counts.merge(i.verdict(), 1, Integer::sum));
        return counts;
    }
}
