package io.pxtoken.keys;

/**
 * A token was asked for with an algorithm whose key file is not in the keys directory; a 400, since the request
 * asks for something this deployment does not offer. The message names the file, never a key.
 */
public class KeyNotLoadedException extends RuntimeException {

    private final SigningAlgorithm algorithm;

    public KeyNotLoadedException(SigningAlgorithm algorithm, String message) {
        super(message, null, false, false);
        this.algorithm = algorithm;
    }

    public SigningAlgorithm algorithm() {
        return algorithm;
    }
}
