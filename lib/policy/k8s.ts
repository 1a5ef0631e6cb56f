/**
 * Reading synthesized Kubernetes objects generically: pod specs wherever they sit (Pod, Job,
 * JobSet, Argo templates, KServe components, Ray...), their containers, node selectors and
 * resource requests. Pure functions over plain JSON. @internal
 */

/** A container found in an object. */
export interface ContainerView {
  readonly name: string;
  /** Whether it names an image (a full container), not just overrides (KServe `model`). */
  readonly hasImage: boolean;
  readonly securityContext: Record<string, unknown>;
  /** Requests merged over limits (extended resources: limits imply requests), as numbers. */
  readonly requests: Record<string, number>;
  readonly env: string[];
}

/** A pod spec found in an object, with what its ancestors add (node selectors, annotations). */
export interface PodSpecView {
  /** JSON path of the pod spec, e.g. `/spec/template/spec`. */
  readonly path: string;
  readonly containers: ContainerView[];
  readonly initContainers: ContainerView[];
  /** Node selector of the pod spec merged over its ancestors' (Argo: workflow-level selectors). */
  readonly nodeSelector: Record<string, string>;
  /** Required node affinity expressions (`key In values`), all terms merged. */
  readonly requiredAffinity: Array<{ key: string; operator: string; values: string[] }>;
  /** Annotations of the pod template and every enclosing object. */
  readonly annotations: Record<string, string>;
  /** Pods this spec runs at once (Job parallelism × JobSet replicas, else 1). */
  readonly replicas: number;
  /** Sum of the containers' requests of one pod (init containers: their max, if larger). */
  readonly podRequests: Record<string, number>;
}

const CONTAINER_ARRAYS = ['containers', 'initContainers', 'ephemeralContainers'];

/** Every pod spec of a Kubernetes object. */
export function podSpecs(object: unknown): PodSpecView[] {
  const out: PodSpecView[] = [];
  walk(object, '', [], out);
  return out;
}

function walk(node: unknown, path: string, ancestors: Array<Record<string, unknown>>, out: PodSpecView[]): void {
  if (Array.isArray(node)) {
    node.forEach((x, i) => walk(x, `${path}/${i}`, ancestors, out));
    return;
  }
  if (!isObject(node)) return;
  const isPodSpec = Array.isArray(node.containers)
    || (isObject(node.container) && typeof node.container.image === 'string')
    || (isObject(node.script) && typeof node.script.image === 'string');
  if (isPodSpec) {
    out.push(view(node, path, ancestors));
    // Argo containerSet nests a containers array below a template: look further only there.
    if (isObject(node.containerSet)) walk(node.containerSet, `${path}/containerSet`, [...ancestors, node], out);
    return;
  }
  for (const [k, v] of Object.entries(node)) {
    if (k === 'metadata' || k === 'status') continue;
    walk(v, `${path}/${k}`, [...ancestors, node], out);
  }
}

function view(spec: Record<string, unknown>, path: string, ancestors: Array<Record<string, unknown>>): PodSpecView {
  const chain = [...ancestors, spec];
  const nodeSelector: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  const requiredAffinity: PodSpecView['requiredAffinity'] = [];
  let replicas = 1;
  for (const o of chain) {
    if (isObject(o.nodeSelector)) Object.assign(nodeSelector, o.nodeSelector);
    if (isObject(o.metadata) && isObject(o.metadata.annotations)) Object.assign(annotations, o.metadata.annotations);
    const terms = (o.affinity as any)?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    if (Array.isArray(terms)) {
      for (const t of terms) {
        for (const e of (t?.matchExpressions ?? [])) {
          if (typeof e?.key === 'string') requiredAffinity.push({ key: e.key, operator: String(e.operator), values: Array.isArray(e.values) ? e.values.map(String) : [] });
        }
      }
    }
    if (typeof o.parallelism === 'number') replicas *= Math.max(1, o.parallelism);
    // JobSet replicatedJobs[i].replicas (the object holding `template` and `replicas`).
    if (typeof o.replicas === 'number' && isObject(o.template) && o !== spec) replicas *= Math.max(1, o.replicas);
  }
  const containers = containerList(spec, 'containers');
  if (isObject(spec.container)) containers.push(container(spec.container));
  if (isObject(spec.script)) containers.push(container(spec.script));
  const initContainers = containerList(spec, 'initContainers');
  for (const k of CONTAINER_ARRAYS.slice(2)) containers.push(...containerList(spec, k));
  const podRequests: Record<string, number> = {};
  for (const c of containers) for (const [r, q] of Object.entries(c.requests)) podRequests[r] = (podRequests[r] ?? 0) + q;
  for (const c of initContainers) for (const [r, q] of Object.entries(c.requests)) podRequests[r] = Math.max(podRequests[r] ?? 0, q);
  return { path: path || '/', containers, initContainers, nodeSelector, requiredAffinity, annotations, replicas, podRequests };
}

function containerList(spec: Record<string, unknown>, key: string): ContainerView[] {
  const list = spec[key];
  return Array.isArray(list) ? list.filter(isObject).map(container) : [];
}

function container(c: Record<string, unknown>): ContainerView {
  const resources = isObject(c.resources) ? c.resources : {};
  const requests: Record<string, number> = {};
  for (const part of [resources.limits, resources.requests]) {
    if (!isObject(part)) continue;
    for (const [k, v] of Object.entries(part)) {
      const q = parseQuantity(v);
      if (q !== undefined) requests[k] = q;
    }
  }
  return {
    name: typeof c.name === 'string' ? c.name : '<unnamed>',
    hasImage: typeof c.image === 'string',
    securityContext: isObject(c.securityContext) ? c.securityContext : {},
    requests,
    env: Array.isArray(c.env) ? c.env.map((e: any) => String(e?.name)) : [],
  };
}

/** Containers of every pod spec of an object, plus KServe `model` specs (no image: runtime supplies it). */
export function allContainers(object: unknown): ContainerView[] {
  const out = podSpecs(object).flatMap((p) => [...p.containers, ...p.initContainers]);
  const spec = (object as any)?.spec;
  for (const component of ['predictor', 'transformer', 'explainer']) {
    const model = spec?.[component]?.model;
    if (isObject(model)) out.push(container({ name: `${component}.model`, ...model }));
  }
  return out;
}

const SUFFIXES: Record<string, number> = {
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A Kubernetes quantity (`2`, `500m`, `16Gi`, `1e3`) as a number, or undefined (tokens, garbage). */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(value.trim());
  if (!m) return undefined;
  return Number(m[1]) * (m[2] ? SUFFIXES[m[2]] : 1);
}

/** Whether a resource name is an accelerator (GPU, MIG slice, Neuron device or core). */
export function isAcceleratorResource(name: string): boolean {
  return name.startsWith('nvidia.com/') || name.startsWith('aws.amazon.com/neuron') || name === 'amd.com/gpu';
}

export function isObject(x: unknown): x is Record<string, any> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
