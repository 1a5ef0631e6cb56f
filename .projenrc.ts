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
  // Runtime dependencies of `cdktf-ai-infra/testing` and the `cdktf-ai-infra` command only (the
  // synth bundle, dist/index.js, never loads them): ajv validates Kubernetes objects against the
  // upstream JSON schemas (the standard, maintained validator); commander parses the command line;
  // cli-table3 draws the per-stack table. All three are small and widely used.
  deps: ['ajv@^8.17.1', 'commander@^14.0.3', 'cli-table3@^0.6.5'],
  devDeps: [
    `cdktf-cli@${CDKTF}`,
    'tsx@^4.20.0',
    // Examples' cdktf.json bundle main.ts into plain JavaScript before node runs it: no
    // type-checking and no TypeScript loader at synth (tsx alone adds ~40 MB of RSS).
    'esbuild@^0.28.2',
    'yaml@^2.8.0',
    'eslint-plugin-jest@^28.14.0',
    // The test order (test/support/sequencer.cjs) extends jest's own sequencer.
    '@jest/test-sequencer@^29',
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
      moduleNameMapper: { '^cdktf-ai-infra$': '<rootDir>/lib/index.ts', '^cdktf-ai-infra/testing$': '<rootDir>/lib/testing/index.ts' },
      // Builds dist/index.js first: the example tests run the examples' app commands, which load it.
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      testSequencer: '<rootDir>/test/support/sequencer.cjs',
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
    compilerOptions: { lib: ['es2022'], target: 'ES2022', skipLibCheck: true },
  },
  tsconfigDev: {
    // Examples import the package by its name, as a user would: the type-check maps it to lib/
    // (jest maps it too). Not in tsconfig.json: esbuild reads that one, and the examples' app
    // commands must leave the package external (Node resolves it to dist/, as in a user's project).
    compilerOptions: { lib: ['es2022'], target: 'ES2022', skipLibCheck: true, emitDeclarationOnly: false, paths: { 'cdktf-ai-infra': ['../lib/index.ts'], 'cdktf-ai-infra/testing': ['../lib/testing/index.ts'] } },
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
// Resolve `cdktf-ai-infra` in the examples as the type-check does (test/tsconfig.json maps it to lib/).
project.tryFindObjectFile('.eslintrc.json')?.addOverride('settings.import/resolver.typescript.project', './test/tsconfig.json');
project.eslint?.addRules({
  'no-restricted-imports': ['error', { paths: barrels.map((name) => ({ name, message: barrelMessage })) }],
  // The same for require() (lazy loading must stay per resource too).
  'no-restricted-modules': ['error', { paths: barrels.map((name) => ({ name, message: barrelMessage })) }],
  // Output must not depend on the machine's locale (and ICU start-up costs ~15 ms at synth).
  'no-restricted-properties': ['error', { property: 'localeCompare', message: 'Compare in code-point order (byKey in lib/core/naming.ts): synthesized output must not depend on the locale.' }],
  'jest/valid-expect': 'error',
  'jest/no-disabled-tests': 'error',
  'jest/no-focused-tests': 'error',
});

// The package is one bundled CommonJS file (dist/index.js; cdktf, constructs and the providers stay
// external, so provider classes are still loaded per resource and lazily) plus tsc's declarations.
// One file loads faster than ~130 modules, and it is what a user's app command runs from
// node_modules. `exports` also lets the examples import the package by its own name
// (Node's package self-reference), so their app commands bundle only main.ts, as a user's do.
// --keep-names: errors print as ConfigError, not esbuild's renamed _ConfigError.
const ESBUILD = 'esbuild --bundle --platform=node --target=node20 --format=cjs --packages=external --sourcemap --keep-names --log-level=warning';
const bundleTask = project.addTask('bundle', {
  description: 'Bundle the library into dist/index.js, the testing entry into dist/testing.js and the command into dist/cli.js (esbuild; dependencies external), and pack the schemas the testing entry ships',
  steps: [
    { exec: `${ESBUILD} lib/index.ts --outfile=dist/index.js` },
    // Its own bundle: synthesizing (dist/index.js) never loads the testing code, ajv or the schemas.
    { exec: `${ESBUILD} lib/testing/index.ts --outfile=dist/testing.js` },
    { exec: `${ESBUILD} lib/testing/bin.ts --outfile=dist/cli.js` },
    { exec: 'node --import tsx scripts/pack-schemas.ts' },
  ],
});
project.addBins({ 'cdktf-ai-infra': 'dist/cli.js' });
// TypeScript's classic `moduleResolution: node` (what `cdktf init` projects use) ignores `exports`:
// typesVersions points it at the testing entry's declarations (the consumer test compiles that way).
project.package.addField('typesVersions', { '*': { testing: ['dist/testing/index.d.ts'] } });
project.package.addField('exports', {
  '.': { types: './dist/index.d.ts', default: './dist/index.js' },
  './testing': { types: './dist/testing/index.d.ts', default: './dist/testing.js' },
  './package.json': './package.json',
});
// `npm ci` / `npm install` in a clone (and `npm pack`) builds the bundle and the declarations, so the
// examples synthesize right away and a packed tarball carries its types.
project.package.setScript('prepare', 'npm run compile');
// The tarball holds what a user needs and nothing else: the bundle, its source map, the
// declarations, README and LICENSE (npm adds those two and package.json itself). The consumer test
// (test/package/consumer.test.ts) packs it and checks the list.
project.package.addField('files', ['dist/**/*.js', 'dist/**/*.js.map', 'dist/**/*.d.ts', 'dist/schemas/**/*.json.gz']);
project.compileTask.reset('tsc --build');
project.compileTask.spawn(bundleTask);
// tsc writes only the declarations: the JavaScript is the bundle.
project.tsconfig?.file.addOverride('compilerOptions.emitDeclarationOnly', true);
project.tsconfig?.file.addOverride('compilerOptions.inlineSourceMap', false);
project.tsconfig?.file.addOverride('compilerOptions.inlineSources', false);

// Tasks users and CI run. `npm test` = type-check + jest (unit, schema, offline terraform) + eslint.
// (Running tsc and eslint beside jest was measured: no gain on two cores, jest already uses both.)

project.addTask('example', {
  description: 'Synthesize the flagship example offline and print a summary',
  exec: 'node --import tsx scripts/example.ts',
  receiveArgs: true,
});
project.addTask('docs', {
  description: 'API reference from TSDoc into docs/api (HTML)',
  exec: 'typedoc --out docs/api --entryPoints lib/index.ts --tsconfig tsconfig.json --excludeInternal --excludePrivate --readme README.md --name cdktf-ai-infra --disableSources --treatWarningsAsErrors',
});
project.addTask('readme-diagrams', {
  description: 'Rewrite the generated diagram section of each example README from a fresh synth',
  exec: 'node --import tsx scripts/readme-diagrams.ts',
});
project.addTask('vendor-schemas', {
  description: 'Regenerate vendor/schemas/kubernetes (trimmed Kubernetes and CRD schemas) from full upstream files: -- --from <folder>',
  exec: 'node --import tsx scripts/vendor-schemas.ts',
  receiveArgs: true,
});
project.addTask('bench-tests', {
  description: 'Wall time and peak RSS of `npm test` (and optionally `.ci/run`), as JSON lines',
  exec: 'node --import tsx scripts/bench-tests.ts',
  receiveArgs: true,
});
project.addTask('bench', {
  description: 'Median synth wall time and peak RSS per example and its plain-cdktf floor (JSON lines)',
  exec: 'node --import tsx scripts/bench.ts',
  receiveArgs: true,
});

project.synth();
