/** Run the policy checks over a stack or a platform and collect the findings (no synth failure). */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, Aspects, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import type { AiPlatform } from '../../lib/platform/ai-platform';
import { PolicyChecks, PolicyChecksProps, PolicyFinding } from '../../lib/policy/engine';
import { testApp } from '../support/synth';

/** A plain stack (AWS and Kubernetes providers) with the checks added; returns the findings. */
export function checkStack(build: (stack: TerraformStack) => void, props: PolicyChecksProps = {}): PolicyFinding[] {
  const app = testApp();
  const stack = new TerraformStack(app, 'raw');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  new KubernetesProvider(stack, 'kubernetes', {});
  build(stack);
  const checks = new PolicyChecks(props);
  Aspects.of(stack).add(checks);
  Testing.synth(stack);
  return checks.findings;
}

/** Run the aspects of every stack of the platform's App (errors recorded, not thrown). */
export function checkPlatform(platform: AiPlatform): PolicyFinding[] {
  const app = App.of(platform);
  for (const stack of app.node.findAll().filter(TerraformStack.isStack)) Testing.synth(stack);
  return platform.policyChecks.findings;
}

/** Rule ids of the findings that are not suppressed. */
export function active(findings: PolicyFinding[]): string[] {
  return findings.filter((f) => !f.suppressedBy).map((f) => f.ruleId);
}

/** Rule ids of the suppressed findings. */
export function suppressed(findings: PolicyFinding[]): string[] {
  return findings.filter((f) => f.suppressedBy).map((f) => f.ruleId);
}

/** A Kubernetes object as a `kubernetes_manifest`. */
export function manifest(scope: Construct, id: string, object: Record<string, unknown>): Manifest {
  return new Manifest(scope, id, { manifest: object });
}

/** A Deployment in `namespace` with one container. */
export function deployment(
  name: string, namespace: string, container: Record<string, unknown>, podSpec: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { ...podSpec, containers: [{ name: 'main', image: 'registry.example.com/app:1.0', ...container }] } },
    },
  };
}

/** Options of {@link job}. */
export interface JobOptions {
  readonly parallelism?: number;
  readonly podSpec?: Record<string, unknown>;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/** A Job in `namespace`, `parallelism` pods with one container each. */
export function job(name: string, namespace: string, container: Record<string, unknown>, opts: JobOptions = {}): Record<string, unknown> {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace, ...(opts.labels ? { labels: opts.labels } : {}), ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: {
      parallelism: opts.parallelism ?? 1,
      template: {
        spec: {
          restartPolicy: 'Never',
          ...(opts.podSpec ?? {}),
          containers: [{ name: 'main', image: 'registry.example.com/train:1.0', securityContext: SAFE, ...container }],
        },
      },
    },
  };
}

/** A container security context that passes the baseline. */
export const SAFE = { allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
