/**
 * The compatibility table (lib/kubernetes/compatibility.ts): one row per pinned chart, its range
 * cross-checked with the vendored Chart.yaml `kubeVersion` where the chart declares one, and the
 * synth-time check of each cluster's Kubernetes version against it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnnotationMetadataEntryType } from 'cdktf';
import { IConstruct } from 'constructs';
import * as yaml from 'yaml';
import {
  Accelerator, AiPlatform, Duration, GpuNodePool, KubernetesVersion, ModelSource, ServerlessInferenceEndpoint, ServingRuntime,
} from '../../lib';
import { Charts } from '../../lib/kubernetes/charts';
import { COMPATIBILITY, compatibilityOf, describeRange } from '../../lib/kubernetes/compatibility';
import { expectConfigError } from '../support/errors';
import { EKS_ACCESS } from '../support/eks-access';
import { testApp } from '../support/synth';

const VENDOR = path.join(__dirname, '..', '..', 'vendor', 'charts');

/** A Knative (scale-to-zero) endpoint on a new GPU pool of `cluster`. */
function knativeEndpoint(cluster: ReturnType<AiPlatform['addEksCluster']> | ReturnType<AiPlatform['addExistingCluster']>): ServerlessInferenceEndpoint {
  const pool = GpuNodePool.fromExistingNodes(cluster, 'l4', { accelerator: Accelerator.NVIDIA_L4, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' }, gpus: 2 });
  return new ServerlessInferenceEndpoint(cluster, 'recs', {
    pool,
    model: ModelSource.huggingFace('Qwen/Qwen2.5-1.5B-Instruct', { revision: '989aa79' }),
    runtime: ServingRuntime.VLLM,
    minReplicas: 0,
    maxReplicas: 2,
    scaleToZeroAfter: Duration.minutes(10),
  });
}

function messagesUnder(scope: IConstruct, type: string): string[] {
  return scope.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === type).map((m) => String(m.data)));
}

describe('the compatibility table', () => {
  test('has a row for every pinned chart, with a source and a consistent range', () => {
    expect(Object.keys(COMPATIBILITY).sort()).toEqual(Object.keys(Charts).sort());
    for (const [key, row] of Object.entries(COMPATIBILITY)) {
      expect([key, row.source.length > 10]).toEqual([key, true]);
      if (row.minMinor !== undefined && row.maxMinor !== undefined) expect(row.minMinor).toBeLessThanOrEqual(row.maxMinor);
      expect(compatibilityOf(Charts[key as keyof typeof Charts])).toBe(row);
    }
  });

  test('where a vendored chart declares kubeVersion, the row has that floor and Helm enforces it (error)', () => {
    let checked = 0;
    for (const [key, chart] of Object.entries(Charts)) {
      const file = ['Chart.yaml', 'Chart.template.yaml'].map((f) => path.join(VENDOR, chart.chart, chart.version, f)).find((f) => fs.existsSync(f));
      if (!file) continue;
      const kubeVersion: string | undefined = yaml.parse(fs.readFileSync(file, 'utf8')).kubeVersion;
      if (!kubeVersion || chart.chart === 'cert-manager') continue; // cert-manager's project range is narrower than its chart's floor
      const floor = /^>=\s*v?1\.(\d+)/.exec(kubeVersion);
      expect([key, floor && Number(floor[1])]).toEqual([key, COMPATIBILITY[key as keyof typeof Charts].minMinor]);
      expect([key, COMPATIBILITY[key as keyof typeof Charts].enforcement]).toEqual([key, 'error']);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  test('Knative 1.23 needs Kubernetes 1.34 (knative/pkg release-1.23 DefaultKubernetesMinVersion); cert-manager 1.19 covers 1.34', () => {
    expect(describeRange(COMPATIBILITY.KNATIVE_OPERATOR)).toBe('1.34 or newer');
    expect(COMPATIBILITY.KNATIVE_OPERATOR.enforcement).toBe('error');
    expect(describeRange(COMPATIBILITY.CERT_MANAGER)).toBe('1.31–1.35');
    expect(describeRange(COMPATIBILITY.CLUSTER_AUTOSCALER_1_33)).toBe('1.33 only');
  });
});

describe('checked at synth against each cluster\'s version', () => {
  test('a Knative endpoint on EKS 1.33 fails, naming the cluster, the component, its range, the version and the fix', () => {
    const platform = new AiPlatform(testApp(), 'acme');
    const prod = platform.addEksCluster('prod', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS, version: KubernetesVersion.V1_33 });
    const e = expectConfigError(() => knativeEndpoint(prod), {
      path: 'acme/prod',
      field: 'version',
      received: '1.33',
      expected: /Kubernetes 1\.34 or newer: Knative Operator and Serving 1\.23\.0 \(chart knative-operator v1\.23\.0\).*DefaultKubernetesMinVersion.*KubernetesVersion\.of/,
    });
    expect(e.message).toContain('knative-operator');
  });

  test('on EKS 1.34 it synthesizes, with no compatibility warning', () => {
    const platform = new AiPlatform(testApp(), 'acme');
    const prod = platform.addEksCluster('prod', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS, version: KubernetesVersion.V1_34 });
    expect(() => knativeEndpoint(prod)).not.toThrow();
    expect(messagesUnder(prod.stacks.addons, AnnotationMetadataEntryType.WARN).filter((m) => /supports Kubernetes/.test(m))).toEqual([]);
  });

  test('an existing cluster declares its version (kubernetesVersion): too old fails, naming that prop', () => {
    const platform = new AiPlatform(testApp(), 'acme');
    const lab = platform.addExistingCluster('lab', { kubernetesVersion: KubernetesVersion.of('1.33') });
    expectConfigError(() => knativeEndpoint(lab), { path: 'acme/lab', field: 'kubernetesVersion', received: '1.33', expected: /Kubernetes 1\.34 or newer: Knative/ });
  });

  test('an existing cluster that does not declare it is not checked: each add-on says what it needs, as info', () => {
    const platform = new AiPlatform(testApp(), 'acme');
    const lab = platform.addExistingCluster('lab');
    expect(() => knativeEndpoint(lab)).not.toThrow();
    const infos = [lab.stacks.addons, lab.stacks.workloads].flatMap((s) => messagesUnder(s, AnnotationMetadataEntryType.INFO));
    expect(infos).toEqual(expect.arrayContaining([expect.stringMatching(/^Knative Operator and Serving 1\.23\.0 needs Kubernetes 1\.34 or newer .*acme\/lab does not declare its version, so this is not checked: set kubernetesVersion$/)]));
  });

  test('an add-on the cluster runs itself (enabled: false) is not checked', () => {
    const platform = new AiPlatform(testApp(), 'acme');
    const lab = platform.addExistingCluster('lab', { kubernetesVersion: KubernetesVersion.of('1.33'), addons: { 'knative-operator': { enabled: false } } });
    expect(() => knativeEndpoint(lab)).not.toThrow();
  });

  test('outside a tested/supported range (enforcement warning) synth warns instead', () => {
    const platform = new AiPlatform(testApp(), 'acme');
    const lab = platform.addExistingCluster('lab', { kubernetesVersion: KubernetesVersion.of('1.36') });
    expect(() => knativeEndpoint(lab)).not.toThrow();
    expect(messagesUnder(lab.stacks.addons, AnnotationMetadataEntryType.WARN)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^cert-manager v1\.19\.6 \(chart cert-manager v1\.19\.6\) supports Kubernetes 1\.31–1\.35, not 1\.36 .*untested there upstream$/),
    ]));
  });
});
