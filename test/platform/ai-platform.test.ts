import * as path from 'node:path';
import { AnnotationMetadataEntryType, App } from 'cdktf';
import { Construct } from 'constructs';
import type { EksClusterProps } from '../../lib/aws/eks-cluster';
import { AiPlatform, StateBackend } from '../../lib/platform/ai-platform';
import { Layer } from '../../lib/platform/cluster';
import { EKS_ACCESS } from '../support/eks-access';
import { expectConfigError } from '../support/errors';
import { onlyResource, Synthesized, synthApp, testApp } from '../support/synth';

/** Run `fn`, expect a ConfigError naming the construct path, the field and the value received. */

const PROD: EksClusterProps = { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS };

describe('AiPlatform with one EKS cluster (defaults)', () => {
  let app: App;
  let platform: AiPlatform;
  let synth: Synthesized;
  beforeAll(() => {
    app = testApp();
    platform = new AiPlatform(app, 'acme', { tags: { team: 'ml', Name: 'from-platform' } });
    const cluster = platform.addEksCluster('prod', PROD);
    // A tag set on the resource itself (escape hatch) wins over the platform tags.
    cluster.resource.tags = { team: 'eks-team' };
    synth = synthApp(app);
  });

  test('creates the infra, addons and workloads stacks named <platform>-<cluster>-<layer>', () => {
    expect(synth.stacks.map((s) => s.name).sort()).toEqual(['acme-prod-addons', 'acme-prod-infra', 'acme-prod-workloads']);
    // The stacks live at the App root, not under the platform construct.
    expect(app.node.tryFindChild('acme-prod-infra')).toBeDefined();
  });

  test('orders the stacks infra <- addons <- workloads', () => {
    expect(synth.stack('acme-prod-infra').dependencies).toEqual([]);
    expect(synth.stack('acme-prod-addons').dependencies).toEqual(['acme-prod-infra']);
    expect(synth.stack('acme-prod-workloads').dependencies).toContain('acme-prod-addons');
  });

  test('platform name defaults to the construct id, tags carry it and managed-by', () => {
    expect(platform.platformName).toBe('acme');
    expect(platform.tags).toEqual({ 'managed-by': 'cdktf-ai-infra', 'ai-platform': 'acme', 'team': 'ml', 'Name': 'from-platform' });
  });

  test('the platform tags are the default_tags of its AWS providers, so every taggable AWS resource gets them', () => {
    const infra = synth.stack('acme-prod-infra');
    expect(infra.json.provider.aws).toEqual([{ region: 'us-east-1', default_tags: [{ tags: platform.tags }] }]);
    // A regional AWS stack (an existing cluster's cloud resources) gets the same provider tags.
    const other = new AiPlatform(testApp(), 'edge', { tags: { team: 'ml' } });
    const aws = other._awsStack('eu-west-1');
    expect(synthApp(aws.node.scope as App).stack('edge-aws-eu-west-1').json.provider.aws)
      .toEqual([{ region: 'eu-west-1', default_tags: [{ tags: { 'managed-by': 'cdktf-ai-infra', 'ai-platform': 'edge', 'team': 'ml' } }] }]);
    // Resources carry only their own tags (the provider adds the platform's): no copy per resource.
    expect(onlyResource(infra, 'aws_kms_key').tags).toBeUndefined();
    for (const [type, byId] of Object.entries<any>(infra.json.resource)) {
      for (const [id, r] of Object.entries<any>(byId)) {
        expect({ id: `${type}.${id}`, platformTag: r.tags?.['ai-platform'] }).toEqual({ id: `${type}.${id}`, platformTag: undefined });
      }
    }
  });

  test('tags set on a resource stay on it and win over the provider default_tags (AWS provider semantics)', () => {
    const infra = synth.stack('acme-prod-infra');
    // The VPC names itself after the cluster; the platform's Name does not replace it.
    expect(onlyResource(infra, 'aws_vpc').tags).toEqual({ Name: 'acme-prod' });
    expect(onlyResource(infra, 'aws_eks_cluster').tags).toEqual({ team: 'eks-team' });
  });

  test('uses a local backend in every stack by default', () => {
    for (const s of synth.stacks) {
      expect(Object.keys(s.json.terraform.backend)).toEqual(['local']);
    }
  });

  test('the local state of the infra stack is where the addons stack reads it (cross-stack reference)', () => {
    // cdktf runs Terraform in each stack's own folder, so a relative local state path is resolved
    // against a different folder by the stack that writes it and by the one that reads it.
    const infra = synth.stack('acme-prod-infra');
    const addons = synth.stack('acme-prod-addons');
    const remote = addons.json.data.terraform_remote_state['cross-stack-reference-input-acme-prod-infra'];
    expect(remote.backend).toBe('local');
    const written = path.resolve(infra.dir, infra.json.terraform.backend.local.path);
    const read = path.resolve(addons.dir, remote.config.path);
    expect(read).toBe(written);
  });

  test('common labels: part-of and managed-by, plus the tags that are valid labels', () => {
    expect(platform.commonLabels).toEqual({
      'app.kubernetes.io/part-of': 'acme',
      'app.kubernetes.io/managed-by': 'cdktf-ai-infra',
      'team': 'ml',
      'Name': 'from-platform',
    });
  });
});

describe('AiPlatform with an S3 state backend', () => {
  let synth: Synthesized;
  beforeAll(() => {
    const app = testApp();
    const platform = new AiPlatform(app, 'acme', {
      platformName: 'ml',
      stateBackend: StateBackend.s3({ bucket: 'acme-tfstate', region: 'eu-west-1', keyPrefix: 'platform/' }),
    });
    platform.addEksCluster('prod', PROD);
    synth = synthApp(app);
  });

  test('platformName names the stacks', () => {
    expect(synth.stacks.map((s) => s.name).sort()).toEqual(['ml-prod-addons', 'ml-prod-infra', 'ml-prod-workloads']);
  });

  test('every stack has an encrypted S3 backend with S3-native locking, one key per stack', () => {
    for (const s of synth.stacks) {
      expect(s.json.terraform.backend).toEqual({
        s3: { bucket: 'acme-tfstate', region: 'eu-west-1', key: `platform/${s.name}.tfstate`, encrypt: true, use_lockfile: true },
      });
    }
  });

  test('use_lockfile needs Terraform 1.10: every stack with the S3 backend says so in required_version', () => {
    for (const s of synth.stacks) expect(s.json.terraform.required_version).toBe('>= 1.10.0');
  });

  test('cross-stack references read the infra state from the same bucket and key', () => {
    const remote = synth.stack('ml-prod-addons').json.data.terraform_remote_state['cross-stack-reference-input-ml-prod-infra'];
    expect(remote.backend).toBe('s3');
    expect(remote.config).toMatchObject({ bucket: 'acme-tfstate', region: 'eu-west-1', key: 'platform/ml-prod-infra.tfstate' });
  });

  test('kmsKeyId is passed to the backend', () => {
    const app = testApp();
    const platform = new AiPlatform(app, 'acme', {
      stateBackend: StateBackend.s3({ bucket: 'b', region: 'us-east-1', kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k' }),
    });
    platform.addEksCluster('prod', PROD);
    const backend = synthApp(app).stack('acme-prod-infra').json.terraform.backend.s3;
    expect(backend).toMatchObject({ key: 'acme-prod-infra.tfstate', encrypt: true, kms_key_id: 'arn:aws:kms:us-east-1:111122223333:key/k', use_lockfile: true });
  });
});

describe('AiPlatform validation', () => {
  test('a cluster in an allowed region is accepted', () => {
    const platform = new AiPlatform(testApp(), 'acme', { allowedRegions: ['eu-central-1', 'us-east-1'] });
    expect(platform.addEksCluster('prod', PROD).region).toBe('us-east-1');
    expect(platform.allowedRegions).toEqual(['eu-central-1', 'us-east-1']);
  });

  test('throws when a cluster is in a region outside allowedRegions', () => {
    const platform = new AiPlatform(testApp(), 'acme', { allowedRegions: ['eu-central-1'] });
    const e = expectConfigError(() => platform.addEksCluster('prod', PROD), { path: 'acme/prod', field: 'region', received: 'us-east-1' });
    expect(e.expected).toContain('eu-central-1');
  });

  test('checkRegion skips unresolved tokens', () => {
    const platform = new AiPlatform(testApp(), 'acme', { allowedRegions: ['eu-central-1'] });
    expect(() => platform.checkRegion('acme/x', 'region', '${TfToken[TOKEN.1]}')).not.toThrow();
  });

  test('throws when allowedRegions is empty', () => {
    expectConfigError(() => new AiPlatform(testApp(), 'acme', { allowedRegions: [] }), { path: 'acme', field: 'allowedRegions', received: [] });
  });

  test('throws when platformName is not a DNS label', () => {
    expectConfigError(() => new AiPlatform(testApp(), 'acme', { platformName: 'Acme_ML' }), { path: 'acme', field: 'platformName', received: 'Acme_ML' });
  });

  test('throws when the construct id used as platform name is not a DNS label', () => {
    expectConfigError(() => new AiPlatform(testApp(), 'Acme', {}), { path: 'Acme', field: 'platformName', received: 'Acme' });
  });

  test('throws when a cluster id is used twice in a platform', () => {
    const platform = new AiPlatform(testApp(), 'acme');
    platform.addEksCluster('prod', PROD);
    expect(() => platform.addEksCluster('prod', PROD)).toThrow(/prod/);
  });

  test('throws when two platforms of the same name would create the same stack', () => {
    const app = testApp();
    new AiPlatform(app, 'a', { platformName: 'acme' }).addEksCluster('prod', PROD);
    const other = new AiPlatform(app, 'b', { platformName: 'acme' });
    expectConfigError(() => other.addEksCluster('prod', PROD), { path: 'b', field: 'id', received: 'acme-prod-infra' });
  });

  test('warns about tags that are not valid Kubernetes labels and keeps them for AWS only', () => {
    const platform = new AiPlatform(testApp(), 'acme', { tags: { 'cost center': 'R&D 42', 'team': 'ml' } });
    expect(platform.tags['cost center']).toBe('R&D 42');
    expect(platform.commonLabels['cost center']).toBeUndefined();
    expect(platform.commonLabels.team).toBe('ml');
    const warnings = platform.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringContaining('cost center')]);
  });

  test('an existing cluster gets addons and workloads stacks only', () => {
    const app = testApp();
    const platform = new AiPlatform(app, 'acme');
    const lab = platform.addExistingCluster('lab', { kubeconfigPath: '~/.kube/config', context: 'lab' });
    expect(lab.stacks.infra).toBeUndefined();
    const synth = synthApp(app);
    expect(synth.stacks.map((s) => s.name).sort()).toEqual(['acme-lab-addons', 'acme-lab-workloads']);
    expect(synth.stack('acme-lab-addons').dependencies).toEqual([]);
    expect(synth.stack('acme-lab-workloads').dependencies).toEqual(['acme-lab-addons']);
    expect(synth.stack('acme-lab-workloads').json.provider.kubernetes).toEqual([{ config_path: '~/.kube/config', config_context: 'lab' }]);
  });

  test('throws when an intent construct asks an existing cluster for its infra stack', () => {
    const lab = new AiPlatform(testApp(), 'acme').addExistingCluster('lab');
    const owner = new Construct(lab, 'bucket');
    expectConfigError(() => lab.scopeFor(Layer.INFRA, owner), { path: 'acme/lab/bucket', field: 'cluster', received: 'existing cluster acme/lab' });
  });

  test('scopeFor places an owner in the stack of its layer, mirroring its path below the cluster', () => {
    const platform = new AiPlatform(testApp(), 'acme');
    const cluster = platform.addEksCluster('prod', PROD);
    const owner = new Construct(new Construct(cluster, 'serving'), 'recs');
    expect(cluster.scopeFor(Layer.WORKLOADS, owner).node.path).toBe('acme-prod-workloads/serving/recs');
    expect(cluster.scopeFor(Layer.INFRA, owner).node.path).toBe('acme-prod-infra/serving/recs');
    // Asking again reuses the same scope.
    expect(cluster.scopeFor(Layer.INFRA, owner)).toBe(cluster.scopeFor(Layer.INFRA, owner));
  });
});
