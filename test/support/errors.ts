/** Assertions on the ConfigError every validation branch must throw. */
import { ConfigError, renderValue } from '../../lib/core/errors';

/** Run `fn` and return the ConfigError it throws; fails the test when it throws nothing or something else. */
export function catchConfigError(fn: () => unknown): ConfigError {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

/** What a ConfigError must say: the construct path, the field, the value received and what is valid. */
export interface ExpectedConfigError {
  readonly path?: string;
  readonly field?: string;
  /** The value received (checked in its rendered form in the message). */
  readonly received?: unknown;
  /** Matched against the "expected ..." part. */
  readonly expected?: RegExp;
  /** Matched against the whole message. */
  readonly message?: RegExp;
}

/** `fn` throws a ConfigError naming `want`'s path, field and value (each when given). */
export function expectConfigError(fn: () => unknown, want: ExpectedConfigError): ConfigError {
  const e = catchConfigError(fn);
  if (want.path !== undefined) expect(e.constructPath).toBe(want.path);
  if (want.field !== undefined) expect(e.field).toBe(want.field);
  if ('received' in want) {
    expect(e.message).toContain(`${want.path ?? e.constructPath}: invalid ${want.field ?? e.field}: received ${renderValue(want.received)}`);
  }
  if (want.expected) expect(e.expected).toMatch(want.expected);
  if (want.message) expect(e.message).toMatch(want.message);
  return e;
}
