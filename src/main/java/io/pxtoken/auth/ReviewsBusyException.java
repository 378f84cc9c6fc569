package io.pxtoken.auth;

/** As many TokenReviews as allowed are in flight already (503): the caller retries shortly instead of queueing. */
public class ReviewsBusyException extends RuntimeException {

    public ReviewsBusyException(String message) {
        super(message, null, false, false);
    }
}
