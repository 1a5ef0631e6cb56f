/**
 * Proves the Kubernetes schema check both passes real objects and fails broken ones, against the
 * upstream schemas vendored in vendor/schemas/kubernetes, and that it never looks outside the
 * repository. Without the schemas the suite fails in CI and skips (loudly) elsewhere.
 */
import * as fs from 'fs';
import * as path from 'path';
import { defaultRegistry, findSchemasDir, PROJECT_ROOT, requireSchemasDir, SCHEMAS_ENV, SchemaRegistry, validateManifests } from './schemas';

const schemasDir = requireSchemasDir();
const describeWithSchemas = schemasDir ? describe : describe.skip;

const gpuPod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'trainer', namespace: 'ml', labels: { 'app.kubernetes.io/name': 'trainer' } },
  spec: {
    containers: [{
      name: 'main',
      image: 'nvcr.io/nvidia/pytorch:24.01-py3',
      imagePullPolicy: 'IfNotPresent',
      resources: { limits: { 'nvidia.com/gpu': 1, 'cpu': '500m', 'memory': '16Gi' }, requests: { cpu: 2 } },
      ports: [{ name: 'http', containerPort: 8080 }],
      readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
      livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
    }],
    tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    nodeSelector: { 'karpenter.sh/nodepool': 'gpu' },
  },
});

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'ml' },
  spec: {
    replicas: 2 as unknown,
    selector: { matchLabels: { app: 'api' } },
    template: {
      metadata: { labels: { app: 'api' } },
      spec: { containers: [{ name: 'api', image: 'ghcr.io/example/api:1.0' }] },
    },
  },
});

const nodePool = () => ({
  apiVersion: 'karpenter.sh/v1',
  kind: 'NodePool',
  metadata: { name: 'gpu', labels: { team: 'ml' } },
  spec: {
    template: {
      metadata: { labels: { 'nvidia.com/gpu.present': 'true' } },
      spec: {
        nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'gpu' } as Record<string, unknown> | undefined,
        requirements: [
          { key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: ['g5', 'p4d'] },
          { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot', 'on-demand'] },
        ],
        taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }],
        expireAfter: '720h',
      },
    },
    limits: { 'cpu': 1000, 'nvidia.com/gpu': 16 },
    disruption: { consolidationPolicy: 'WhenEmpty', consolidateAfter: '5m' },
  },
});

const inferenceService = () => ({
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
  metadata: { name: 'llm', namespace: 'serving', annotations: { 'serving.kserve.io/deploymentMode': 'Serverless' } },
  spec: {
    predictor: {
      minReplicas: 0,
      maxReplicas: 4,
      scaleTarget: 1,
      scaleMetric: 'concurrency',
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      model: {
        modelFormat: { name: 'huggingface' },
        storageUri: 'hf://meta-llama/Llama-3.1-8B-Instruct',
        resources: { limits: { 'nvidia.com/gpu': 1, 'memory': '24Gi' }, requests: { cpu: '4' } },
      } as Record<string, unknown>,
    },
  },
});

const clusterQueue = () => ({
  apiVersion: 'kueue.x-k8s.io/v1beta2',
  kind: 'ClusterQueue',
  metadata: { name: 'gpu-queue' },
  spec: {
    namespaceSelector: {},
    queueingStrategy: 'BestEffortFIFO',
    resourceGroups: [{
      coveredResources: ['cpu', 'memory', 'nvidia.com/gpu'],
      flavors: [{
        name: 'a100',
        resources: [
          { name: 'cpu', nominalQuota: 96 },
          { name: 'memory', nominalQuota: '768Gi' },
          { name: 'nvidia.com/gpu', nominalQuota: 8 },
        ],
      }],
    }],
  },
});

const workflowTemplate = () => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'WorkflowTemplate',
  metadata: { name: 'finetune', namespace: 'ml' },
  spec: {
    entrypoint: 'train',
    arguments: { parameters: [{ name: 'epochs', value: '3' }] },
    templates: [{
      name: 'train',
      inputs: { parameters: [{ name: 'epochs' }] },
      container: {
        image: 'nvcr.io/nvidia/pytorch:24.01-py3',
        command: ['python', 'train.py', '--epochs', '{{inputs.parameters.epochs}}'],
        resources: { limits: { 'nvidia.com/gpu': 1 } },
      },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    }],
  },
});

describeWithSchemas('Kubernetes schema validation (upstream schemas)', () => {
  test('finds the schemas folder and indexes core kinds and CRDs', () => {
    expect(findSchemasDir()).toBe(schemasDir);
    const kinds = defaultRegistry().kinds();
    for (const k of ['v1 Pod', 'apps/v1 Deployment', 'karpenter.sh/v1 NodePool', 'serving.kserve.io/v1beta1 InferenceService',
      'kueue.x-k8s.io/v1beta2 ClusterQueue', 'argoproj.io/v1alpha1 WorkflowTemplate']) {
      expect(kinds).toContain(k);
    }
  });

  test.each([
    ['core Pod with GPU limits, tolerations and int-or-string probe ports', gpuPod],
    ['core Namespace', () => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ml', labels: { team: 'ml' } } })],
    ['apps/v1 Deployment', deployment],
    ['karpenter.sh/v1 NodePool', nodePool],
    ['serving.kserve.io/v1beta1 InferenceService scaled to zero', inferenceService],
    ['kueue.x-k8s.io/v1beta2 ClusterQueue', clusterQueue],
    ['argoproj.io/v1alpha1 WorkflowTemplate', workflowTemplate],
  ])('valid: %s', (_name, make) => {
    expect(validateManifests([make()])).toEqual([]);
  });

  test('Pod with a misspelled container field is rejected (strict unknown fields)', () => {
    const pod: any = gpuPod();
    pod.spec.containers[0].imagePullPolicyy = 'Always';
    expect(validateManifests([pod])).toEqual(['Pod/trainer: /spec/containers/0 unknown field "imagePullPolicyy"']);
  });

  test('unknown fields are rejected at every level, including metadata', () => {
    const pod: any = gpuPod();
    pod.metadata.lables = { a: 'b' };
    pod.spec.tolerations[0].effectt = 'NoSchedule';
    pod.spc = {};
    expect(validateManifests([pod]).sort()).toEqual([
      'Pod/trainer: / unknown field "spc"',
      'Pod/trainer: /metadata unknown field "lables"',
      'Pod/trainer: /spec/tolerations/0 unknown field "effectt"',
    ]);
  });

  test('Deployment with replicas as a string is rejected', () => {
    const d = deployment();
    d.spec.replicas = 'two';
    expect(validateManifests([d])).toEqual(['Deployment/api: /spec/replicas must be integer']);
  });

  test('bad resource quantities and label values are rejected', () => {
    const pod: any = gpuPod();
    pod.spec.containers[0].resources.limits['nvidia.com/gpu'] = true;
    pod.metadata.labels.tier = 1;
    const errors = validateManifests([pod]);
    expect(errors).toContain('Pod/trainer: /spec/containers/0/resources/limits/nvidia.com~1gpu must match exactly one schema in oneOf');
    expect(errors).toContain('Pod/trainer: /metadata/labels/tier must be string');
  });

  test('unknown kind and unknown apiVersion are errors, not silently accepted', () => {
    expect(validateManifests([{ apiVersion: 'v1', kind: 'Podd', metadata: { name: 'x' } }])).toEqual([
      expect.stringMatching(/^Podd\/x: no schema for apiVersion v1 kind Podd \(known kinds for v1: .*\bPod\b/),
    ]);
    expect(validateManifests([{ ...nodePool(), apiVersion: 'karpenter.sh/v1beta1' }])).toEqual([
      'NodePool/gpu: no schema for apiVersion karpenter.sh/v1beta1 kind NodePool (unknown apiVersion karpenter.sh/v1beta1)',
    ]);
  });

  test('NodePool missing a required field is rejected', () => {
    const np = nodePool();
    delete np.spec.template.spec.nodeClassRef;
    expect(validateManifests([np])).toEqual(['NodePool/gpu: /spec/template/spec must have required property \'nodeClassRef\'']);
  });

  test('CRD objects: enums, unknown fields and metadata (checked as core ObjectMeta) are enforced', () => {
    const np: any = nodePool();
    np.spec.disruption.consolidationPolicy = 'Sometimes';
    np.metadata.labels.team = 7;
    np.metadata.annotationz = {};
    const isvc: any = inferenceService();
    isvc.spec.predictor.minReplica = 0;
    isvc.spec.predictor.model.storageURI = isvc.spec.predictor.model.storageUri;
    expect(validateManifests([np, isvc]).sort()).toEqual([
      'InferenceService/llm: /spec/predictor unknown field "minReplica"',
      'InferenceService/llm: /spec/predictor/model unknown field "storageURI"',
      'NodePool/gpu: /metadata unknown field "annotationz"',
      'NodePool/gpu: /metadata/labels/team must be string',
      expect.stringMatching(/^NodePool\/gpu: \/spec\/disruption\/consolidationPolicy must be equal to one of the allowed values: "WhenEmpty", /),
    ]);
  });

  test('objects without metadata.name are rejected', () => {
    expect(validateManifests([{ apiVersion: 'v1', kind: 'Namespace', metadata: { labels: { a: 'b' } } }]))
      .toEqual(['Namespace/<no name>: /metadata must have required property \'name\'']);
    expect(validateManifests([{ apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ClusterQueue', spec: {} }]))
      .toEqual(expect.arrayContaining(['ClusterQueue/<no name>: /metadata must have required property \'name\'']));
  });

  test('x-kubernetes-preserve-unknown-fields subtrees stay open, as upstream intends', () => {
    const wt: any = workflowTemplate();
    wt.spec.templateDefaults = { plugin: { anything: { goes: 1 } } };
    expect(validateManifests([wt])).toEqual([]);
    wt.spec.templateDefaults.pluginn = {};
    expect(validateManifests([wt])).toEqual(['WorkflowTemplate/finetune: /spec/templateDefaults unknown field "pluginn"']);
  });
});

describe('findSchemasDir', () => {
  test('without the environment variable, the schemas are the vendored ones inside the project root', () => {
    const saved = process.env[SCHEMAS_ENV];
    delete process.env[SCHEMAS_ENV];
    try {
      const dir = findSchemasDir();
      expect(dir).toBeDefined();
      const rel = path.relative(fs.realpathSync(PROJECT_ROOT), fs.realpathSync(dir!));
      expect(rel).toBe(path.join('vendor', 'schemas', 'kubernetes'));
      expect(rel.startsWith('..') || path.isAbsolute(rel)).toBe(false);
      // Every file the index names is inside the vendored folder too.
      const index = JSON.parse(fs.readFileSync(path.join(dir!, 'index.json'), 'utf8'));
      for (const entry of Object.values<any>(index.kinds)) {
        const file = fs.realpathSync(path.join(dir!, entry.file));
        expect(file.startsWith(fs.realpathSync(PROJECT_ROOT) + path.sep)).toBe(true);
      }
    } finally {
      if (saved !== undefined) process.env[SCHEMAS_ENV] = saved;
    }
  });

  test('the vendored index names a schema for every kind and every named schema compiles', () => {
    const registry = new SchemaRegistry(findSchemasDir()!);
    const kinds = registry.kinds();
    expect(kinds.length).toBeGreaterThan(40);
    for (const k of kinds) {
      const [apiVersion, kind] = k.split(' ');
      // An object with only a name: the schema loads and answers (errors about required fields are fine).
      const errors = registry.validate({ apiVersion, kind, metadata: { name: 'x' } });
      expect(errors.filter((e) => /no schema|has no openAPIV3Schema/.test(e))).toEqual([]);
    }
  });

  const saved = process.env[SCHEMAS_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[SCHEMAS_ENV];
    else process.env[SCHEMAS_ENV] = saved;
  });

  test(`${SCHEMAS_ENV} wins over the upward search, and a wrong value is reported as missing`, () => {
    process.env[SCHEMAS_ENV] = path.join(__dirname, 'does-not-exist');
    expect(findSchemasDir()).toBeUndefined();
    if (schemasDir) {
      process.env[SCHEMAS_ENV] = schemasDir;
      expect(findSchemasDir()).toBe(path.resolve(schemasDir));
    }
  });
});
