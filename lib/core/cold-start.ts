/**
 * Planning figures for cold starts, shared by every estimate (endpoints, functions, cost). They
 * are ASSUMPTIONS of this library (round numbers of the right order), not measurements: every
 * estimate that uses them says so, and constructs let users override them.
 */

/**
 * Seconds until a new accelerator node is Ready to run a pod, by provisioner: Karpenter launches
 * for pending pods at once; the Cluster Autoscaler scales a managed node group from zero after its
 * scan interval; AWS Batch and SageMaker add their own scheduling. Existing nodes are already there.
 */
export const NODE_PROVISIONING_SECONDS: Readonly<Record<string, number>> = Object.freeze({
  'karpenter': 120,
  'eks-managed-node-group': 240,
  'aws-batch': 240,
  'sagemaker': 300,
  'existing-nodes': 0,
});

/** Seconds when the provisioner is not in {@link NODE_PROVISIONING_SECONDS}. */
export const DEFAULT_NODE_PROVISIONING_SECONDS = 240;

/** Image pull and extraction rate on a fresh node, MiB/s (unpacking, not the network, usually limits it). */
export const IMAGE_PULL_MIBPS = 100;
