/**
 * Every version of EKS-managed software this library installs, in one place.
 *
 * EKS core add-on versions, per Kubernetes minor version. Source: the "latest version per
 * Kubernetes version" tables of the Amazon EKS user guide pages for each add-on (managing-vpc-cni,
 * managing-coredns, managing-kube-proxy, pod-id-agent-setup). NOT re-verified against
 * `aws eks describe-addon-versions` on this machine (no AWS access here): check with
 * `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name>` before a first
 * deploy, and override per cluster with `EksClusterProps.addonVersions`.
 */
export const EKS_CORE_ADDON_VERSIONS: Record<string, Record<string, string>> = {
  1.32: {
    'vpc-cni': 'v1.19.5-eksbuild.1',
    'coredns': 'v1.11.4-eksbuild.14',
    'kube-proxy': 'v1.32.3-eksbuild.7',
    'eks-pod-identity-agent': 'v1.3.7-eksbuild.2',
  },
  1.33: {
    'vpc-cni': 'v1.19.5-eksbuild.1',
    'coredns': 'v1.12.1-eksbuild.2',
    'kube-proxy': 'v1.33.0-eksbuild.2',
    'eks-pod-identity-agent': 'v1.3.7-eksbuild.2',
  },
  1.34: {
    'vpc-cni': 'v1.20.1-eksbuild.3',
    'coredns': 'v1.12.3-eksbuild.1',
    'kube-proxy': 'v1.34.0-eksbuild.2',
    'eks-pod-identity-agent': 'v1.3.8-eksbuild.2',
  },
};

/** Names of the EKS core add-ons every cluster gets. */
export const EKS_CORE_ADDONS = ['vpc-cni', 'kube-proxy', 'coredns', 'eks-pod-identity-agent'] as const;
