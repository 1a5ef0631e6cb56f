import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';

/** How the Kubernetes and Helm providers of a cluster's addons and workloads stacks reach it. */
export interface KubernetesAccess {
  /** API server URL (EKS: cross-stack reference to the cluster endpoint). */
  readonly host?: string;
  /** Base64-encoded cluster CA (EKS: `certificate_authority[0].data`). */
  readonly clusterCaBase64?: string;
  /** Exec credential plugin: command and arguments (EKS: `aws eks get-token ...`). */
  readonly execCommand?: string;
  readonly execArgs?: string[];
  /** A kubeconfig file and context (existing clusters). */
  readonly kubeconfigPath?: string;
  readonly kubeconfigContext?: string;
}

/** Configure the kubernetes and helm providers of one stack. */
export function configureKubernetesProviders(scope: Construct, access: KubernetesAccess): void {
  const ca = access.clusterCaBase64 ? Fn.base64decode(access.clusterCaBase64) : undefined;
  const exec = access.execCommand
    ? { apiVersion: 'client.authentication.k8s.io/v1beta1', command: access.execCommand, args: access.execArgs }
    : undefined;
  new KubernetesProvider(scope, 'kubernetes', {
    host: access.host,
    clusterCaCertificate: ca,
    exec: exec ? [exec] : undefined,
    configPath: access.kubeconfigPath,
    configContext: access.kubeconfigContext,
  });
  new HelmProvider(scope, 'helm', {
    kubernetes: {
      host: access.host,
      clusterCaCertificate: ca,
      exec,
      configPath: access.kubeconfigPath,
      configContext: access.kubeconfigContext,
    },
  });
}
