/**
 * Model servers an endpoint can run, with their container images pinned by exact tag, in this one
 * place. Sources (read 2026-11-29; the registries themselves were not queried):
 *
 * - vLLM `vllm/vllm-openai:v0.18.2`: the OpenAI-compatible server image of vllm-project/vllm
 *   (docs/deployment/docker.md); the tag is the newest seen pinned in public deployment configs
 *   (v0.18.0 and v0.18.2, 2026). The image has no `USER`: it runs as root unless told otherwise.
 * - NVIDIA Triton `nvcr.io/nvidia/tritonserver:26.06-py3`: NGC monthly release, seen pinned in
 *   several public configs (2026); release 25.10 already needs CUDA 13 drivers (R575+, or the
 *   data-center compatibility branches), as NVIDIA's release notes state. The image has the
 *   non-root user `triton-server` (UID 1000), which NVIDIA's deploy guide recommends.
 * - Hugging Face TGI `ghcr.io/huggingface/text-generation-inference:3.3.5`: tag v3.3.5 of
 *   huggingface/text-generation-inference (image tags are spelled without `v`); TGI is in
 *   maintenance mode upstream. The image has no `USER`.
 * - KServe scikit-learn server `kserve/sklearnserver:v0.20.0`: KServe publishes its runtime
 *   images with every release tag; `kserve-runtime-configs` v0.20.0 defaults to the same tag
 *   (`tag: ""` falls back to the chart's appVersion). Runs as non-root.
 * - `registry.k8s.io/pause:3.10`: the pause image of Kubernetes 1.31+, used by image pre-pull pods.
 *
 * Image sizes and start-up times below are ESTIMATES of this library (orders of magnitude for the
 * cold-start estimate), not measurements: the registries' layer sizes were not read. Override them
 * with {@link ServingRuntime.custom}.
 */
import { ConfigError } from '../core/errors';
import type { KServeRuntimeSpec } from '../kubernetes/kserve-endpoint';

/** The image that keeps pre-pulled images in use on a node (pause container). @internal */
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';

/** UID the built-in runtimes run as (the images' own non-root user where they have one). */
const NON_ROOT_UID = 1000;

/** Options of {@link ServingRuntime.custom}. */
export interface CustomRuntimeOptions {
  /** Runtime name (DNS label), used in the ServingRuntime object name. @default 'custom' */
  readonly name?: string;
  /** The server needs a GPU (a CPU endpoint with this runtime is rejected). @default false */
  readonly requiresGpu?: boolean;
  /** HTTP port the server listens on (KServe and Knative route to one port). @default 8080 */
  readonly port?: number;
  /** Environment variables. @default - none */
  readonly env?: Record<string, string>;
  /**
   * UID the container runs as. The image must work as that user (writable HOME, caches).
   * @default 1000
   */
  readonly runAsUser?: number;
  /**
   * The image only works as root. Its namespace then cannot enforce the `restricted` Pod Security
   * Standard (serving namespaces enforce `baseline` anyway, see the endpoint docs) and the
   * container loses `runAsNonRoot`; privilege escalation stays off and capabilities dropped.
   * @default false
   */
  readonly runAsRoot?: boolean;
  /**
   * Prometheus metric (a gauge of in-flight requests per pod) that Standard-mode KEDA scaling
   * uses for `targetConcurrency`, e.g. `vllm:num_requests_running`.
   * @default - none: Standard mode then needs `targetRequestsPerSecond` with `requestCountMetric`
   */
  readonly concurrencyMetric?: string;
  /** Prometheus counter of served requests, for `targetRequestsPerSecond` in Standard mode. @default - none */
  readonly requestCountMetric?: string;
  /** Compressed image size, GiB, for the cold-start estimate. @default 5 */
  readonly imageSizeGiB?: number;
  /** Seconds from container start to ready, without loading the weights. @default 15 */
  readonly startupSeconds?: number;
  /** Mount a memory-backed `/dev/shm` (PyTorch servers need more than the 64 MiB default). @default false */
  readonly sharedMemory?: boolean;
}

/** Options of {@link ServingRuntime.kserve}. */
export interface KServeClusterRuntimeOptions {
  /** The runtime needs a GPU. @default false */
  readonly requiresGpu?: boolean;
  /** Model format version the runtime declares, e.g. `"1"`. @default - none */
  readonly modelFormatVersion?: string;
  /** Inference protocol, `v1` or `v2`. @default - KServe's default (v1) */
  readonly protocolVersion?: string;
}

/** Internal description of a runtime: what KServe needs, plus what scaling and estimates need. */
interface RuntimeSpec extends KServeRuntimeSpec {
  readonly requiresGpu: boolean;
  /** Gauges summed into in-flight requests per pod. */
  readonly concurrencyMetrics: string[];
  readonly requestCountMetric?: string;
  readonly imageSizeGiB: number;
  readonly startupSeconds: number;
  readonly defaultTargetConcurrency: number;
}

/** Writable home and caches for images built to run as root (their defaults live under /root). */
const HOME_IN_TMP = { HOME: '/tmp', HF_HOME: '/tmp/hf-home', XDG_CACHE_HOME: '/tmp/.cache' };

/**
 * A model server. The built-in ones pin their image in this module; {@link ServingRuntime.kserve}
 * refers to a ClusterServingRuntime of KServe's `kserve-runtime-configs` chart instead.
 */
export class ServingRuntime {
  /**
   * vLLM's OpenAI-compatible server (`vllm serve`), GPU only. Runs as UID 1000 with its caches in
   * `/tmp`, a memory-backed `/dev/shm`, usage statistics off.
   */
  public static readonly VLLM = new ServingRuntime({
    name: 'vllm',
    image: 'vllm/vllm-openai:v0.18.2',
    modelFormat: 'vllm',
    protocolVersions: ['v1'],
    args: ['/mnt/models', '--served-model-name={{.Name}}', '--port=8080'],
    env: { ...HOME_IN_TMP, VLLM_NO_USAGE_STATS: '1' },
    requiresGpu: true,
    port: 8080,
    runAsUser: NON_ROOT_UID,
    sharedMemory: true,
    // vLLM's Prometheus gauges (docs/design/metrics.md): running plus waiting requests.
    concurrencyMetrics: ['vllm:num_requests_running', 'vllm:num_requests_waiting'],
    requestCountMetric: 'vllm:request_success_total',
    imageSizeGiB: 10,
    startupSeconds: 60,
    defaultTargetConcurrency: 32,
  });

  /** NVIDIA Triton Inference Server (model repository at `/mnt/models`), GPU or CPU, as UID 1000. */
  public static readonly TRITON = new ServingRuntime({
    name: 'triton',
    image: 'nvcr.io/nvidia/tritonserver:26.06-py3',
    modelFormat: 'triton',
    modelFormatVersion: '2',
    protocolVersions: ['v2', 'grpc-v2'],
    protocolVersion: 'v2',
    // The same flags as KServe's kserve-tritonserver runtime.
    args: ['tritonserver', '--model-store=/mnt/models', '--grpc-port=9000', '--http-port=8080', '--allow-grpc=true', '--allow-http=true'],
    env: { HOME: '/tmp' },
    requiresGpu: false,
    port: 8080,
    runAsUser: NON_ROOT_UID,
    sharedMemory: true,
    concurrencyMetrics: ['nv_inference_pending_request_count'],
    requestCountMetric: 'nv_inference_request_success',
    imageSizeGiB: 8,
    startupSeconds: 15,
    defaultTargetConcurrency: 8,
  });

  /** Hugging Face Text Generation Inference, GPU only, as UID 1000 with its caches in `/tmp`. */
  public static readonly TGI = new ServingRuntime({
    name: 'tgi',
    image: 'ghcr.io/huggingface/text-generation-inference:3.3.5',
    modelFormat: 'tgi',
    protocolVersions: ['v1'],
    args: ['--model-id=/mnt/models', '--port=8080', '--hostname=0.0.0.0'],
    env: { ...HOME_IN_TMP, HUGGINGFACE_HUB_CACHE: '/tmp/hf-home/hub' },
    requiresGpu: true,
    port: 8080,
    runAsUser: NON_ROOT_UID,
    sharedMemory: true,
    // TGI router gauges: queued requests plus the current batch.
    concurrencyMetrics: ['tgi_queue_size', 'tgi_batch_current_size'],
    requestCountMetric: 'tgi_request_count',
    imageSizeGiB: 6,
    startupSeconds: 40,
    defaultTargetConcurrency: 32,
  });

  /** KServe's scikit-learn server (v1 and v2 protocols), CPU. */
  public static readonly SKLEARN = new ServingRuntime({
    name: 'sklearn',
    image: 'kserve/sklearnserver:v0.20.0',
    modelFormat: 'sklearn',
    modelFormatVersion: '1',
    protocolVersions: ['v1', 'v2'],
    args: ['--model_name={{.Name}}', '--model_dir=/mnt/models', '--http_port=8080'],
    env: {},
    requiresGpu: false,
    port: 8080,
    runAsUser: NON_ROOT_UID,
    sharedMemory: false,
    // KServe model server histogram (python/kserve/kserve/metrics.py).
    concurrencyMetrics: [],
    requestCountMetric: 'request_predict_seconds_count',
    imageSizeGiB: 0.5,
    startupSeconds: 5,
    defaultTargetConcurrency: 10,
  });

  /**
   * Your own server image (pin a tag or digest). The model is mounted at `/mnt/models`.
   * @param image e.g. `ghcr.io/acme/recs-server:1.4.2`
   * @param args container arguments; `{{.Name}}` becomes the InferenceService name
   */
  public static custom(image: string, args: string[] = [], options: CustomRuntimeOptions = {}): ServingRuntime {
    return new ServingRuntime({
      name: options.name ?? 'custom',
      image,
      modelFormat: options.name ?? 'custom',
      protocolVersions: ['v1'],
      args: [...args],
      env: { ...(options.env ?? {}) },
      requiresGpu: options.requiresGpu ?? false,
      port: options.port ?? 8080,
      runAsUser: options.runAsRoot ? undefined : options.runAsUser ?? NON_ROOT_UID,
      sharedMemory: options.sharedMemory ?? false,
      concurrencyMetrics: options.concurrencyMetric ? [options.concurrencyMetric] : [],
      requestCountMetric: options.requestCountMetric,
      imageSizeGiB: options.imageSizeGiB ?? 5,
      startupSeconds: options.startupSeconds ?? 15,
      defaultTargetConcurrency: 10,
    });
  }

  /**
   * A ClusterServingRuntime installed by KServe's `kserve-runtime-configs` chart, by name
   * (`kserve-sklearnserver`, `kserve-xgbserver`, `kserve-huggingfaceserver`, ...). Using one
   * installs that chart. Its image is chosen by the chart, so image pre-pull is not possible.
   * @param clusterRuntimeName the ClusterServingRuntime name
   * @param modelFormat a model format it supports, e.g. `xgboost`
   */
  public static kserve(clusterRuntimeName: string, modelFormat: string, options: KServeClusterRuntimeOptions = {}): ServingRuntime {
    return new ServingRuntime({
      name: clusterRuntimeName,
      clusterServingRuntime: clusterRuntimeName,
      modelFormat,
      modelFormatVersion: options.modelFormatVersion,
      protocolVersions: [],
      protocolVersion: options.protocolVersion,
      args: [],
      env: {},
      requiresGpu: options.requiresGpu ?? false,
      port: 8080,
      runAsUser: undefined,
      sharedMemory: false,
      concurrencyMetrics: [],
      imageSizeGiB: 3,
      startupSeconds: 15,
      defaultTargetConcurrency: 10,
    });
  }

  /** Runtime name (`vllm`, `triton`, `tgi`, `sklearn`, the custom name or the ClusterServingRuntime). */
  public readonly name: string;
  /** The pinned container image; undefined for a KServe ClusterServingRuntime. */
  public readonly image?: string;
  /** Name of the KServe ClusterServingRuntime this refers to, if any. */
  public readonly clusterServingRuntime?: string;
  /** Model format name the InferenceService declares (`vllm`, `triton`, `sklearn`, ...). */
  public readonly modelFormat: string;
  /** The server cannot run without a GPU. */
  public readonly requiresGpu: boolean;
  /** HTTP port. */
  public readonly port: number;
  /** UID the container runs as; undefined when the image's own user is kept (root for custom runAsRoot). */
  public readonly runAsUser?: number;
  /** Estimated compressed image size, GiB (see the module notes). */
  public readonly imageSizeGiB: number;
  /** Estimated seconds to ready without the weights (see the module notes). */
  public readonly startupSeconds: number;
  /** Target in-flight requests per replica when the endpoint sets none. */
  public readonly defaultTargetConcurrency: number;
  /** @internal */
  public readonly _spec: RuntimeSpec;

  private constructor(spec: RuntimeSpec) {
    this._spec = spec;
    this.name = spec.name;
    this.image = spec.image;
    this.clusterServingRuntime = spec.clusterServingRuntime;
    this.modelFormat = spec.modelFormat;
    this.requiresGpu = spec.requiresGpu;
    this.port = spec.port;
    this.runAsUser = spec.runAsUser;
    this.imageSizeGiB = spec.imageSizeGiB;
    this.startupSeconds = spec.startupSeconds;
    this.defaultTargetConcurrency = spec.defaultTargetConcurrency;
  }

  /** The container runs as root (custom runtimes with `runAsRoot`). */
  public get runsAsRoot(): boolean {
    return this.image !== undefined && this.runAsUser === undefined;
  }

  /** Check the runtime for the construct at `path`. @internal */
  public _validate(path: string): void {
    const s = this._spec;
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(s.name)) {
      throw new ConfigError(path, 'runtime.name', s.name, 'a DNS-1123 label (lower-case a-z, 0-9 and "-", at most 63 characters)');
    }
    if (s.image !== undefined && !/^[a-z0-9.-]+(:\d+)?\/[a-z0-9._\/-]+(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$|^[a-z0-9._-]+\/[a-z0-9._\/-]+(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/.test(s.image)) {
      throw new ConfigError(path, 'runtime.image', s.image, 'a container image with a pinned tag or digest, e.g. "ghcr.io/acme/server:1.4.2" (an unpinned image makes deploys and cold starts unrepeatable)');
    }
    if (s.image !== undefined && /:latest$/.test(s.image)) {
      throw new ConfigError(path, 'runtime.image', s.image, 'a pinned tag or digest instead of "latest"');
    }
    if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535) {
      throw new ConfigError(path, 'runtime.port', s.port, 'a TCP port from 1 to 65535');
    }
    if (s.runAsUser !== undefined && (!Number.isInteger(s.runAsUser) || s.runAsUser < 1)) {
      throw new ConfigError(path, 'runtime.runAsUser', s.runAsUser, 'a non-zero UID (use runAsRoot: true for an image that needs root)');
    }
    if (!(s.imageSizeGiB > 0) || !(s.startupSeconds >= 0)) {
      throw new ConfigError(path, 'runtime.imageSizeGiB/startupSeconds', { imageSizeGiB: s.imageSizeGiB, startupSeconds: s.startupSeconds }, 'a positive image size and a non-negative start-up time');
    }
  }

  public toString(): string {
    return this.image ?? `ClusterServingRuntime ${this.clusterServingRuntime}`;
  }
}
