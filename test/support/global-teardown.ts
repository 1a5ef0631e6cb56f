/** After all test files: remove the examples' shared outputs (global-setup.ts). */
import * as fs from 'node:fs';
import { EXAMPLES_OUT_ENV } from '../../scripts/examples';

export default function globalTeardown(): void {
  const root = process.env[EXAMPLES_OUT_ENV];
  if (root) fs.rmSync(root, { recursive: true, force: true });
}
