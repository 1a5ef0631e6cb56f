import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { TerraformStack } from 'cdktf';
import { synthApp, testApp } from './synth';
import { mirrorCandidates, planManyOffline, skipLoudlyUnlessCi, terraformEnv, unplannableReason } from './terraform';

const env = terraformEnv();
const skip = skipLoudlyUnlessCi('offline terraform plan harness tests', env.missing);
const maybe = skip ? test.skip : test;

function awsStack(build: (stack: TerraformStack) => void) {
  const app = testApp();
  const stack = new TerraformStack(app, 'harness');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  build(stack);
  return synthApp(app).stack('harness').json;
}

describe('offline terraform harness', () => {
  // One Terraform run (each run starts the 700 MB AWS provider, the cost of these tests). The
  // passing path, with resources reported per stack, is test/verify (every example's AWS stacks in
  // one run) and test/package (the verify command).
  maybe('one broken stack fails a run: a value the TypeScript types allow but the provider rejects, and an unknown argument', () => {
    const ok = awsStack((s) => new S3Bucket(s, 'bucket', { bucket: 'cdktf-ai-infra-harness-a' }));
    const badValue = awsStack((s) => new LaunchTemplate(s, 'lt', { metadataOptions: { httpTokens: 'sometimes' } }));
    const badArgument = awsStack((s) => new S3Bucket(s, 'bucket', {}).addOverride('no_such_argument', true));
    const failed = planManyOffline([{ name: 'a', json: ok }, { name: 'bad-value', json: badValue }, { name: 'bad-argument', json: badArgument }]);
    expect(failed.ok).toBe(false);
    expect(failed.failedStep).toBe('validate');
    expect(failed.output).toMatch(/http_tokens/);
    expect(failed.output).toMatch(/no_such_argument/);
  }, 180_000);

  test('names a stack whose providers have no mirror as unplannable', () => {
    const json = { terraform: { required_providers: { kubernetes: { source: 'hashicorp/kubernetes', version: '2.0.0' } } } };
    const reason = unplannableReason(json, { terraform: 'terraform', mirror: env.mirror ?? '/nonexistent', missing: env.mirror ? [] : ['mirror'] });
    expect(reason).toMatch(/kubernetes|mirror/);
  });
});

describe('provider mirror discovery', () => {
  test('TF_PLUGIN_MIRROR alone when set; else the CLI configuration, the plugin cache, the implied directories, /opt', () => {
    expect(mirrorCandidates({ TF_PLUGIN_MIRROR: '/somewhere' })).toEqual(['/somewhere']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfrc-'));
    const rc = path.join(dir, 'terraformrc');
    fs.writeFileSync(rc, [
      'plugin_cache_dir = "~/cache"',
      'provider_installation {',
      '  filesystem_mirror {',
      '    path    = "/mirrors/one"',
      '    include = ["registry.terraform.io/hashicorp/*"]',
      '  }',
      '  direct { exclude = ["registry.terraform.io/hashicorp/*"] }',
      '}',
    ].join('\n'));
    const found = mirrorCandidates({ TF_CLI_CONFIG_FILE: rc, TF_PLUGIN_CACHE_DIR: '/cache/dir', XDG_DATA_HOME: '/xdg/home', XDG_DATA_DIRS: '/xdg/a:/xdg/b' });
    expect(found.slice(0, 7)).toEqual([
      '/mirrors/one', path.join(os.homedir(), 'cache'), '/cache/dir', path.join(os.homedir(), '.terraform.d', 'plugins'),
      '/xdg/home/terraform/plugins', '/xdg/a/terraform/plugins', '/xdg/b/terraform/plugins',
    ]);
    expect(found.slice(7).every((p) => p.startsWith('/opt/'))).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
