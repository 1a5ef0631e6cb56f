import { Construct } from 'constructs';
import { Charts } from './charts';
import { addonsScope } from './gpu-addons';
import { HelmAddon } from './helm-addon';
import { emitManifest } from './manifest';
import { ConfigError } from '../core/errors';
import type { ICluster } from '../platform/cluster';
import { Layer } from '../platform/cluster';

/**
 * KEDA on a cluster (one Helm release in its addons stack), created on first use. On clusters with
 * workload identity, the KEDA operator gets one role that may read the attributes (queue depth) of
 * the platform's own SQS queues, whose names all start with `<platform>-`; scalers authenticate as
 * the operator. On existing clusters, scalers read the credentials secret of the workload identity.
 * @internal
 */
export class Keda extends HelmAddon {
  /** Namespace and service account of the KEDA operator. */
  public static readonly NAMESPACE = Charts.KEDA.namespace;
  public static readonly OPERATOR_SERVICE_ACCOUNT = 'keda-operator';

  public static of(cluster: ICluster): Keda {
    const scope = addonsScope(cluster);
    return (scope.node.tryFindChild('Keda') as Keda | undefined) ?? new Keda(scope as Construct, 'Keda', cluster);
  }

  private readonly cluster: ICluster;

  private constructor(scope: Construct, id: string, cluster: ICluster) {
    super(scope, id, { releaseName: 'keda', chart: Charts.KEDA });
    this.cluster = cluster;
    if (cluster.capabilities.workloadIdentity && cluster.region) {
      const partition = cluster.region.startsWith('cn-') ? 'aws-cn' : cluster.region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
      cluster.grantWorkload(this, Keda.NAMESPACE, Keda.OPERATOR_SERVICE_ACCOUNT, [{
        actions: ['sqs:GetQueueAttributes'],
        resources: [`arn:${partition}:sqs:${cluster.region}:*:${cluster.platformName}-*`],
      }]);
    }
    this.addValues(() => ({
      serviceAccount: { operator: { create: true, name: Keda.OPERATOR_SERVICE_ACCOUNT } },
    }));
  }

  /**
   * The name of a `TriggerAuthentication` in `namespace` that lets AWS scalers (SQS) read queue
   * attributes: the operator's own identity on EKS, or the workload identity's credentials secret
   * on an existing cluster. Created once per namespace in the workloads stack.
   */
  public awsTriggerAuthentication(namespace: string, owner: Construct): string {
    const name = 'aws-keda';
    const scope = this.cluster.scopeFor(Layer.WORKLOADS, this.cluster);
    const id = `KedaAwsAuth-${namespace}`;
    if (scope.node.tryFindChild(id)) return name;
    let spec: Record<string, unknown>;
    if (this.cluster.capabilities.workloadIdentity) {
      spec = { podIdentity: { provider: 'aws', identityOwner: 'keda' } };
    } else {
      const identity = this.cluster.grantWorkload(owner, namespace, 'keda-scaler', [{ actions: ['sqs:GetQueueAttributes'], resources: [`arn:aws:sqs:*:*:${this.cluster.platformName}-*`] }]);
      if (!identity.credentialsSecret) {
        throw new ConfigError(owner.node.path, 'workloadIdentity', identity, 'ExistingWorkloadIdentity.credentialsSecret(name) on this cluster: KEDA reads AWS credentials for SQS scalers from that secret');
      }
      const secret = identity.credentialsSecret;
      spec = {
        secretTargetRef: [
          { parameter: 'awsAccessKeyID', name: secret, key: 'AWS_ACCESS_KEY_ID' },
          { parameter: 'awsSecretAccessKey', name: secret, key: 'AWS_SECRET_ACCESS_KEY' },
        ],
      };
    }
    emitManifest(scope, id, {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'TriggerAuthentication',
      metadata: { name, namespace },
      spec,
    }, this.cluster.commonLabels);
    return name;
  }
}
