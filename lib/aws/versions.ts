/**
 * Every version of EKS-managed software this library installs, in one place.
 *
 * EKS core add-on versions, per Kubernetes minor version, each one a version seen published
 * (checked 2026-12-06 through stored copies; no AWS access here):
 * - the "latest version per Kubernetes version" tables of the Amazon EKS user guide
 *   (awsdocs/amazon-eks-user-guide, managing-vpc-cni, managing-coredns, managing-kube-proxy):
 *   vpc-cni v1.20.1-eksbuild.3 (1.27–1.33), coredns v1.11.4-eksbuild.24 (1.32) and
 *   v1.12.4-eksbuild.1 (1.33, 1.34), kube-proxy v1.32.3-eksbuild.7, v1.33.5-eksbuild.2,
 *   v1.34.1-eksbuild.2;
 * - where the guide has no row (eks-pod-identity-agent has no table; vpc-cni for 1.34), versions
 *   that `aws eks describe-addon-versions` output and deployed configurations show for that
 *   Kubernetes version: eks-pod-identity-agent v1.3.8-eksbuild.2 (1.32–1.34), vpc-cni
 *   v1.20.4-eksbuild.1 (1.34).
 * Newer builds appear every few weeks; check with
 * `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name>` and override per
 * cluster with `EksClusterProps.addonVersions`.
 */
export const EKS_CORE_ADDON_VERSIONS: Record<string, Record<string, string>> = {
  1.32: {
    'vpc-cni': 'v1.20.1-eksbuild.3',
    'coredns': 'v1.11.4-eksbuild.24',
    'kube-proxy': 'v1.32.3-eksbuild.7',
    'eks-pod-identity-agent': 'v1.3.8-eksbuild.2',
  },
  1.33: {
    'vpc-cni': 'v1.20.1-eksbuild.3',
    'coredns': 'v1.12.4-eksbuild.1',
    'kube-proxy': 'v1.33.5-eksbuild.2',
    'eks-pod-identity-agent': 'v1.3.8-eksbuild.2',
  },
  1.34: {
    'vpc-cni': 'v1.20.4-eksbuild.1',
    'coredns': 'v1.12.4-eksbuild.1',
    'kube-proxy': 'v1.34.1-eksbuild.2',
    'eks-pod-identity-agent': 'v1.3.8-eksbuild.2',
  },
};

/** Names of the EKS core add-ons every cluster gets. */
export const EKS_CORE_ADDONS = ['vpc-cni', 'kube-proxy', 'coredns', 'eks-pod-identity-agent'] as const;
