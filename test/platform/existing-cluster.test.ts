import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { AnnotationMetadataEntryType } from 'cdktf';
import { Construct } from 'constructs';
import { Accelerator, AiPlatform, ClusterAccess, ExistingWorkloadIdentity, GpuNodePool, GpuSharing } from '../../lib';
import { EKS_ACCESS } from '../support/eks-access';
import { catchConfigError as thrown } from '../support/errors';
import { defaultRegistry } from '../support/schemas';
import { kubernetesObjects, resourcesOf, synthApp, testApp } from '../support/synth';

function platform(props: ConstructorParameters<typeof AiPlatform>[2] = {}) {
  const app = testApp();
  return { app, platform: new AiPlatform(app, 'acme', props) };
}


describe('ExistingCluster', () => {
  test('has addons and workloads stacks only, in order, with kubeconfig providers', () => {
    const { app, platform: p } = platform();
    p.addExistingCluster('lab', { kubeconfigPath: '~/.kube/lab', context: 'lab-admin' });
    const synth = synthApp(app);
    expect(synth.stacks.map((s) => s.name).sort()).toEqual(['acme-lab-addons', 'acme-lab-workloads']);
    expect(synth.stack('acme-lab-workloads').dependencies).toEqual(['acme-lab-addons']);
    for (const name of ['acme-lab-addons', 'acme-lab-workloads']) {
      const json = synth.stack(name).json;
      expect(json.provider.kubernetes[0]).toEqual({ config_path: '~/.kube/lab', config_context: 'lab-admin' });
      expect(json.provider.helm[0].kubernetes).toEqual({ config_path: '~/.kube/lab', config_context: 'lab-admin' });
    }
  });

  test('credentials from the environment leave no secret or host in the JSON', () => {
    const { app, platform: p } = platform();
    p.addExistingCluster('edge', { access: ClusterAccess.fromEnvironment() });
    const json = synthApp(app).stack('acme-edge-workloads').json;
    expect(json.provider.kubernetes[0]).toEqual({});
    expect(JSON.stringify(json)).not.toMatch(/token|password/i);
  });

  test('exec access passes host, CA and the credential plugin', () => {
    const { app, platform: p } = platform();
    p.addExistingCluster('gke', { access: ClusterAccess.exec('https://203.0.113.10', 'gke-gcloud-auth-plugin', [], 'Q0E=') });
    const provider = synthApp(app).stack('acme-gke-addons').json.provider.kubernetes[0];
    expect(provider.host).toBe('https://203.0.113.10');
    expect(provider.exec[0]).toMatchObject({ command: 'gke-gcloud-auth-plugin', api_version: 'client.authentication.k8s.io/v1beta1' });
  });

  test('existing GPU nodes: selector, tolerations, capacity math, and a Kueue flavor that validates', () => {
    const { app, platform: p } = platform();
    const lab = p.addExistingCluster('lab');
    const a100 = GpuNodePool.fromExistingNodes(lab, 'a100', {
      accelerator: Accelerator.NVIDIA_A100_80GB,
      nodeSelector: { 'acme.example/gpu': 'a100' },
      gpus: 16,
      sharing: GpuSharing.timeSlicing(2),
    });
    expect(a100.nodeSelector).toEqual({ 'acme.example/gpu': 'a100' });
    expect(a100.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(a100.maxUnits).toBe(32);
    expect(a100.resourceName).toBe('nvidia.com/gpu');
    expect(a100.resourceFlavor()).toBe('a100-on-demand');
    a100.resourceFlavor(); // idempotent
    const synth = synthApp(app);
    const objects = kubernetesObjects(synth);
    expect(objects).toHaveLength(1);
    expect(objects[0].manifest).toMatchObject({
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'ResourceFlavor',
      metadata: { name: 'a100-on-demand', labels: { 'app.kubernetes.io/part-of': 'acme' } },
      spec: { nodeLabels: { 'acme.example/gpu': 'a100' }, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] },
    });
    expect(defaultRegistry().validate(objects[0].manifest)).toEqual([]);
    // Kueue gets installed in the addons stack, pinned.
    const releases = Object.values<any>(resourcesOf(synth.stack('acme-lab-addons'), 'helm_release'));
    expect(releases.map((r) => [r.chart, r.version])).toEqual([['kueue', '0.19.2']]);
  });

  test('workload identity through a credentials secret or user-supplied roles', () => {
    const { platform: p } = platform();
    const secret = p.addExistingCluster('a', { workloadIdentity: ExistingWorkloadIdentity.credentialsSecret('aws-creds') });
    expect(secret.grantWorkload(secret, 'ml', 'trainer', [{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }]))
      .toEqual({ namespace: 'ml', serviceAccount: 'trainer', credentialsSecret: 'aws-creds' });
    const roles = p.addExistingCluster('b', { workloadIdentity: ExistingWorkloadIdentity.roles({ 'ml/trainer': 'arn:aws:iam::1:role/t' }) });
    expect(roles.grantWorkload(roles, 'ml', 'trainer', [{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }]).roleArn).toBe('arn:aws:iam::1:role/t');
  });

  test('what a credentials secret needs is told readably: conditions kept, values known at apply named by their resource', () => {
    const { platform: p } = platform();
    const lab = p.addExistingCluster('lab', { awsRegion: 'us-east-1', workloadIdentity: ExistingWorkloadIdentity.credentialsSecret('aws-creds') });
    const cloud = lab.cloudScopeFor(lab) as Construct;
    const bucket = new S3Bucket(cloud, 'Artifacts', { bucketPrefix: 'artifacts-' });
    lab.grantWorkload(lab, 'ml', 'trainer', [
      { actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::data'], conditions: { StringLike: { 's3:prefix': ['in/*'] } } },
      { actions: ['s3:GetObject'], resources: [`${bucket.arn}/*`] },
    ]);
    const [info] = lab.node.metadata.map((m) => String(m.data)).filter((m) => m.includes('aws-creds'));
    expect(info).not.toContain('TfToken');
    expect(info).toContain('"Condition":{"StringLike":{"s3:prefix":["in/*"]}}');
    expect(info).toMatch(/"Resource":\["<aws_s3_bucket\.[A-Za-z0-9_-]*Artifacts[A-Za-z0-9_]*\.arn in stack acme-aws-us-east-1>\/\*"\]/);
  });

  test('the permissions of an identity it cannot bind become one managed policy per secret (or role), with its ARN as an output', () => {
    const { app, platform: p } = platform();
    const lab = p.addExistingCluster('lab', { awsRegion: 'us-east-1', workloadIdentity: ExistingWorkloadIdentity.credentialsSecret('aws-creds') });
    const queue = new SqsQueue(lab.cloudScopeFor(lab) as Construct, 'Work', { sqsManagedSseEnabled: true });
    lab.grantWorkload(lab, 'ml', 'trainer', [{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::data/*'] }, { actions: ['sqs:ReceiveMessage'], resources: [queue.arn] }]);
    lab.grantWorkload(lab, 'ml', 'evaluator', [{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::data/*'] }]); // same secret: same policy, no duplicate
    lab.grantWorkload(lab, 'other', 'job', [{ actions: ['sqs:ReceiveMessage'], resources: ['arn:aws:sqs:us-east-1:111122223333:q'] }]);
    const roles = p.addExistingCluster('edge', { awsRegion: 'us-east-1', workloadIdentity: ExistingWorkloadIdentity.roles({ 'ml/reader': 'arn:aws:iam::111122223333:role/edge/model-reader' }) });
    roles.grantWorkload(roles, 'ml', 'reader', [{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::models/*'] }]);
    const aws = synthApp(app).stack('acme-aws-us-east-1');
    const policies = Object.values<any>(resourcesOf(aws, 'aws_iam_policy'));
    expect(policies.map((x) => x.name).sort()).toEqual(['acme-edge-role-model-reader', 'acme-lab-ml-aws-creds', 'acme-lab-other-aws-creds']);
    const ml = policies.find((x) => x.name === 'acme-lab-ml-aws-creds');
    expect(JSON.parse(ml.policy).Statement).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::data/*'] },
      { Effect: 'Allow', Action: ['sqs:ReceiveMessage'], Resource: [expect.stringMatching(/^\$\{aws_sqs_queue\..*Work.*\.arn\}$/)] },
    ]);
    expect(ml.description).toMatch(/secret ml\/aws-creds/);
    expect(Object.keys(aws.json.output)).toEqual(expect.arrayContaining(['workload-policy-lab-ml-aws-creds', 'workload-policy-edge-role-model-reader']));
    expect(lab.node.metadata.map((m) => String(m.data))).toContainEqual(expect.stringMatching(/^ml\/trainer reads AWS credentials from secret aws-creds; attach IAM policy acme-lab-ml-aws-creds \(Terraform output workload-policy-lab-ml-aws-creds of stack acme-aws-us-east-1\)/));
  });

  test('warns when an identity\'s policy would exceed the 6,144 characters IAM allows', () => {
    const { app, platform: p } = platform();
    const lab = p.addExistingCluster('lab', { awsRegion: 'us-east-1', workloadIdentity: ExistingWorkloadIdentity.credentialsSecret('aws-creds') });
    for (let i = 0; i < 60; i++) {
      lab.grantWorkload(lab, 'ml', `job-${i}`, [{ actions: ['s3:GetObject', 's3:PutObject'], resources: [`arn:aws:s3:::acme-bucket-${i}/some/long/prefix/for/job-${i}/*`] }]);
    }
    const warnings = app.node.findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data)));
    expect(warnings).toEqual([expect.stringMatching(/IAM policy acme-lab-ml-aws-creds needs about \d+ characters, more than the 6144 IAM allows/)]);
  });

  test('no managed policy without an AWS region, or when a statement names another stack\'s resource', () => {
    const { app, platform: p } = platform();
    const noRegion = p.addExistingCluster('a', { workloadIdentity: ExistingWorkloadIdentity.credentialsSecret('aws-creds') });
    noRegion.grantWorkload(noRegion, 'ml', 'trainer', [{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }]);
    expect(noRegion.node.metadata.map((m) => String(m.data))).toContainEqual(expect.stringMatching(/^ml\/trainer reads AWS credentials from secret aws-creds; they need/));
    const lab = p.addExistingCluster('lab', { awsRegion: 'us-east-1', workloadIdentity: ExistingWorkloadIdentity.credentialsSecret('aws-creds') });
    const prod = p.addEksCluster('prod', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS });
    const elsewhere = new SqsQueue(prod.cloudScopeFor(prod) as Construct, 'Elsewhere', { sqsManagedSseEnabled: true });
    lab.grantWorkload(lab, 'ml', 'trainer', [{ actions: ['sqs:ReceiveMessage'], resources: [elsewhere.arn] }]);
    const synth = synthApp(app);
    expect(synth.stacks.map((s) => s.name)).not.toContain('acme-aws-us-east-1');
  });

  test('add-on settings: disable one the cluster already runs, override values of another', () => {
    const { app, platform: p } = platform();
    const lab = p.addExistingCluster('lab', { addons: { kueue: { values: { enablePrometheus: true } } } });
    GpuNodePool.fromExistingNodes(lab, 'a100', { accelerator: Accelerator.NVIDIA_A100_80GB, nodeSelector: { gpu: 'a100' }, gpus: 8 }).resourceFlavor();
    const release = Object.values<any>(resourcesOf(synthApp(app).stack('acme-lab-addons'), 'helm_release'))[0];
    expect(JSON.parse(release.values[0])).toEqual({ enablePrometheus: true });

    const other = platform();
    const off = other.platform.addExistingCluster('lab', { addons: { kueue: { enabled: false } } });
    GpuNodePool.fromExistingNodes(off, 'a100', { accelerator: Accelerator.NVIDIA_A100_80GB, nodeSelector: { gpu: 'a100' }, gpus: 8 }).resourceFlavor();
    const synth = synthApp(other.app);
    expect(resourcesOf(synth.stack('acme-lab-addons'), 'helm_release')).toEqual({});
    expect(kubernetesObjects(synth)).toHaveLength(1);
  });

  test('addHelmChart installs a pinned chart by hand', () => {
    const { app, platform: p } = platform();
    const lab = p.addExistingCluster('lab');
    lab.addHelmChart('metrics-server', {
      repository: 'https://kubernetes-sigs.github.io/metrics-server/', chart: 'metrics-server', version: '3.13.1', namespace: 'kube-system', values: { replicas: 2 },
    });
    const release = Object.values<any>(resourcesOf(synthApp(app).stack('acme-lab-addons'), 'helm_release'))[0];
    expect(release).toMatchObject({ name: 'metrics-server', chart: 'metrics-server', version: '3.13.1', namespace: 'kube-system' });
    expect(JSON.parse(release.values[0])).toEqual({ replicas: 2 });
  });

  describe('validation', () => {
    test('throws when the cluster is asked to create nodes', () => {
      const { platform: p } = platform();
      const lab = p.addExistingCluster('lab');
      const e = thrown(() => new GpuNodePool(lab, 'l4', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 2 }));
      expect(e.message).toMatch(/acme\/lab\/l4.*provisioner.*fromExistingNodes/);
    });
    test('throws when a workload needs cloud permissions and no identity option is set', () => {
      const { platform: p } = platform();
      const lab = p.addExistingCluster('lab');
      const e = thrown(() => lab.grantWorkload(lab, 'ml', 'trainer', [{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }]));
      expect(e.field).toBe('workloadIdentity');
      expect(e.message).toMatch(/credentialsSecret.*roles.*s3:GetObject/);
    });
    test('throws when the roles map lacks the service account', () => {
      const { platform: p } = platform();
      const lab = p.addExistingCluster('lab', { workloadIdentity: ExistingWorkloadIdentity.roles({ 'ml/other': 'arn:aws:iam::1:role/o' }) });
      const e = thrown(() => lab.grantWorkload(lab, 'ml', 'trainer', [{ actions: ['s3:GetObject'], resources: ['*'] }]));
      expect(e.message).toMatch(/workloadIdentity\.roles.*ml\/other.*ml\/trainer/);
    });
    test('throws when the region is outside the allowed regions', () => {
      const { platform: p } = platform({ allowedRegions: ['eu-central-1'] });
      const e = thrown(() => p.addExistingCluster('lab', { region: 'us-east-1' }));
      expect(e.message).toMatch(/acme\/lab: invalid region: received "us-east-1".*eu-central-1/);
    });
    test('throws when access and kubeconfigPath are both given', () => {
      const { platform: p } = platform();
      const e = thrown(() => p.addExistingCluster('lab', { access: ClusterAccess.fromEnvironment(), kubeconfigPath: '~/.kube/config' }));
      expect(e.field).toBe('access');
    });
    test('throws when kubeconfigPath is blank', () => {
      const { platform: p } = platform();
      expect(() => p.addExistingCluster('lab', { kubeconfigPath: ' ' })).toThrow(/kubeconfigPath.*received " "/);
    });
    test('throws when an add-on setting names an unknown add-on', () => {
      const { platform: p } = platform();
      expect(() => p.addExistingCluster('lab', { addons: { kserv: { enabled: false } } })).toThrow(/addons\.kserv.*received "kserv".*nvidia-device-plugin/);
    });
    test('throws when a hand-added chart is not pinned', () => {
      const { platform: p } = platform();
      const lab = p.addExistingCluster('lab');
      expect(() => lab.addHelmChart('x', { repository: 'https://example.com', chart: 'x', version: '^1.0.0', namespace: 'x' })).toThrow(/acme\/lab\/x: invalid version: received "\^1.0.0"/);
    });
    test('throws when existing nodes have no selector or no GPUs', () => {
      const { platform: p } = platform();
      const lab = p.addExistingCluster('lab');
      expect(() => GpuNodePool.fromExistingNodes(lab, 'a', { accelerator: Accelerator.NVIDIA_A100_80GB, nodeSelector: {}, gpus: 8 })).toThrow(/nodeSelector/);
      expect(() => GpuNodePool.fromExistingNodes(lab, 'b', { accelerator: Accelerator.NVIDIA_A100_80GB, nodeSelector: { g: 'a' }, gpus: 0 })).toThrow(/gpus: received 0/);
    });
  });
});

test('throws when a cluster id is used twice in a platform', () => {
  const { platform: p } = platform();
  p.addExistingCluster('lab');
  expect(() => p.addExistingCluster('lab')).toThrow(/acme\/lab: invalid id: received "lab"; expected a cluster id not used yet in platform acme \(taken: lab\)/);
  expect(() => p.addEksCluster('lab', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS })).toThrow(/invalid id: received "lab"/);
});
