import { javascript, typescript } from 'projen';

// Single source of truth for versions we pin. cdktf 0.21.0 + provider-aws 20.1.0 match the
// hashicorp/aws 5.100.0 Terraform provider mirrored on our machines (offline `terraform plan`).
const CDKTF = '0.21.0';
const PEERS = {
  'cdktf': CDKTF,
  'constructs': '^10.4.2',
  '@cdktf/provider-aws': '20.1.0',
  '@cdktf/provider-kubernetes': '12.1.1',
  '@cdktf/provider-helm': '12.1.2',
};

const project = new typescript.TypeScriptProject({
  name: 'cdktf-ai-infra',
  description: 'CDK for Terraform constructs for hybrid and multi-cloud AI infrastructure: GPU node pools, spot training, scale-to-zero inference, guardrails.',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.0.0',
  license: 'Apache-2.0',
  copyrightOwner: 'cdktf-ai-infra contributors',
  projenrcTs: true,
  // tsx runs .projenrc.ts without type-checking the provider bindings (fast, no network).
  runner: typescript.TypeScriptRunner.tsx(),
  typescriptVersion: '~5.9.3',
  srcdir: 'lib',
  libdir: 'dist',
  testdir: 'test',
  entrypoint: 'dist/index.js',
  sampleCode: false,
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  package: false,
  peerDeps: Object.entries(PEERS).map(([n, v]) => `${n}@${v}`),
  devDeps: [
    `cdktf-cli@${CDKTF}`,
    'tsx@^4.20.0',
    // Examples' cdktf.json bundle main.ts into plain JavaScript before node runs it: no
    // type-checking and no TypeScript loader at synth (tsx alone adds ~40 MB of RSS).
    'esbuild@^0.28.2',
    'ajv@^8.17.1',
    'yaml@^2.8.0',
    'eslint-plugin-jest@^28.14.0',
    // API reference from TSDoc (`npm run docs`): the maintained standard for TypeScript.
    'typedoc@^0.28.20',
  ],
  // Type-check once (tsc --noEmit over lib, test, examples); jest only transpiles.
  typecheckTests: true,
  tsJestOptions: { transformOptions: { isolatedModules: true } },
  jestOptions: {
    jestVersion: '^29',
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    junitReporting: false,
    passWithNoTests: false,
    coverageText: false,
    jestConfig: {
      collectCoverage: false,
      testTimeout: 30_000,
      // Two workers on two cores: Terraform plans (child processes) overlap with schema checks.
      maxWorkers: 2,
      moduleNameMapper: { '^cdktf-ai-infra$': '<rootDir>/lib/index.ts' },
      testPathIgnorePatterns: ['/node_modules/', '/cdktf.out/', '/dist/'],
      watchPathIgnorePatterns: ['/node_modules/', '/cdktf.out/'],
    },
  },
  eslintOptions: {
    dirs: ['lib'],
    devdirs: ['test', 'examples', 'scripts'],
    prettier: false,
    commandOptions: { fix: false },
    ignorePatterns: ['*.js', '*.d.ts', 'node_modules/', 'cdktf.out/', 'dist/', '.gen/'],
  },
  tsconfig: {
    // Examples import the package by its name, as a user would; tsx, tsc and jest map it to lib/.
    compilerOptions: { lib: ['es2022'], target: 'ES2022', skipLibCheck: true, paths: { 'cdktf-ai-infra': ['./lib/index.ts'] } },
  },
  tsconfigDev: {
    compilerOptions: { lib: ['es2022'], target: 'ES2022', skipLibCheck: true },
    include: ['../lib/**/*.ts', '../examples/**/*.ts', '../scripts/**/*.ts'],
  },
  gitignore: ['cdktf.out/', '.app/', 'docs/api/', '.scratch-*/', '.terraform/', '.terraform.lock.hcl', '*.tfstate*', 'coverage/', '.bench/'],
});

// Provider barrels cost ~7 s / 900 MB (aws) and 2.2 s (kubernetes) before anything is synthesized.
// Import per resource: '@cdktf/provider-aws/lib/eks-cluster'.
const barrelMessage = 'Import provider classes per resource (e.g. "@cdktf/provider-aws/lib/eks-cluster"), never the package barrel: the aws barrel alone costs ~7 s and 900 MB at synth.';
const barrels = ['aws', 'kubernetes', 'helm'].flatMap((p) => [
  `@cdktf/provider-${p}`, `@cdktf/provider-${p}/lib`, `@cdktf/provider-${p}/lib/index`,
]);
project.eslint?.addPlugins('jest');
project.eslint?.addRules({
  'no-restricted-imports': ['error', { paths: barrels.map((name) => ({ name, message: barrelMessage })) }],
  // The same for require() (lazy loading must stay per resource too).
  'no-restricted-modules': ['error', { paths: barrels.map((name) => ({ name, message: barrelMessage })) }],
  'jest/valid-expect': 'error',
  'jest/no-disabled-tests': 'error',
  'jest/no-focused-tests': 'error',
});

// Tasks users and CI run. `npm test` = type-check + jest (unit, schema, offline terraform) + eslint.
project.addTask('example', {
  description: 'Synthesize the flagship example offline and print a summary',
  exec: 'node --import tsx scripts/example.ts',
  receiveArgs: true,
});
project.addTask('docs', {
  description: 'API reference from TSDoc into docs/api (HTML)',
  exec: 'typedoc --out docs/api --entryPoints lib/index.ts --tsconfig tsconfig.json --excludeInternal --excludePrivate --readme README.md --name cdktf-ai-infra',
});
project.addTask('bench', {
  description: 'Median synth wall time and peak RSS per example and its plain-cdktf floor (JSON lines)',
  exec: 'node --import tsx scripts/bench.ts',
  receiveArgs: true,
});

project.synth();
