/**
 * The policy view's resolver (resolveForRules) skips cdktf's resolver for plain data: it must give
 * exactly what cdktf's own resolution gives, on every Terraform element of real programs (the
 * examples, built in-process), and on hand-made values holding every kind of token.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, DefaultTokenResolver, Fn, Lazy, StringConcat, TerraformElement, TerraformStack, Token, Tokenization } from 'cdktf';
import { resolveForRules } from '../../lib/policy/view';
import { testApp } from '../support/synth';

const RESOLVER = new DefaultTokenResolver(new StringConcat());
const cdktfResolve = (stack: TerraformStack, x: unknown) => Tokenization.resolve(x, { scope: stack, resolver: RESOLVER });

/** Run an example's main.ts in this process and return its App once synthesized. */
function buildExample(name: string): App {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `view-${name}-`));
  const previous = process.env.CDKTF_OUTDIR;
  process.env.CDKTF_OUTDIR = outdir;
  let app: App | undefined;
  const original = App.prototype.synth;
  const spy = jest.spyOn(App.prototype, 'synth').mockImplementation(function (this: App) {
    app = this;
    original.call(this);
  });
  try {
    // Same module registry, so the App class spied on is the example's; synchronous, hence require.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(`../../examples/${name}/main`);
  } finally {
    spy.mockRestore();
    if (previous === undefined) delete process.env.CDKTF_OUTDIR;
    else process.env.CDKTF_OUTDIR = previous;
  }
  if (!app) throw new Error(`examples/${name}/main.ts did not call app.synth()`);
  return app;
}

describe.each(['hybrid-platform', 'retail-personalization'])('resolveForRules on every element of examples/%s', (name) => {
  test('gives what cdktf resolution gives', () => {
    const app = buildExample(name);
    let compared = 0;
    let withTokens = 0;
    for (const stack of app.node.findAll().filter(TerraformStack.isStack)) {
      for (const node of stack.node.findAll()) {
        if (!(node instanceof TerraformElement)) continue;
        const raw = node.toTerraform();
        const expected = cdktfResolve(stack, raw);
        expect(resolveForRules(stack, raw)).toEqual(expected);
        compared++;
        if (JSON.stringify(raw) !== JSON.stringify(expected)) withTokens++;
      }
    }
    // Not vacuous: many elements, and many of them really held tokens.
    expect(compared).toBeGreaterThan(80);
    expect(withTokens).toBeGreaterThan(20);
  });
});

describe('resolveForRules on hand-made values', () => {
  const app = testApp();
  const stack = new TerraformStack(app, 's');
  const cases: Record<string, unknown> = {
    'string token': Token.asString(Lazy.stringValue({ produce: () => 'lazy' })),
    'string with a token inside': `arn:${Token.asString(Lazy.stringValue({ produce: () => 'aws' }))}:s3:::b`,
    'number token': Token.asNumber(Lazy.numberValue({ produce: () => 42 })),
    'list token': Token.asList(Lazy.listValue({ produce: () => ['a', 'b'] })),
    'map token': Token.asStringMap(Lazy.anyValue({ produce: () => ({ k: 'v' }) })),
    'resolvable object': Lazy.anyValue({ produce: () => ({ nested: [1, undefined, 'x'] }) }),
    'Terraform function': Fn.join(',', ['a', 'b']),
    'plain data with undefined': { 'a': 1, 'b': undefined, 'c': [undefined, 'x', { d: null, e: true }], '//': { metadata: { path: 'p' } } },
    'literal expression': '${var.x} and {braces}',
    'token as a key': { [Token.asString(Lazy.stringValue({ produce: () => 'key' }))]: 'v' },
  };
  test.each(Object.keys(cases))('%s', (label) => {
    const value = { wrapped: cases[label], list: [cases[label]] };
    expect(resolveForRules(stack, value)).toEqual(cdktfResolve(stack, value));
  });

  test('plain data is copied, not shared', () => {
    const value = { a: { b: ['c'] } };
    const out = resolveForRules(stack, value);
    expect(out).toEqual(value);
    expect(out.a).not.toBe(value.a);
  });
});
