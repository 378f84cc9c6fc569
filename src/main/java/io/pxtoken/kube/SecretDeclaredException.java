package io.pxtoken.kube;

/** The Secret belongs to a PxToken or ClusterPxToken: only that declaration writes it. (409) */
public class SecretDeclaredException extends RuntimeException {

    public SecretDeclaredException(SecretTarget target, String ownerKind, String ownerName) {
        super("Secret " + target + " belongs to " + ownerKind + " " + ownerName + ", which keeps its token; it was left "
                + "unchanged. Change that " + ownerKind + ", or choose another Secret name", null, false, false);
    }
}
