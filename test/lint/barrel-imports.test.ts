/**
 * The lint rule that keeps provider barrels out (the aws barrel alone costs ~7 s and 900 MB at
 * synth): it must reject every barrel spelling and accept per-resource imports.
 */
import * as path from 'node:path';
import { loadESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '../..');

let eslint: Promise<InstanceType<Awaited<ReturnType<typeof loadESLint>>>> | undefined;

async function lint(code: string): Promise<string[]> {
  // One ESLint (and one TypeScript program for the type-aware rules) for every case.
  eslint ??= loadESLint({ useFlatConfig: false }).then((ESLint) => new ESLint({ cwd: ROOT }));
  // An existing file of the project, so that type-aware rules can parse it; the text is ours.
  const [result] = await (await eslint).lintText(code, { filePath: path.join(ROOT, 'lib/index.ts') });
  return result.messages.filter((m) => m.ruleId?.startsWith('no-restricted-')).map((m) => m.message);
}

describe('provider barrel imports', () => {
  test.each([
    "import { EksCluster } from '@cdktf/provider-aws';\nexport { EksCluster };\n",
    "import * as aws from '@cdktf/provider-aws';\nexport { aws };\n",
    "import { eksCluster } from '@cdktf/provider-aws/lib';\nexport { eksCluster };\n",
    "import { Manifest } from '@cdktf/provider-kubernetes';\nexport { Manifest };\n",
    "import { Release } from '@cdktf/provider-helm/lib/index';\nexport { Release };\n",
    "// eslint-disable-next-line @typescript-eslint/no-require-imports\nexport const aws = require('@cdktf/provider-aws');\n",
  ])('are rejected: %s', async (code) => {
    const messages = await lint(code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/per resource/);
  }, 60_000);

  test('per-resource imports are accepted', async () => {
    await expect(lint("import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';\nexport { EksCluster };\n")).resolves.toEqual([]);
  }, 60_000);
});
