package io.pxtoken.declared;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One token per tenant namespace: the controller keeps a Secret in every namespace its selector matches, with
 * {@code ${namespace}} in the claims replaced by that namespace's name. Cluster-scoped; followed only with
 * {@code pxtoken.tenants.enabled}. The CRD is {@code k8s/crds/clusterpxtokens.yaml}.
 */
@Group(PxToken.GROUP)
@Version(PxToken.VERSION)
@Kind("ClusterPxToken")
@Plural("clusterpxtokens")
@Singular("clusterpxtoken")
@ShortNames("cpxt")
public class ClusterPxToken extends CustomResource<ClusterPxTokenSpec, ClusterPxTokenStatus> {

    @Override
    protected ClusterPxTokenSpec initSpec() {
        return null;
    }

    @Override
    protected ClusterPxTokenStatus initStatus() {
        return null;
    }
}
