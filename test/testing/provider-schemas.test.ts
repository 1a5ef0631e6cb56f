/**
 * The provider-schema check of `cdktf-ai-infra/testing`: blocks of providers that are not planned
 * offline (kubernetes, helm) held against the providers' own schemas. It must fail on a wrong
 * argument, a missing required one, a wrong type and too many blocks, and accept expressions.
 */
import { bundledProviderSchemas, checkStackAgainstProviderSchemas } from 'cdktf-ai-infra/testing';

const schemas = bundledProviderSchemas();

function stack(resource: Record<string, unknown>, data: Record<string, unknown> = {}) {
  return {
    terraform: { required_providers: { helm: { source: 'helm', version: '3.1.1' }, kubernetes: { source: 'kubernetes', version: '2.38.0' } } },
    resource,
    data,
  };
}

const release = () => ({
  'name': 'kueue',
  'chart': 'kueue',
  'repository': 'oci://registry.k8s.io/kueue/charts',
  'version': '0.19.2',
  'namespace': 'kueue-system',
  'create_namespace': true,
  'atomic': true,
  'timeout': 600,
  'values': ['a: 1'],
  'set': [{ name: 'controllerManager.replicas', value: '2' }],
  'depends_on': ['helm_release.cert-manager'],
  'lifecycle': { prevent_destroy: false },
  '//': { metadata: {} },
});

describe('provider schema check', () => {
  test('ships the kubernetes and helm schemas', () => {
    expect(schemas.map((s) => `${s.source} ${s.version}`).sort()).toEqual(['hashicorp/helm 3.0.2', 'hashicorp/kubernetes 2.38.0']);
  });

  test('a well-formed helm_release and kubernetes_manifest conform; meta-arguments and expressions are accepted', () => {
    const result = checkStackAgainstProviderSchemas(stack({
      helm_release: { kueue: release() },
      kubernetes_manifest: { ns: { manifest: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ml' } }, computed_fields: ['metadata.labels'], field_manager: { force_conflicts: true } } },
    }, { kubernetes_resources: { live: { api_version: 'v1', kind: 'Namespace', namespace: '${var.ns}' } } }), schemas);
    expect(result.errors).toEqual([]);
    expect(result.checked.sort()).toEqual(['hashicorp/helm 3.0.2', 'hashicorp/kubernetes 2.38.0']);
    expect(result.notes).toEqual([expect.stringMatching(/hashicorp\/helm: the stack requires "3.1.1", the schema is from 3.0.2/)]);
  });

  test('fails on an unknown argument, naming the nearest valid one', () => {
    const r = release() as any;
    r.namespaces = r.namespace;
    expect(checkStackAgainstProviderSchemas(stack({ helm_release: { kueue: r } }), schemas).errors)
      .toEqual([expect.stringMatching(/^helm_release\.kueue: unknown argument "namespaces" \(did you mean "namespace"/)]);
  });

  test('fails on a missing required argument', () => {
    const r = release() as any;
    delete r.chart;
    expect(checkStackAgainstProviderSchemas(stack({ helm_release: { kueue: r } }), schemas).errors)
      .toEqual(['helm_release.kueue: missing required argument "chart"']);
  });

  test('fails on wrong types (a list where a bool goes, an object where a string list goes) but converts "true" and "600"', () => {
    const r = release() as any;
    r.atomic = ['yes'];
    r.values = { a: 1 };
    r.timeout = '600';
    r.create_namespace = 'true';
    expect(checkStackAgainstProviderSchemas(stack({ helm_release: { kueue: r } }), schemas).errors.sort()).toEqual([
      'helm_release.kueue.atomic: must be a bool, got a list',
      'helm_release.kueue.values: must be a list, got an object',
    ]);
  });

  test('fails on too many blocks and on unknown arguments inside a nested block', () => {
    const m = { manifest: {}, field_manager: [{ name: 'a' }, { name: 'b' }], timeouts: { create: '1m', creat: '2m' } };
    expect(checkStackAgainstProviderSchemas(stack({ kubernetes_manifest: { x: m } }), schemas).errors.sort()).toEqual([
      'kubernetes_manifest.x.field_manager: at most 1 block(s), got 2',
      expect.stringMatching(/^kubernetes_manifest\.x\.timeouts: unknown argument "creat"/),
    ]);
  });

  test('fails on a resource type the provider does not have, and on setting a computed-only attribute', () => {
    const errors = checkStackAgainstProviderSchemas(stack({
      kubernetes_manifestt: { x: { manifest: {} } },
      helm_release: { kueue: { ...release(), status: 'deployed' } },
    }), schemas).errors;
    expect(errors.sort()).toEqual([
      'helm_release.kueue.status: is computed by the provider and cannot be set',
      'kubernetes_manifestt.x: hashicorp/kubernetes 2.38.0 has no resource type "kubernetes_manifestt"',
    ]);
  });

  test('blocks of providers without a schema here are not checked, and say so by omission', () => {
    const result = checkStackAgainstProviderSchemas({ terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '5.100.0' } } }, resource: { aws_s3_bucket: { b: { nonsense: 1 } } } }, schemas);
    expect(result).toEqual({ errors: [], checked: [], notes: [] });
  });
});
