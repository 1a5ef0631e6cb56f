/**
 * The lint rule that keeps provider barrels out (the aws barrel alone costs ~7 s and 900 MB at
 * synth): it must reject every barrel spelling and accept per-resource imports.
 */
import * as path from 'node:path';
import { loadESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '../..');

let eslint: Promise<InstanceType<Awaited<ReturnType<typeof loadESLint>>>> | undefined;
const RULES = ['no-restricted-imports', 'no-restricted-modules'];

/**
 * An ESLint that applies exactly the project's effective configuration of these two rules to a
 * file of lib/ (computed from .eslintrc.json, not copied), with the same parser but without the
 * TypeScript program the type-aware rules build for the whole project (40+ s on two cores).
 */
async function barrelLinter() {
  const ESLint = await loadESLint({ useFlatConfig: false });
  const effective = await new ESLint({ cwd: ROOT }).calculateConfigForFile(path.join(ROOT, 'lib/index.ts'));
  for (const rule of RULES) expect(effective.rules?.[rule]?.[0]).toBe('error');
  return new ESLint({
    cwd: ROOT,
    useEslintrc: false,
    overrideConfig: {
      parser: effective.parser,
      parserOptions: { ecmaVersion: 2022, sourceType: 'module' },
      rules: Object.fromEntries(RULES.map((r) => [r, effective.rules[r]])),
    },
  });
}

async function lint(code: string): Promise<string[]> {
  eslint ??= barrelLinter();
  const [result] = await (await eslint).lintText(code, { filePath: path.join(ROOT, 'lib/index.ts') });
  expect(result.messages.filter((m) => m.fatal)).toEqual([]);
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
