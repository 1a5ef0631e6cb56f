/**
 * Once before all test files: build dist/index.js, which the examples' app commands load (the
 * example and verify tests run them as `cdktf synth` would), so they never test a stale bundle.
 */
import { bundleLibrary } from '../../scripts/examples';

export default function globalSetup(): void {
  bundleLibrary();
}
