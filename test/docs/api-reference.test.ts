/**
 * `npm run docs` must keep working: the API reference is generated from the TSDoc of what
 * lib/index.ts exports. typedoc runs with the task's own arguments (warnings are errors: a public
 * member that refers to an unexported type, a broken link) but emits nothing.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

test('the API reference generates from TSDoc without warnings', () => {
  const tasks = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen/tasks.json'), 'utf8'));
  const command: string = tasks.tasks.docs.steps[0].exec;
  expect(command).toMatch(/^typedoc .*--treatWarningsAsErrors/);
  const args = command.split(/\s+/).slice(1).filter((a, i, all) => a !== '--out' && all[i - 1] !== '--out');
  const r = spawnSync(path.join(ROOT, 'node_modules/.bin/typedoc'), [...args, '--emit', 'none'], { cwd: ROOT, encoding: 'utf8' });
  expect({ status: r.status, output: `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter((l) => /warning|error/i.test(l) && !/Found 0 errors and 0 warnings/.test(l)) })
    .toEqual({ status: 0, output: [] });
}, 120_000);
