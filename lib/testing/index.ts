/**
 * `cdktf-ai-infra/testing`: test a platform program in CI. Its own entry point (and bundle), so that
 * synthesizing never loads it.
 *
 * ```ts
 * import { Testing } from 'cdktf';
 * import { snapshotProjection, synthesize, verifyOffline } from 'cdktf-ai-infra/testing';
 *
 * const synth = synthesize(buildMyPlatform(Testing.app())); // or readSynthesized('cdktf.out')
 * expect(snapshotProjection(synth)).toMatchSnapshot();
 * const result = verifyOffline(synth);                // offline plans, Kubernetes and provider schemas
 * expect(result.stacks.filter((s) => !s.ok)).toEqual([]);
 * ```
 */
export { KubernetesSchemas, findSchemaSet, packedSchemas, schemaFolder, SCHEMAS_ENV } from './kubernetes-schemas';
export type { KubernetesSchemasOptions, SchemaSet } from './kubernetes-schemas';
export { bundledProviderSchemas, checkStackAgainstProviderSchemas, readProviderSchema } from './provider-schemas';
export type { ProviderSchema, ProviderSchemaCheck, SchemaBlock } from './provider-schemas';
export { diffResources, formatDiff, kubernetesObjectsOf, readSynthesized, resourceCountsOf, resourceIndex, snapshotProjection, synthesize } from './synthesized';
export type { ResourceDiff, Synthesized, SynthesizedStack } from './synthesized';
export {
  mirrorCandidates, mirroredProviders, planManyOffline, planOffline, requiredProviders, skipLoudlyUnlessCi, terraformEnv, unplannableReason,
} from './terraform';
export type { PlanOptions, PlanResult, TerraformEnv, TerraformLocations } from './terraform';
export { verifyOffline } from './verify';
export type { StackVerification, VerifyOptions, VerifyResult } from './verify';
