/**
 * What intent constructs put on the Kubernetes objects they emit so that the policy checks can
 * judge them. The checks read only synthesized objects: a rule whose marks are absent does nothing.
 */
export const PolicyAnnotations = {
  /**
   * Where a batch or training workload writes checkpoints (object or pod template annotation),
   * e.g. `s3://acme-ckpt/recs/`. A container env var `CHECKPOINT_DIR` counts too. A work-item
   * workload fed by a queue (a KEDA ScaledJob) that loses at most its unfinished items to an
   * interruption says {@link QUEUE_REDELIVERY_CHECKPOINT} instead.
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
  /**
   * The model URI the program declares, on an InferenceService whose `storageUri` follows the
   * promotions (a Terraform expression reading the live object): the checks read this one.
   */
  DECLARED_STORAGE_URI: 'cdktf-ai-infra/declared-storage-uri',
} as const;

/** Container env vars that show a workload checkpoints. */
export const CHECKPOINT_ENV_VARS = ['CHECKPOINT_DIR', 'CHECKPOINT_URI', 'CHECKPOINT_PATH'] as const;

/**
 * Value of {@link PolicyAnnotations.CHECKPOINT} for a queue-fed work-item workload whose progress
 * is kept by the queue: a run deletes each message only once its result is written, results are
 * keyed by item (a redone item overwrites its own result), and a message held by an interrupted
 * run is received again rather than dead-lettered (more than one receive allowed). A spot reclaim
 * then costs at most the unfinished items of the run. GpuFunction sets it on its ScaledJob when
 * `retries ≥ 1`.
 */
export const QUEUE_REDELIVERY_CHECKPOINT = 'queue-redelivery';
