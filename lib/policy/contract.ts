/**
 * What intent constructs put on the Kubernetes objects they emit so that the policy checks can
 * judge them. The checks read only synthesized objects: a rule whose marks are absent does nothing.
 */
export const PolicyAnnotations = {
  /**
   * Where a batch or training workload writes checkpoints (object or pod template annotation),
   * e.g. `s3://acme-ckpt/recs/`. A container env var `CHECKPOINT_DIR` counts too.
   */
  CHECKPOINT: 'cdktf-ai-infra/checkpoint',
  /** Size of an endpoint's model weights in GiB, on the InferenceService (e.g. `"16"`). */
  MODEL_SIZE_GIB: 'cdktf-ai-infra/model-size-gib',
  /**
   * How a scale-to-zero endpoint starts warm (e.g. `local-model-cache`, `scheduled-warm-pool`), on
   * the InferenceService. A LocalModelCache whose `sourceModelUri` equals the predictor's
   * `storageUri` counts too.
   */
  WARM_START: 'cdktf-ai-infra/warm-start',
} as const;

/** Container env vars that show a workload checkpoints. */
export const CHECKPOINT_ENV_VARS = ['CHECKPOINT_DIR', 'CHECKPOINT_URI', 'CHECKPOINT_PATH'] as const;
