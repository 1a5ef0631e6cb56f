/**
 * Once before all test files:
 * - build dist/ (the bundles the examples' app commands and the package test load), so no test
 *   runs a stale bundle;
 * - synthesize every example once, with its own cdktf.json app command (what `cdktf synth` runs),
 *   two at a time, into a temporary folder named by CDKTF_AI_INFRA_EXAMPLES_OUT: the example,
 *   verify, diagram and first-deploy suites all read these outputs (read only) instead of each
 *   synthesizing every example again.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { appEnv, bundleLibrary, EXAMPLES_OUT_ENV, listExamples } from '../../scripts/examples';

export default async function globalSetup(): Promise<void> {
  bundleLibrary();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-ai-infra-examples-'));
  const queue = listExamples();
  const worker = async () => {
    for (let e = queue.shift(); e; e = queue.shift()) {
      const example = e;
      await new Promise<void>((resolve, reject) => {
        const child = spawn(example.app, { cwd: example.dir, shell: true, env: appEnv({ CDKTF_OUTDIR: path.join(root, example.name) }), stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => { stderr += d; });
        child.on('close', (code) => code === 0 ? resolve() : reject(new Error(`"${example.app}" failed in ${example.dir}:\n${stderr}`)));
      });
    }
  };
  await Promise.all([worker(), worker()]);
  process.env[EXAMPLES_OUT_ENV] = root;
}
