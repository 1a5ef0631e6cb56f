// Jest test order: the long suites first (the packed-tarball test, the examples' offline plans, the
// Terraform harness), so that on two cores none of them starts last and runs alone at the end.
// Without jest's timing cache (a fresh clone) jest would order by file size and start them late.
// Then jest's own order (previous durations, else file size).
'use strict';
const Sequencer = require('@jest/test-sequencer').default;

const FIRST = ['test/package/consumer.test.ts', 'test/verify/examples.test.ts', 'test/training/training-pipeline.test.ts', 'test/support/terraform.test.ts'];

class LongSuitesFirst extends Sequencer {
  sort(tests) {
    const rank = (t) => {
      const i = FIRST.findIndex((f) => t.path.replace(/\\/g, '/').endsWith(f));
      return i < 0 ? FIRST.length : i;
    };
    const ordered = super.sort(tests);
    return [...ordered].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongSuitesFirst;
