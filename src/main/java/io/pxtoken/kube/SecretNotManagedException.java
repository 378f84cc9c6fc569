package io.pxtoken.kube;

/** The Secret exists but this service did not create it, so it is left alone. (409) */
public class SecretNotManagedException extends RuntimeException {

    public SecretNotManagedException(SecretTarget target) {
        super("Secret " + target + " exists and is not managed by px-token-service (no label "
                + ManagedSecrets.MANAGED_BY + "=" + ManagedSecrets.APP + "); it was left unchanged. "
                + "Delete it or choose another name", null, false, false);
    }
}
