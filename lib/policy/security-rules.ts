/**
 * The security baseline over synthesized Terraform resources and Kubernetes objects. Each check
 * returns the violations of one element; the engine reports them (suppressions, severities). @internal
 */
import type { IConstruct } from 'constructs';
import { allContainers, isObject, podSpecs } from './k8s';
import { PolicyRuleIds as R } from './rules';
import { first, isExpression, isTrue, list, ManifestElement, ResolvedElement, StackView } from './view';

/** A rule broken by an element (reported on `construct`, default the element's). */
export interface Violation {
  readonly ruleId: string;
  readonly message: string;
  readonly construct?: IConstruct;
}

/** A check of one element. */
export type Check = (el: ResolvedElement, view: StackView, ctx: CheckContext) => Violation[];

/** Settings the checks read. */
export interface CheckContext {
  readonly allowedRegions?: string[];
  readonly largeModelGiB: number;
}

const address = (el: ResolvedElement) => `${el.type}.${el.id}`;

/** Whether `value` (a companion's `bucket`) refers to bucket `el`. */
function refersToBucket(value: unknown, bucket: ResolvedElement): boolean {
  if (typeof value !== 'string') return false;
  if (value.includes(`aws_s3_bucket.${bucket.id}.`)) return true;
  const name = bucket.attrs.bucket;
  return typeof name === 'string' && !isExpression(name) && value === name;
}

export const s3Bucket: Check = (el, view) => {
  if (el.type !== 'aws_s3_bucket' || el.kind !== 'resource') return [];
  const out: Violation[] = [];
  const name = typeof el.attrs.bucket === 'string' && !isExpression(el.attrs.bucket) ? `"${el.attrs.bucket}"` : address(el);
  const companions = (type: string) => view.ofType(type).filter((c) => refersToBucket(c.attrs.bucket, el));
  const encrypted = companions('aws_s3_bucket_server_side_encryption_configuration')
    .some((c) => list(c.attrs.rule).some((r) => first(r?.apply_server_side_encryption_by_default)?.sse_algorithm))
    || list(el.attrs.server_side_encryption_configuration).length > 0;
  if (!encrypted) out.push({ ruleId: R.S3_ENCRYPTION, message: `S3 bucket ${name} has no default server-side encryption configuration.` });
  const versioned = companions('aws_s3_bucket_versioning').some((c) => first(c.attrs.versioning_configuration)?.status === 'Enabled')
    || isTrue(first(el.attrs.versioning)?.enabled);
  if (!versioned) out.push({ ruleId: R.S3_VERSIONING, message: `S3 bucket ${name} has no versioning enabled.` });
  const allFour = (c: ResolvedElement) => ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'].every((k) => isTrue(c.attrs[k]));
  const blocked = companions('aws_s3_bucket_public_access_block').some(allFour) || view.ofType('aws_s3_account_public_access_block').some(allFour);
  if (!blocked) out.push({ ruleId: R.S3_PUBLIC_ACCESS_BLOCK, message: `S3 bucket ${name} does not block all public access (no public access block with all four settings true).` });
  return out;
};

export const imdsAndVolumes: Check = (el) => {
  if (el.kind !== 'resource') return [];
  const out: Violation[] = [];
  const imds = (attrs: any, what: string) => {
    if (first(attrs.metadata_options)?.http_tokens !== 'required') {
      out.push({ ruleId: R.IMDSV2, message: `${what} does not require IMDSv2 (metadata_options.http_tokens is ${JSON.stringify(first(attrs.metadata_options)?.http_tokens ?? 'unset')}).` });
    }
  };
  const ebs = (volume: any, what: string) => {
    if (volume && !isTrue(volume.encrypted)) out.push({ ruleId: R.EBS_ENCRYPTION, message: `${what} is not encrypted.` });
  };
  switch (el.type) {
    case 'aws_launch_template':
      imds(el.attrs, `Launch template ${address(el)}`);
      list(el.attrs.block_device_mappings).forEach((m) => ebs(first(m?.ebs), `EBS volume ${m?.device_name ?? ''} of launch template ${address(el)}`));
      break;
    case 'aws_instance':
      imds(el.attrs, `Instance ${address(el)}`);
      ebs(first(el.attrs.root_block_device) ?? {}, `Root volume of instance ${address(el)}`);
      list(el.attrs.ebs_block_device).forEach((d) => ebs(d, `EBS volume ${d?.device_name ?? ''} of instance ${address(el)}`));
      break;
    case 'aws_ebs_volume':
      ebs(el.attrs, `EBS volume ${address(el)}`);
      break;
  }
  return out;
};

export const sqsQueue: Check = (el) => {
  if (el.type !== 'aws_sqs_queue' || el.kind !== 'resource') return [];
  if (isTrue(el.attrs.sqs_managed_sse_enabled) || el.attrs.kms_master_key_id) return [];
  return [{ ruleId: R.SQS_ENCRYPTION, message: `SQS queue ${el.attrs.name ?? address(el)} is not encrypted at rest (neither sqs_managed_sse_enabled nor kms_master_key_id is set).` }];
};

export const eksCluster: Check = (el) => {
  if (el.type !== 'aws_eks_cluster' || el.kind !== 'resource') return [];
  const out: Violation[] = [];
  const enc = first(el.attrs.encryption_config);
  if (!(list(enc?.resources).includes('secrets') && first(enc?.provider)?.key_arn)) {
    out.push({ ruleId: R.EKS_SECRETS_KMS, message: `EKS cluster ${el.attrs.name ?? address(el)} does not encrypt Kubernetes secrets with a KMS key.` });
  }
  const vpc = first(el.attrs.vpc_config) ?? {};
  // Terraform's default for endpoint_public_access is true.
  if (vpc.endpoint_public_access !== false && vpc.endpoint_public_access !== 'false') {
    const cidrs = list(vpc.public_access_cidrs);
    out.push({
      ruleId: R.EKS_PUBLIC_ENDPOINT,
      message: `EKS cluster ${el.attrs.name ?? address(el)} has a public API endpoint (open to ${cidrs.length ? cidrs.join(', ') : '0.0.0.0/0'}).`,
    });
  }
  return out;
};

const ADMIN_POLICY = /:policy\/AdministratorAccess$/;

export const iamWildcard: Check = (el) => {
  if (!el.type.startsWith('aws_') || (el.kind !== 'resource' && el.kind !== 'data')) return [];
  const out: Violation[] = [];
  const seen = new Set<string>();
  const flag = (what: string) => {
    if (seen.has(what)) return;
    seen.add(what);
    out.push({ ruleId: R.IAM_WILDCARD, message: `${address(el)} ${what}.` });
  };
  if (el.type === 'aws_iam_policy_document') {
    for (const s of list(el.attrs.statement)) {
      if ((s?.effect ?? 'Allow') === 'Allow' && list(s?.actions).includes('*') && list(s?.resources).includes('*')) flag('allows every action ("*") on every resource ("*")');
    }
    return out;
  }
  for (const arn of [el.attrs.policy_arn, ...list(el.attrs.managed_policy_arns)]) {
    if (typeof arn === 'string' && ADMIN_POLICY.test(arn)) flag('attaches AdministratorAccess (every action on every resource)');
  }
  scanStrings(el.attrs, (text) => {
    if (!text.includes('Statement')) return;
    let doc: any;
    try {
      doc = JSON.parse(text);
    } catch {
      return; // jsonencode(...) expressions and other non-JSON strings are not judged
    }
    for (const s of list(doc?.Statement)) {
      if ((s?.Effect ?? 'Allow') !== 'Allow') continue;
      const actions = list(s?.Action);
      if ((actions.includes('*') || actions.includes('*:*')) && list(s?.Resource).includes('*')) flag('has a policy statement that allows every action ("*") on every resource ("*")');
    }
  });
  return out;
};

function scanStrings(x: unknown, visit: (s: string) => void): void {
  if (typeof x === 'string') {
    if (x.trimStart().startsWith('{')) visit(x);
  } else if (Array.isArray(x)) {
    x.forEach((y) => scanStrings(y, visit));
  } else if (isObject(x)) {
    for (const [k, v] of Object.entries(x)) if (k !== '//') scanStrings(v, visit);
  }
}

/** Kubernetes checks: containers, namespaces, Karpenter node classes. */
export const kubernetesObject: Check = (el, view) => {
  if (el.type !== 'kubernetes_manifest' || el.kind !== 'resource' || !isObject(el.attrs.manifest)) return [];
  const m = el.attrs.manifest as Record<string, any>;
  const what = `${m.kind} ${m.metadata?.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata?.name}`;
  const out: Violation[] = [];
  for (const c of allContainers(m)) {
    const sc = c.securityContext;
    if (isTrue(sc.privileged)) out.push({ ruleId: R.PRIVILEGED_CONTAINER, message: `Container ${c.name} of ${what} is privileged.` });
    const escalation = sc.allowPrivilegeEscalation;
    if (isTrue(escalation) || (c.hasImage && escalation !== false && escalation !== 'false')) {
      out.push({ ruleId: R.PRIVILEGE_ESCALATION, message: `Container ${c.name} of ${what} may escalate privileges (allowPrivilegeEscalation is ${JSON.stringify(escalation ?? 'unset')}).` });
    }
  }
  if (m.kind === 'Namespace' && m.apiVersion === 'v1') out.push(...namespaceDefaultDeny(m, view));
  if (m.kind === 'EC2NodeClass' && String(m.apiVersion).startsWith('karpenter.k8s.aws/')) {
    const tokens = m.spec?.metadataOptions?.httpTokens;
    if (tokens !== undefined && tokens !== 'required') out.push({ ruleId: R.IMDSV2, message: `${what} sets metadataOptions.httpTokens to ${JSON.stringify(tokens)}.` });
    for (const b of list(m.spec?.blockDeviceMappings)) {
      if (b?.ebs && !isTrue(b.ebs.encrypted)) out.push({ ruleId: R.EBS_ENCRYPTION, message: `EBS volume ${b.deviceName ?? ''} of ${what} is not encrypted.` });
    }
  }
  return out;
};

/** Kinds whose objects run pods in their namespace even without a pod spec of their own. */
const WORKLOAD_KINDS_WITHOUT_POD_SPEC = ['InferenceService'];

/** Per stack view: which namespaces run workloads and which have a default-deny policy (one pass over the objects). */
const namespaceFacts = new WeakMap<StackView, { runsWorkloads: Set<string>; defaultDeny: Set<string> }>();

function factsOf(view: StackView): { runsWorkloads: Set<string>; defaultDeny: Set<string> } {
  let facts = namespaceFacts.get(view);
  if (!facts) {
    facts = { runsWorkloads: new Set(), defaultDeny: new Set() };
    for (const o of view.manifests()) {
      const namespace = o.manifest.metadata?.namespace;
      if (typeof namespace !== 'string') continue;
      if (WORKLOAD_KINDS_WITHOUT_POD_SPEC.includes(o.manifest.kind) || podSpecs(o.manifest).length > 0) facts.runsWorkloads.add(namespace);
      if (isDefaultDeny(o)) facts.defaultDeny.add(namespace);
    }
    namespaceFacts.set(view, facts);
  }
  return facts;
}

function namespaceDefaultDeny(ns: Record<string, any>, view: StackView): Violation[] {
  const name = ns.metadata?.name;
  if (typeof name !== 'string') return [];
  const facts = factsOf(view);
  if (!facts.runsWorkloads.has(name)) return [];
  if (facts.defaultDeny.has(name)) return [];
  return [{ ruleId: R.DEFAULT_DENY_NETWORK_POLICY, message: `Namespace ${name} runs workloads but has no default-deny NetworkPolicy (empty podSelector, policyTypes Ingress and Egress, no ingress rules).` }];
}

function isDefaultDeny(o: ManifestElement): boolean {
  const m = o.manifest;
  if (m.kind !== 'NetworkPolicy' || m.apiVersion !== 'networking.k8s.io/v1') return false;
  const sel = m.spec?.podSelector ?? {};
  const emptySelector = Object.keys(sel.matchLabels ?? {}).length === 0 && list(sel.matchExpressions).length === 0;
  const types = list(m.spec?.policyTypes);
  return emptySelector && types.includes('Ingress') && types.includes('Egress') && list(m.spec?.ingress).length === 0;
}

/** Every security check. */
export const SECURITY_CHECKS: Check[] = [s3Bucket, imdsAndVolumes, sqsQueue, eksCluster, iamWildcard, kubernetesObject];
