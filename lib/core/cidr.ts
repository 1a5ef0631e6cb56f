import { Token } from 'cdktf';
import { ConfigError } from './errors';

/** A parsed IPv4 CIDR block. */
export interface Ipv4Cidr {
  readonly cidr: string;
  /** First address as an unsigned 32-bit integer. */
  readonly first: number;
  /** Last address as an unsigned 32-bit integer. */
  readonly last: number;
  readonly prefix: number;
}

/**
 * Parse `a.b.c.d/n`, checking octets, prefix range and that no host bits are set. Returns
 * undefined for an unresolved token (nothing to check at synth).
 */
export function parseIpv4Cidr(cidr: string, path: string, field: string, minPrefix = 0, maxPrefix = 32): Ipv4Cidr | undefined {
  if (Token.isUnresolved(cidr)) return undefined;
  const expected = `an IPv4 CIDR such as "10.0.0.0/16" with a prefix from /${minPrefix} to /${maxPrefix} and no host bits set`;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) throw new ConfigError(path, field, cidr, expected);
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix < minPrefix || prefix > maxPrefix) throw new ConfigError(path, field, cidr, expected);
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) {
    const base = address - (address % size);
    const fixed = [16777216, 65536, 256, 1].map((d) => Math.floor(base / d) % 256).join('.');
    throw new ConfigError(path, field, cidr, `${expected} (did you mean "${fixed}/${prefix}"?)`);
  }
  return { cidr, first: address, last: address + size - 1, prefix };
}

/** True when two blocks share any address. */
export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.first <= b.last && b.first <= a.last;
}
