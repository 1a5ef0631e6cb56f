/**
 * Cold-start estimate of an endpoint: how long a request waits when no replica is running.
 *
 * Every rate and delay below is an ASSUMPTION of this library (round numbers of the right order),
 * not a measurement; each estimate lists the assumptions it used, so that a report can show them.
 */
import { ModelSourceKinds } from './model-source';
import { IMAGE_PULL_MIBPS, NODE_PROVISIONING_SECONDS } from '../core/cold-start';

export { IMAGE_PULL_MIBPS };
/** Model download rate by source, MiB/s (S3 in-region with the parallel storage initializer; Hub over the internet). */
export const MODEL_DOWNLOAD_MIBPS: Record<string, number> = {
  [ModelSourceKinds.S3]: 200,
  [ModelSourceKinds.HUGGING_FACE]: 100,
  [ModelSourceKinds.OCI]: IMAGE_PULL_MIBPS,
  [ModelSourceKinds.URI]: 100,
  [ModelSourceKinds.PVC]: 0,
};
/** Rate at which a server reads weights from local disk into (GPU) memory, MiB/s. */
export const MODEL_LOAD_MIBPS = 1000;
/** Scale to zero with weights above this size and no warm start draws a warning, GiB. */
export const LARGE_MODEL_GIB = 10;

/** A cold-start estimate, in seconds per phase. */
export interface EndpointColdStartEstimate {
  /** A node for the replica (0 when nodes are kept, exist already, or the endpoint runs on CPU). */
  readonly nodeProvisioningSeconds: number;
  /** Pulling the server image (0 when it is pre-pulled on kept nodes). */
  readonly imagePullSeconds: number;
  /** Downloading the weights (0 when cached on kept nodes or mounted from a PVC). */
  readonly modelDownloadSeconds: number;
  /** Server start-up plus loading the weights into memory. */
  readonly modelLoadSeconds: number;
  /** The sum of the phases. */
  readonly totalSeconds: number;
  /** False when the model size is unknown: download and load of the weights are then left out. */
  readonly complete: boolean;
  /** What the estimate assumed, one sentence each. */
  readonly assumptions: string[];
}

/** What the estimate needs to know. @internal */
export interface ColdStartInputs {
  /** `karpenter`, `eks-managed-node-group`, `existing-nodes`, `cpu`, `sagemaker-serverless`, `sagemaker-async`. */
  readonly placement: string;
  /** The pool (or SageMaker endpoint) can have zero nodes / instances. */
  readonly nodesCanBeZero: boolean;
  readonly imageSizeGiB: number;
  readonly imagePrePulled: boolean;
  readonly modelKind: string;
  readonly modelSizeGiB?: number;
  readonly modelCached: boolean;
  readonly startupSeconds: number;
}

/** Estimate the cold start of a replica. @internal */
export function estimateColdStart(i: ColdStartInputs): EndpointColdStartEstimate {
  const assumptions: string[] = [];
  let node = 0;
  if (i.nodesCanBeZero) {
    node = NODE_PROVISIONING_SECONDS[i.placement === 'sagemaker-async' ? 'sagemaker' : i.placement] ?? 0;
    if (node) assumptions.push(`the ${i.placement} capacity can be at zero: ${node} s for a new node or instance`);
  } else {
    assumptions.push(i.placement === 'cpu' ? 'CPU replicas land on nodes that are already running' : 'a node is already running');
  }
  // A pre-pulled image or a cached model only help when the node outlives the replica.
  const kept = !i.nodesCanBeZero;
  const pull = i.imagePrePulled && kept ? 0 : seconds(i.imageSizeGiB, IMAGE_PULL_MIBPS);
  assumptions.push(pull === 0 ? 'the image is pre-pulled on the kept nodes'
    : `a ${i.imageSizeGiB} GiB image pulled at ${IMAGE_PULL_MIBPS} MiB/s${i.imagePrePulled ? ' (pre-pulling does not help a new node)' : ''}`);
  let download = 0;
  let load = i.startupSeconds;
  const complete = i.modelSizeGiB !== undefined;
  if (i.modelSizeGiB !== undefined) {
    const rate = MODEL_DOWNLOAD_MIBPS[i.modelKind] ?? 100;
    if (i.modelCached && kept) {
      assumptions.push('the weights are cached on the kept nodes (LocalModelCache)');
    } else if (rate === 0) {
      assumptions.push('the weights are mounted from a volume, not downloaded');
    } else {
      download = seconds(i.modelSizeGiB, rate);
      assumptions.push(`${i.modelSizeGiB} GiB of weights downloaded at ${rate} MiB/s${i.modelCached ? ' (a new node fills its cache first)' : ''}`);
    }
    load += seconds(i.modelSizeGiB, MODEL_LOAD_MIBPS);
    assumptions.push(`server start-up ${i.startupSeconds} s plus weights loaded at ${MODEL_LOAD_MIBPS} MiB/s`);
  } else {
    assumptions.push(`model size unknown: only the server start-up (${i.startupSeconds} s) is counted; give ModelSource sizeGiB`);
  }
  const total = node + pull + download + load;
  return {
    nodeProvisioningSeconds: node,
    imagePullSeconds: pull,
    modelDownloadSeconds: download,
    modelLoadSeconds: load,
    totalSeconds: total,
    complete,
    assumptions,
  };
}

/** `~7 min (node 120 s, image 102 s, download 82 s, load 76 s)`. */
export function describeColdStart(e: EndpointColdStartEstimate): string {
  const total = e.totalSeconds >= 120 ? `${Math.round(e.totalSeconds / 60)} min` : `${e.totalSeconds} s`;
  return `~${total}${e.complete ? '' : '+'} (node ${e.nodeProvisioningSeconds} s, image ${e.imagePullSeconds} s, download ${e.modelDownloadSeconds} s, load ${e.modelLoadSeconds} s)`;
}

function seconds(gib: number, mibps: number): number {
  return Math.ceil((gib * 1024) / mibps);
}
