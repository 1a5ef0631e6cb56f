import { IConstruct } from 'constructs';
import type { ICluster } from '../platform/cluster';

/**
 * How a new model version reaches an endpoint. Training pipelines promote to any endpoint through
 * this description, whichever target (KServe on a cluster, SageMaker) realises it.
 */
export interface EndpointPromotion {
  /** `kserve` (a KServe InferenceService) or `sagemaker` (a SageMaker endpoint). */
  readonly kind: string;
  /**
   * S3 prefix under which promoted model versions are written (`s3://bucket/prefix/`); the
   * endpoint's rollout reads the newest version from there.
   */
  readonly modelVersionsUri: string;
  /** KServe: the InferenceService to roll (namespace and name) and its cluster. */
  readonly namespace?: string;
  readonly inferenceServiceName?: string;
  readonly cluster?: ICluster;
  /** SageMaker: the endpoint name. */
  readonly sagemakerEndpointName?: string;
  /** Percentage of traffic a new version gets first (canary). */
  readonly canaryPercent: number;
  /**
   * SageMaker endpoints realised by this library: add the endpoint's rollout (EventBridge rule and
   * Step Functions state machine in the endpoint's AWS stack, lib/aws/sagemaker-rollout.ts), once
   * however many pipelines promote to it. Returns what a promotion does, for annotations.
   * Undefined for endpoints that roll out by other means.
   * @internal
   */
  readonly _enableSageMakerRollout?: () => string;
  /**
   * KServe endpoints realised by this library: make the InferenceService keep the versions
   * promotions roll out (a later `terraform apply` does not put the declared model back; see
   * lib/kubernetes/kserve-rollouts.ts). Idempotent.
   * @internal
   */
  readonly _acceptModelRollouts?: () => void;
}

/** A serving endpoint that training pipelines can promote models to. */
export interface IInferenceEndpoint extends IConstruct {
  /** DNS-label name of the endpoint. */
  readonly endpointName: string;
  /** How to promote a new model version to it. */
  readonly promotion: EndpointPromotion;
}
