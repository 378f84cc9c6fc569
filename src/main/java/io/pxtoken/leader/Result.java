package io.pxtoken.leader;

import java.time.Duration;

/**
 * What a reconcile asks of the runtime once it succeeded.
 *
 * @param after look at the key again after this long; null: only when an event asks
 */
public record Result(Duration after) {

    private static final Result DONE = new Result(null);

    /** Nothing more until something changes. */
    public static Result done() {
        return DONE;
    }

    /** Look again after {@code delay} (a time that passes without an event: a renewal time, an interval). */
    public static Result after(Duration delay) {
        return new Result(delay);
    }
}
