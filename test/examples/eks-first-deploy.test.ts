/**
 * Issue 16, "catch the class": every EKS cluster of every example can be deployed from an empty
 * account and its GPU node groups work with the Cluster Autoscaler, checked on the synthesized
 * Terraform JSON of all examples (not one special case).
 */
import { cleanUp, synthExample } from './support';
import { instanceShape } from '../../lib/aws/gpu-node-group';
import { EKS_END_OF_STANDARD_SUPPORT, EKS_VERSION_DATA_DATE } from '../../lib/aws/versions';
import { listExamples } from '../../scripts/examples';
import { resourcesOf, Synthesized } from '../support/synth';

const synths: Array<[string, Synthesized]> = [];
beforeAll(() => {
  for (const e of listExamples()) synths.push([e.name, synthExample(e.name)]);
}, 120_000);
afterAll(() => synths.forEach(([, s]) => cleanUp(s)));

/** Every aws_eks_cluster of every example, with its stack's resources. */
function clusters(): Array<{ where: string; eks: any; stack: Synthesized['stacks'][number] }> {
  return synths.flatMap(([name, synth]) => synth.stacks.flatMap((stack) =>
    Object.entries<any>(resourcesOf(stack, 'aws_eks_cluster')).map(([id, eks]) => ({ where: `${name}/${stack.name}/${id}`, eks, stack }))));
}

test('the examples have EKS clusters to check', () => {
  expect(clusters().length).toBeGreaterThanOrEqual(4);
});

test('every EKS API endpoint has a network path for the addons and workloads stacks: public limited to CIDRs, or 443 ingress on the cluster security group', () => {
  for (const { where, eks, stack } of clusters()) {
    const vpc = eks.vpc_config;
    const sg = '${aws_eks_cluster.' + where.split('/').pop() + '.vpc_config[0].cluster_security_group_id}';
    const ingress = Object.values<any>(resourcesOf(stack, 'aws_vpc_security_group_ingress_rule'))
      .filter((r) => r.security_group_id === sg && r.from_port <= 443 && r.to_port >= 443 && ['tcp', '-1'].includes(r.ip_protocol));
    const publicPath = vpc.endpoint_public_access === true && (vpc.public_access_cidrs ?? []).length > 0;
    expect({ where, reachable: publicPath || ingress.length > 0 }).toEqual({ where, reachable: true });
    if (publicPath) expect({ where, open: vpc.public_access_cidrs.includes('0.0.0.0/0') }).toEqual({ where, open: false });
  }
});

test('every cluster has an explicit cluster-admin access entry and a fixed bootstrap_cluster_creator_admin_permissions = false', () => {
  for (const { where, eks, stack } of clusters()) {
    expect({ where, bootstrap: eks.access_config.bootstrap_cluster_creator_admin_permissions }).toEqual({ where, bootstrap: false });
    const admins = Object.values<any>(resourcesOf(stack, 'aws_eks_access_policy_association'))
      .filter((a) => /AmazonEKSClusterAdminPolicy$/.test(a.policy_arn));
    expect({ where, admins: admins.length > 0 }).toEqual({ where, admins: true });
  }
});

test('every cluster runs a Kubernetes version in EKS standard support at the data date, with an explicit upgrade policy', () => {
  for (const { where, eks } of clusters()) {
    const end = EKS_END_OF_STANDARD_SUPPORT[eks.version];
    const inStandardSupport = end !== undefined && end > EKS_VERSION_DATA_DATE;
    expect({ where, version: eks.version, inStandardSupport }).toEqual({ where, version: eks.version, inStandardSupport: true });
    expect(['STANDARD', 'EXTENDED']).toContain(eks.upgrade_policy?.support_type);
  }
});

test('the VPC CNI of every cluster enforces NetworkPolicies', () => {
  for (const [name, synth] of synths) {
    for (const stack of synth.stacks) {
      for (const addon of Object.values<any>(resourcesOf(stack, 'aws_eks_addon')).filter((a) => a.addon_name === 'vpc-cni')) {
        expect({ where: `${name}/${stack.name}`, config: JSON.parse(addon.configuration_values ?? '{}') }).toEqual({ where: `${name}/${stack.name}`, config: { enableNetworkPolicy: 'true' } });
      }
    }
  }
});

test('every managed node group has one instance shape; NVIDIA groups carry the Cluster Autoscaler GPU label', () => {
  for (const [name, synth] of synths) {
    for (const stack of synth.stacks) {
      for (const [id, group] of Object.entries<any>(resourcesOf(stack, 'aws_eks_node_group'))) {
        const shapes = new Set((group.instance_types as string[]).map((t) => instanceShape(t) ?? t));
        expect({ where: `${name}/${id}`, shapes: shapes.size }).toEqual({ where: `${name}/${id}`, shapes: 1 });
        if (/NVIDIA/.test(group.ami_type)) expect({ where: `${name}/${id}`, label: group.labels?.['k8s.amazonaws.com/accelerator'] !== undefined }).toEqual({ where: `${name}/${id}`, label: true });
      }
    }
  }
});

test('a spot node group in a stack that creates the Spot service-linked role waits for it', () => {
  for (const [name, synth] of synths) {
    for (const stack of synth.stacks) {
      const roles = Object.keys(resourcesOf(stack, 'aws_iam_service_linked_role'));
      if (!roles.length) continue;
      for (const [id, group] of Object.entries<any>(resourcesOf(stack, 'aws_eks_node_group')).filter(([, g]) => g.capacity_type === 'SPOT')) {
        expect({ where: `${name}/${id}`, waits: (group.depends_on ?? []).some((d: string) => d.startsWith('aws_iam_service_linked_role.')) }).toEqual({ where: `${name}/${id}`, waits: true });
      }
    }
  }
});
