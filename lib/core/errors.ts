/**
 * The one error type of cdktf-ai-infra: thrown at synth (before anything is written) when a
 * construct receives input it cannot turn into working infrastructure.
 *
 * The message always names the construct path, the field, the value received and what would be
 * valid, so that a user can fix the program without reading our code.
 */
export class ConfigError extends Error {
  /** Construct path (`node.path`) of the construct that rejected the input, or `-` when none. */
  public readonly constructPath: string;
  /** Name of the offending property, e.g. `maxNodes` or `sharing.replicas`. */
  public readonly field: string;
  /** The value received, rendered for the message. */
  public readonly received: string;
  /** What would have been valid. */
  public readonly expected: string;

  constructor(constructPath: string, field: string, received: unknown, expected: string) {
    const shown = renderValue(received);
    super(`${constructPath || '-'}: invalid ${field}: received ${shown}; expected ${expected}`);
    this.name = 'ConfigError';
    this.constructPath = constructPath || '-';
    this.field = field;
    this.received = shown;
    this.expected = expected;
    Object.setPrototypeOf(this, ConfigError.prototype);
  }
}

/** Render a received value for an error message: strings quoted, objects as compact JSON. */
export function renderValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 200 ? `${json.slice(0, 197)}...` : json;
  } catch {
    return String(value);
  }
}
