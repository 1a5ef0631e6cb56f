/**
 * Writes the schemas `cdktf-ai-infra/testing` ships into dist/ (part of `npm run bundle`):
 * - dist/schemas/kubernetes.json.gz: vendor/schemas/kubernetes as one gzip document
 *   `{ kinds, files: { <path>: <text> } }` (read by lib/testing/kubernetes-schemas.ts);
 * - dist/schemas/terraform/*.json.gz: the vendored provider schemas as they are.
 * Fails when the compressed total exceeds the budget (SIZE_BUDGET_BYTES).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

/** What the package may spend on schemas, compressed. */
export const SIZE_BUDGET_BYTES = 512_000;

const ROOT = path.resolve(__dirname, '..');
const FROM = path.join(ROOT, 'vendor', 'schemas');
const OUT = path.join(ROOT, 'dist', 'schemas');

export function packSchemas(): { file: string; bytes: number }[] {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(path.join(OUT, 'terraform'), { recursive: true });
  const index = JSON.parse(fs.readFileSync(path.join(FROM, 'kubernetes', 'index.json'), 'utf8'));
  const files: Record<string, string> = {};
  for (const f of index.files) files[f.file] = fs.readFileSync(path.join(FROM, 'kubernetes', f.file), 'utf8');
  const written: { file: string; bytes: number }[] = [];
  const k8s = zlib.gzipSync(JSON.stringify({ kinds: index.kinds, files }), { level: 9 });
  fs.writeFileSync(path.join(OUT, 'kubernetes.json.gz'), k8s);
  written.push({ file: 'dist/schemas/kubernetes.json.gz', bytes: k8s.length });
  for (const f of fs.readdirSync(path.join(FROM, 'terraform')).filter((n) => n.endsWith('.json.gz')).sort()) {
    fs.copyFileSync(path.join(FROM, 'terraform', f), path.join(OUT, 'terraform', f));
    written.push({ file: `dist/schemas/terraform/${f}`, bytes: fs.statSync(path.join(OUT, 'terraform', f)).size });
  }
  const total = written.reduce((n, w) => n + w.bytes, 0);
  if (total > SIZE_BUDGET_BYTES) throw new Error(`packed schemas are ${total} bytes, over the budget of ${SIZE_BUDGET_BYTES}`);
  return written;
}

if (require.main === module) packSchemas();
