import { ConfigError } from '../core/errors';

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };

/** CPU quantity (`500m`, `2`, `1.5`) in millicores. */
export function cpuMillis(value: string, path: string, field: string): number {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(String(value));
  if (!m || Number(m[1]) <= 0) throw new ConfigError(path, field, value, 'a positive CPU quantity such as "500m", "2" or "1.5"');
  return Math.ceil(m[2] ? Number(m[1]) : Number(m[1]) * 1000);
}

/** Memory quantity (`512Mi`, `8Gi`, `1G`, bytes) in bytes. */
export function memoryBytes(value: string, path: string, field: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/.exec(String(value));
  if (!m || Number(m[1]) <= 0) throw new ConfigError(path, field, value, 'a positive memory quantity such as "512Mi", "8Gi" or "1G"');
  const unit = m[2] ? BINARY[m[2]] ?? DECIMAL[m[2]] : 1;
  return Math.ceil(Number(m[1]) * unit);
}

/** Millicores as a Kubernetes quantity (`8`, `1500m`). */
export function formatCpu(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${Math.ceil(millis)}m`;
}

/** Bytes as a Kubernetes quantity in Gi or Mi. */
export function formatMemory(bytes: number): string {
  return bytes % 2 ** 30 === 0 ? `${bytes / 2 ** 30}Gi` : `${Math.ceil(bytes / 2 ** 20)}Mi`;
}
