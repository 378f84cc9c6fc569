package io.pxtoken.declared;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A token declared in a manifest: the controller keeps it, signed, in a Secret of the same namespace that the PxToken
 * owns. The CRD is {@code k8s/crds/pxtokens.yaml}.
 */
@Group(PxToken.GROUP)
@Version(PxToken.VERSION)
@Kind("PxToken")
@Plural("pxtokens")
@Singular("pxtoken")
@ShortNames("pxt")
public class PxToken extends CustomResource<PxTokenSpec, PxTokenStatus> implements Namespaced {

    public static final String GROUP = "pxtoken.io";
    public static final String VERSION = "v1alpha1";

    @Override
    protected PxTokenSpec initSpec() {
        return null;
    }

    @Override
    protected PxTokenStatus initStatus() {
        return null;
    }
}
