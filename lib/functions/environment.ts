/**
 * Environment variables every GpuFunction container gets: the worker contract, the same on
 * Kubernetes and AWS Batch wherever the value exists.
 */
export const FunctionEnvironment = {
  /** The function's name. */
  NAME: 'GPU_FUNCTION_NAME',
  /** Where results go: `s3://bucket/prefix/`. */
  RESULTS_URI: 'GPU_FUNCTION_RESULTS_URI',
  /** What the function reads: `s3://bucket/prefix` (when it has an input). */
  INPUT_URI: 'GPU_FUNCTION_INPUT_URI',
  /**
   * Kubernetes, queue triggers: the SQS queue URL. A run receives up to `messagesPerRun` messages
   * (S3 event notifications for an S3 trigger), processes them, deletes each one it finished, and
   * exits; a message it gives up on returns after the visibility timeout (or at once through
   * `ChangeMessageVisibility` to 0), and goes to the dead-letter queue after `retries + 1` receives.
   * Write each item's result under its own key (derived from the item), so that an item redone
   * after an interruption overwrites its result: the queue is then the function's checkpoint
   * (a spot reclaim costs at most the run's unfinished items), which the policy checks accept
   * with `retries ≥ 1`.
   */
  QUEUE_URL: 'GPU_FUNCTION_QUEUE_URL',
  /** Kubernetes, queue triggers: the queue name (resolve the URL with `GetQueueUrl` when no URL is set). */
  QUEUE_NAME: 'GPU_FUNCTION_QUEUE_NAME',
  /** Kubernetes, queue triggers: how many messages one run takes. */
  MESSAGES_PER_RUN: 'GPU_FUNCTION_MESSAGES_PER_RUN',
  /** The run's deadline, seconds. */
  TIMEOUT_SECONDS: 'GPU_FUNCTION_TIMEOUT_SECONDS',
  /** AWS Batch, S3 trigger: the bucket of the object that started the job. */
  INPUT_BUCKET: 'GPU_FUNCTION_INPUT_BUCKET',
  /** AWS Batch, S3 trigger: the key of the object, as the S3 event carries it. */
  INPUT_KEY: 'GPU_FUNCTION_INPUT_KEY',
} as const;

/** Prefix reserved for {@link FunctionEnvironment}. */
export const RESERVED_ENV_PREFIX = 'GPU_FUNCTION_';
