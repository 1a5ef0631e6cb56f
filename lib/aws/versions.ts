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
 * - Kubernetes 1.35 (added 2026-12-08): the same user guide tables in the translated copies of
 *   docs.amazonaws.cn (zh_cn `managing-vpc-cni.md`, `managing-coredns.md`, `managing-kube-proxy.md`):
 *   vpc-cni v1.21.1-eksbuild.7, coredns v1.13.2-eksbuild.4, kube-proxy v1.35.3-eksbuild.2; the
 *   pod identity agent v1.3.10-eksbuild.2, the version the EKS Blueprints for CDK pin for 1.35
 *   (awslabs/cdk-eks-blueprints `lib/addons/eks-pod-identity-agent/index.ts`).
 * - Kubernetes 1.36: EKS lists it (ja_jp `managing-kube-proxy.md`: kube-proxy v1.36.0-eksbuild.14)
 *   but no stored source gives the vpc-cni, coredns and pod identity agent versions for it, so it
 *   is not pinned: use `KubernetesVersion.of('1.36')` with `EksClusterProps.addonVersions`.
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
  1.35: {
    'vpc-cni': 'v1.21.1-eksbuild.7',
    'coredns': 'v1.13.2-eksbuild.4',
    'kube-proxy': 'v1.35.3-eksbuild.2',
    'eks-pod-identity-agent': 'v1.3.10-eksbuild.2',
  },
};

/** The date the support windows below were checked against (a fixed date: synth stays reproducible). */
export const EKS_VERSION_DATA_DATE = '2026-12-08';

/**
 * End of EKS standard support per Kubernetes minor (UTC dates). After it, a cluster runs in paid
 * extended support (12 more months) when its upgrade policy is `EXTENDED`, or is upgraded by EKS
 * when it is `STANDARD`. Sources: the Amazon EKS release calendar (awsdocs/amazon-eks-user-guide
 * `latest/ug/versioning/kubernetes-versions.adoc`) for 1.32–1.34; for 1.35 (EKS release
 * 2026-01-27/28, standard support 14 months) endoflife.date/amazon-eks, which gives 2027-03-27.
 */
export const EKS_END_OF_STANDARD_SUPPORT: Record<string, string> = {
  1.32: '2026-03-23',
  1.33: '2026-07-29',
  1.34: '2026-12-02',
  1.35: '2027-03-27',
};

/** Names of the EKS core add-ons every cluster gets. */
export const EKS_CORE_ADDONS = ['vpc-cni', 'kube-proxy', 'coredns', 'eks-pod-identity-agent'] as const;
