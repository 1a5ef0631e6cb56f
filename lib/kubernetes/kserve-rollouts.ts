/**
 * Promotions and Terraform agreeing on an InferenceService's model.
 *
 * A promotion rolls an InferenceService to an approved version by patching its
 * `spec.predictor.model.storageUri` (and `canaryTrafficPercent`) on the cluster. Terraform owns the
 * object too (`kubernetes_manifest`, server-side apply): on the next `terraform apply` of the
 * workloads stack it would see the patched value as drift and put the declared model back — or
 * fail on the field-manager conflict with the patch. So an InferenceService that pipelines promote
 * to takes its model URI from the cluster:
 *
 * - a `kubernetes_resources` data source reads the live InferenceService at plan time;
 * - the object records the model the program declares in the annotation
 *   `cdktf-ai-infra/declared-storage-uri`;
 * - `storageUri` is the live one while the live object's annotation still names the declared model
 *   (whatever promotions rolled since stays), and the declared model when there is no live object
 *   yet (the first apply) or when the program now declares another model (a deliberate change in
 *   code wins, and the annotation moves with it);
 * - Terraform applies with `force_conflicts`, so taking a field back from the promotion's field
 *   manager is not an error.
 *
 * `canaryTrafficPercent` needs no such care: the manifest sets it only when the endpoint declares a
 * canary, with the same share a promotion patches, so the two never disagree; without a declared
 * canary the field is not in the manifest and Terraform leaves whatever a promotion set.
 *
 * test/kubernetes/kserve-rollouts.test.ts evaluates the expression with the real Terraform CLI.
 */
import { DataKubernetesResources } from '@cdktf/provider-kubernetes/lib/data-kubernetes-resources';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Annotations, conditional, Fn, Op, TerraformResource, Token } from 'cdktf';
import { Construct } from 'constructs';
import { PolicyAnnotations } from '../policy/contract';

/** Annotation holding the model URI the program declares (see the module's description). */
const DECLARED_STORAGE_URI_ANNOTATION = PolicyAnnotations.DECLARED_STORAGE_URI;

/** Id of the data source, beside the InferenceService's `kubernetes_manifest`. */
const LIVE_ID = 'LiveInferenceService';

/**
 * Make `isvc` (the `kubernetes_manifest` of an InferenceService) keep the model versions that
 * promotions roll out. Idempotent: several pipelines may promote to one endpoint.
 * @internal
 */
export function acceptModelRollouts(resource: TerraformResource): void {
  if (!(resource instanceof Manifest)) return;
  const isvc = resource;
  const scope = isvc.node.scope as Construct;
  if (scope.node.tryFindChild(`${isvc.node.id}${LIVE_ID}`)) return;
  const manifest = isvc.manifestInput as Record<string, any> | undefined;
  const meta = manifest?.metadata ?? {};
  const declared = manifest?.spec?.predictor?.model?.storageUri;
  if (typeof declared !== 'string' || Token.isUnresolved(declared) || Token.isUnresolved(meta.name) || Token.isUnresolved(meta.namespace)) {
    Annotations.of(isvc).addWarning(`InferenceService ${String(meta.name)}: its model URI or name is only known at apply time, so a later terraform apply of this stack will roll it back to the declared model after a promotion; declare them as plain strings`);
    return;
  }
  const live = new DataKubernetesResources(scope, `${isvc.node.id}${LIVE_ID}`, {
    apiVersion: manifest!.apiVersion,
    kind: manifest!.kind,
    namespace: meta.namespace,
    fieldSelector: `metadata.name=${meta.name}`,
  });
  const object = Fn.one(live.objects);
  const liveDeclared = Fn.lookupNested(object, ['metadata', 'annotations', DECLARED_STORAGE_URI_ANNOTATION]);
  const liveUri = Fn.lookupNested(object, ['spec', 'predictor', 'model', 'storageUri']);
  const storageUri = Token.asString(Fn.try([conditional(Op.eq(liveDeclared, declared), liveUri, declared), declared]));
  isvc.manifest = {
    ...manifest,
    metadata: { ...meta, annotations: { ...(meta.annotations ?? {}), [DECLARED_STORAGE_URI_ANNOTATION]: declared } },
    spec: {
      ...manifest!.spec,
      predictor: { ...manifest!.spec.predictor, model: { ...manifest!.spec.predictor.model, storageUri } },
    },
  };
  isvc.putFieldManager({ forceConflicts: true });
  if (scope.node.tryFindChild('LocalModelCache')) {
    Annotations.of(isvc).addWarning(`InferenceService ${meta.namespace}/${meta.name}: its LocalModelCache holds ${declared} (a cache's source URI cannot change), so a version a promotion rolls out is downloaded at every cold start until the program declares it as the model (then the cache follows)`);
  }
  Annotations.of(isvc).addInfo(`InferenceService ${meta.namespace}/${meta.name} serves the version promotions roll out: terraform apply reads its live model URI and keeps it until the program declares a model other than ${declared}`);
}
