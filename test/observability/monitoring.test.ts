/**
 * GPU observability: DCGM exporter with the Prometheus Operator CRDs, PodMonitor / ServiceMonitor
 * (schema-validated), KEDA Prometheus triggers, CloudWatch Container Insights on EKS.
 */
import { Construct } from 'constructs';
import { Duration } from '../../lib/core/duration';
import { ConfigError } from '../../lib/core/errors';
import { GpuStack } from '../../lib/kubernetes/gpu-addons';
import {
  ClusterMonitoring, GpuMetrics, MonitoringOptions, podMonitorObject, prometheusTrigger, serviceMonitorObject,
} from '../../lib/kubernetes/observability';
import { AiPlatform } from '../../lib/platform/ai-platform';
import { PROD } from '../cost/support';
import { defaultRegistry } from '../support/schemas';
import { kubernetesObjects, resourcesOf, Synthesized, synthApp, testApp } from '../support/synth';
import { planOffline, skipLoudlyUnlessCi, terraformEnv } from '../support/terraform';

const env = terraformEnv();
const skipPlan = skipLoudlyUnlessCi('offline terraform plan of Container Insights', env.missing);
const PROMETHEUS = 'http://prometheus-operated.monitoring.svc:9090';

/** Helm releases of a stack by release name, with their values parsed. */
function releases(synth: Synthesized, stack: string): Record<string, any> {
  return Object.fromEntries(Object.values<any>(resourcesOf(synth.stack(stack), 'helm_release'))
    .map((r) => [r.name, { ...r, values: JSON.parse(r.values[0]) }]));
}

function platform(monitoring: MonitoringOptions, clusterProps: Record<string, unknown> = {}) {
  const app = testApp();
  const p = new AiPlatform(app, 'acme', { monitoring });
  const prod = p.addEksCluster('prod', { ...PROD, ...clusterProps });
  return { app, platform: p, prod };
}

describe('monitoring on (platform option): DCGM exporter after the Prometheus Operator CRDs', () => {
  const { app, prod } = platform({ monitorLabels: { release: 'kube-prometheus-stack' }, scrapeInterval: Duration.seconds(30), prometheusUrl: PROMETHEUS });
  const monitoring = ClusterMonitoring.of(prod)!;
  new Construct(prod, 'recs');
  monitoring.addPodMonitor(prod.node.findChild('recs'), 'Metrics', { name: 'recs', namespace: 'serving', selector: { 'app.kubernetes.io/name': 'recs' }, port: 'metrics' });
  const synth = synthApp(app);
  const r = releases(synth, 'acme-prod-addons');

  test('installs prometheus-operator-crds 31.0.0 and dcgm-exporter 4.8.2 (pinned charts), the exporter after the CRDs', () => {
    expect(r['prometheus-operator-crds']).toMatchObject({ chart: 'prometheus-operator-crds', version: '31.0.0', namespace: 'monitoring' });
    expect(r['dcgm-exporter']).toMatchObject({ chart: 'dcgm-exporter', version: '4.8.2', namespace: 'gpu-monitoring' });
    expect(r['dcgm-exporter'].depends_on).toEqual([expect.stringMatching(/^helm_release\.Addons_PrometheusOperatorCrds_[0-9A-F]{8}$/)]);
  });

  test('the exporter\'s ServiceMonitor is on (the CRDs are installed), keeps pod labels, carries the monitor labels', () => {
    expect(r['dcgm-exporter'].values.serviceMonitor).toEqual({ enabled: true, interval: '30s', honorLabels: true, additionalLabels: { release: 'kube-prometheus-stack' } });
  });

  test('the exporter runs on GPU nodes only and tolerates the GPU taint', () => {
    const v = r['dcgm-exporter'].values;
    expect(v.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    const terms = v.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms[0]).toEqual({ matchExpressions: [{ key: 'nvidia.com/gpu.present', operator: 'In', values: ['true'] }] });
    expect(terms[1].matchExpressions[0].values).toContain('nvidia-l4');
  });

  test('a PodMonitor in the workloads stack, under its owner, valid against the Prometheus Operator schema', () => {
    const objects = kubernetesObjects(synth).filter((o) => o.manifest.kind === 'PodMonitor');
    expect(objects.map((o) => o.stack)).toEqual(['acme-prod-workloads']);
    const m = objects[0].manifest;
    expect(m).toMatchObject({
      apiVersion: 'monitoring.coreos.com/v1',
      metadata: { name: 'recs', namespace: 'serving', labels: { 'release': 'kube-prometheus-stack', 'app.kubernetes.io/part-of': 'acme' } },
      spec: { selector: { matchLabels: { 'app.kubernetes.io/name': 'recs' } }, podMetricsEndpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }] },
    });
    expect(defaultRegistry().validate(m)).toEqual([]);
  });

  test('the cluster\'s Prometheus URL feeds KEDA triggers', () => {
    expect(monitoring.prometheusTrigger('sum(x)', 5)).toMatchObject({ type: 'prometheus', metadata: { serverAddress: PROMETHEUS, query: 'sum(x)', threshold: '5' } });
  });

  test('enable is idempotent per cluster', () => {
    expect(ClusterMonitoring.enable(prod, {})).toBe(monitoring);
  });
});

describe('monitoring variants', () => {
  test('without the CRDs: no CRDs release, the exporter\'s ServiceMonitor off, and PodMonitors refused', () => {
    const { app, prod } = platform({ prometheusOperatorCrds: false });
    const act = () => ClusterMonitoring.of(prod)!.addPodMonitor(prod, 'M', { name: 'm', namespace: 'ns', selector: { a: 'b' }, port: 'metrics' });
    expect(act).toThrow(/invalid monitoring\.prometheusOperatorCrds: received false/);
    const r = releases(synthApp(app), 'acme-prod-addons');
    expect(r['prometheus-operator-crds']).toBeUndefined();
    expect(r['dcgm-exporter'].values.serviceMonitor.enabled).toBe(false);
    expect(r['dcgm-exporter'].depends_on).toBeUndefined();
  });

  test('the GPU Operator brings its own exporter: no standalone chart, its ServiceMonitor configured', () => {
    const { app } = platform({}, { gpuStack: GpuStack.gpuOperator() });
    const r = releases(synthApp(app), 'acme-prod-addons');
    expect(r['dcgm-exporter']).toBeUndefined();
    expect(r['gpu-operator'].values.dcgmExporter).toEqual({ enabled: true, serviceMonitor: { enabled: true, interval: '15s', honorLabels: true } });
  });

  test('dcgmExporter: false installs only the CRDs', () => {
    const r = releases(synthApp(platform({ dcgmExporter: false }).app), 'acme-prod-addons');
    expect(Object.keys(r).sort()).toEqual(['prometheus-operator-crds']);
  });

  test('a cluster\'s own monitoring wins over the platform\'s; existing clusters added to the platform get it too', () => {
    const app = testApp();
    const p = new AiPlatform(app, 'acme', { monitoring: { dcgmExporter: false } });
    const prod = p.addEksCluster('prod', { ...PROD, monitoring: { prometheusOperatorCrds: false } });
    const lab = p.addExistingCluster('lab');
    expect(ClusterMonitoring.of(prod)!.options).toEqual({ prometheusOperatorCrds: false });
    expect(ClusterMonitoring.of(lab)!.monitorsAvailable).toBe(true);
    const synth = synthApp(app);
    expect(Object.keys(releases(synth, 'acme-lab-addons'))).toEqual(['prometheus-operator-crds']);
  });

  test('no monitoring unless asked', () => {
    const app = testApp();
    const prod = new AiPlatform(app, 'acme').addEksCluster('prod', PROD);
    expect(ClusterMonitoring.of(prod)).toBeUndefined();
  });
});

describe('CloudWatch Container Insights (EKS)', () => {
  const { app } = platform({ containerInsights: true, containerInsightsAddonVersion: 'v4.1.0-eksbuild.1' });
  const synth = synthApp(app);
  const infra = synth.stack('acme-prod-infra');

  test('the amazon-cloudwatch-observability add-on with its role through EKS Pod Identity', () => {
    const addon = Object.values<any>(resourcesOf(infra, 'aws_eks_addon')).find((a) => a.addon_name === 'amazon-cloudwatch-observability');
    expect(addon).toMatchObject({
      addon_version: 'v4.1.0-eksbuild.1',
      pod_identity_association: [{ service_account: 'cloudwatch-agent', role_arn: expect.stringMatching(/^\$\{aws_iam_role\.ContainerInsights_AgentRole_\w+\.arn\}$/) }],
      depends_on: [expect.stringMatching(/^aws_eks_addon\.Addon-eks-pod-identity-agent/)],
    });
    const role = Object.entries<any>(resourcesOf(infra, 'aws_iam_role')).find(([id]) => id.startsWith('ContainerInsights_AgentRole'))![1];
    // Pod Identity (AssumeRole + TagSession), for the agent's service account of this cluster only (session tags).
    expect(JSON.parse(role.assume_role_policy).Statement[0]).toEqual({
      Effect: 'Allow',
      Principal: { Service: ['pods.eks.amazonaws.com'] },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: {
        StringEquals: {
          'aws:RequestTag/eks-cluster-arn': expect.stringMatching(/^\$\{aws_eks_cluster\.[A-Za-z0-9_]+\.arn\}$/),
          'aws:RequestTag/kubernetes-namespace': 'amazon-cloudwatch',
          'aws:RequestTag/kubernetes-service-account': 'cloudwatch-agent',
        },
      },
    });
    const attachment = Object.entries<any>(resourcesOf(infra, 'aws_iam_role_policy_attachment')).find(([id]) => id.startsWith('ContainerInsights_AgentPolicy'))![1];
    expect(attachment.policy_arn).toBe('arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy');
  });

  test('off by default', () => {
    const plain = synthApp(platform({}).app).stack('acme-prod-infra');
    expect(Object.values<any>(resourcesOf(plain, 'aws_eks_addon')).map((a) => a.addon_name)).not.toContain('amazon-cloudwatch-observability');
  });

  (skipPlan ? test.skip : test)('the infra stack with Container Insights and a budget plans offline', () => {
    const app2 = testApp();
    new AiPlatform(app2, 'acme', { monitoring: { containerInsights: true }, budgetMonthlyUsd: 10_000 }).addEksCluster('prod', PROD);
    const result = planOffline(synthApp(app2).stack('acme-prod-infra').json, { validate: false });
    if (!result.ok) throw new Error(`terraform ${result.failedStep} failed:\n${result.output.slice(-4000)}`);
    const types = result.plannedResources.map((r) => r.type);
    expect(types).toContain('aws_budgets_budget');
    expect(result.plannedResources.filter((r) => r.address.includes('ContainerInsights')).map((r) => r.type).sort())
      .toEqual(['aws_eks_addon', 'aws_iam_role', 'aws_iam_role_policy_attachment']);
  }, 180_000);

  test('throws when Container Insights is asked on an existing cluster', () => {
    const p = new AiPlatform(testApp(), 'acme', { monitoring: { containerInsights: true } });
    expect(() => p.addExistingCluster('lab')).toThrow(/acme\/lab: invalid monitoring\.containerInsights: received true; expected an EKS cluster/);
  });

  test('throws when the add-on version is not an EKS add-on version', () => {
    expect(() => platform({ containerInsights: true, containerInsightsAddonVersion: '4.1.0' })).toThrow(/invalid monitoring\.containerInsightsAddonVersion/);
  });
});

describe('monitor objects and KEDA triggers', () => {
  test('podMonitorObject and serviceMonitorObject validate against the Prometheus Operator v0.93.0 schemas', () => {
    const pm = podMonitorObject({ name: 'vllm', namespace: 'serving', selector: { app: 'vllm' }, port: 'http', path: '/metrics', interval: Duration.minutes(1), labels: { team: 'ml' } });
    const sm = serviceMonitorObject({ name: 'dcgm', namespace: 'monitoring', namespaces: ['gpu-monitoring'], selector: { 'app.kubernetes.io/name': 'dcgm-exporter' }, port: 'metrics', honorLabels: true });
    expect(pm.spec).toEqual({ selector: { matchLabels: { app: 'vllm' } }, namespaceSelector: { matchNames: ['serving'] }, podMetricsEndpoints: [{ port: 'http', path: '/metrics', interval: '1m' }] });
    expect(sm.spec).toMatchObject({ namespaceSelector: { matchNames: ['gpu-monitoring'] }, endpoints: [{ port: 'metrics', path: '/metrics', interval: '15s', honorLabels: true }] });
    expect([...defaultRegistry().validate(pm), ...defaultRegistry().validate(sm)]).toEqual([]);
  });

  test('a KEDA prometheus trigger on GPU utilisation and one on queue depth validate inside a ScaledObject', () => {
    const sel = { namespace: 'serving', podPrefix: 'recs-predictor' };
    expect(GpuMetrics.utilization(sel)).toBe('avg(DCGM_FI_DEV_GPU_UTIL{namespace="serving",pod=~"recs-predictor.*"})');
    expect(GpuMetrics.queueDepth('vllm:num_requests_waiting', sel)).toBe('sum(vllm:num_requests_waiting{namespace="serving",pod=~"recs-predictor.*"})');
    const gpu = prometheusTrigger({ serverAddress: PROMETHEUS, query: GpuMetrics.utilization(sel), threshold: 70, activationThreshold: 5, name: 'gpu' });
    const queue = prometheusTrigger({ serverAddress: PROMETHEUS, query: GpuMetrics.queueDepth('vllm:num_requests_waiting', sel), threshold: 4, authenticationRef: 'prometheus-auth', ignoreNullValues: false });
    expect(gpu).toEqual({
      type: 'prometheus',
      name: 'gpu',
      metricType: 'AverageValue',
      metadata: { serverAddress: PROMETHEUS, query: GpuMetrics.utilization(sel), threshold: '70', activationThreshold: '5', ignoreNullValues: 'true' },
    });
    const scaledObject = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'recs', namespace: 'serving' },
      spec: { scaleTargetRef: { name: 'recs-predictor' }, minReplicaCount: 0, maxReplicaCount: 8, triggers: [gpu, queue] },
    };
    expect(defaultRegistry().validate(scaledObject)).toEqual([]);
  });

  test.each([
    ['serverAddress', { serverAddress: 'prometheus:9090' }],
    ['query', { query: ' ' }],
    ['threshold', { threshold: 0 }],
    ['activationThreshold', { activationThreshold: -1 }],
    ['metricType', { metricType: 'Average' }],
  ])('prometheusTrigger throws when %s is invalid (%j)', (field, extra) => {
    const act = () => prometheusTrigger({ serverAddress: PROMETHEUS, query: 'up', threshold: 1, ...(extra as object) });
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(new RegExp(`invalid ${field}`));
  });

  test('GpuMetrics throws on names that would break the query', () => {
    expect(() => GpuMetrics.utilization({ namespace: 'a"b', podPrefix: 'x' })).toThrow(/invalid namespace/);
    expect(() => GpuMetrics.queueDepth('bad metric', { namespace: 'a', podPrefix: 'x' })).toThrow(/invalid metric/);
  });

  test('throws when monitoring options are invalid', () => {
    expect(() => platform({ scrapeInterval: Duration.millis(10) })).toThrow(/invalid monitoring\.scrapeInterval/);
    expect(() => platform({ monitorLabels: { 'bad key!': 'x' } })).toThrow(/monitoring\.monitorLabels/);
    expect(() => platform({ prometheusUrl: 'prometheus' })).toThrow(/invalid monitoring\.prometheusUrl/);
    const { prod } = platform({});
    expect(() => ClusterMonitoring.of(prod)!.prometheusTrigger('up', 1)).toThrow(/invalid monitoring\.prometheusUrl: received undefined/);
  });

  test('throws when a PodMonitor has no selector or a bad port name', () => {
    const { prod } = platform({});
    const m = ClusterMonitoring.of(prod)!;
    expect(() => m.addPodMonitor(prod, 'A', { name: 'a', namespace: 'ns', selector: {}, port: 'metrics' })).toThrow(/invalid selector/);
    expect(() => m.addPodMonitor(prod, 'B', { name: 'b', namespace: 'ns', selector: { a: 'b' }, port: 'Metrics_Port' })).toThrow(/invalid port/);
  });
});
