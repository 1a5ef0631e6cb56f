import { ConfigError } from '../core/errors';

/** A parsed five-field cron expression: the allowed values of each field. */
export interface ParsedCron {
  readonly minutes: number[];
  readonly hours: number[];
  readonly daysOfMonth: number[];
  readonly months: number[];
  /** 0 = Sunday … 6 = Saturday. */
  readonly daysOfWeek: number[];
  /** Whether day-of-month / day-of-week were restricted (`*` or `?` is not): cron ORs them when both are. */
  readonly domRestricted: boolean;
  readonly dowRestricted: boolean;
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const EXPECTED = 'a cron expression of five fields (minute hour day-of-month month day-of-week), e.g. "0 3 * * 1", with values, ranges (1-5), lists (1,15), steps (*/6) and names (JAN, MON), or one of @hourly, @daily, @weekly, @monthly, @yearly';

/**
 * Parse a standard five-field cron expression (the subset Argo Workflows' CronWorkflow `schedules`
 * and robfig/cron accept), checking every value against its field's range.
 * @throws ConfigError naming `path` and `field` when it is not one
 */
export function parseCron(expression: string, path: string, field: string): ParsedCron {
  if (typeof expression !== 'string') throw new ConfigError(path, field, expression, EXPECTED);
  const text = MACROS[expression.trim()] ?? expression.trim();
  const parts = text.split(/\s+/);
  if (parts.length !== 5) throw new ConfigError(path, field, expression, `${EXPECTED} (it has ${parts.length} fields)`);
  const [mi, h, dom, mo, dow] = parts;
  const parse = (part: string, name: string, min: number, max: number, names?: string[]) => {
    const out = new Set<number>();
    for (const item of part.split(',')) {
      const m = /^(\*|\?|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
      if (!m) throw new ConfigError(path, field, expression, `${EXPECTED} (the ${name} field "${part}" is not valid)`);
      const value = (v: string) => {
        const n = names?.indexOf(v.toUpperCase()) ?? -1;
        const num = n >= 0 ? n + (name === 'month' ? 1 : 0) : /^\d+$/.test(v) ? Number(v) : NaN;
        // Day of week 7 is Sunday in most cron dialects.
        const norm = name === 'day-of-week' && num === 7 ? 0 : num;
        if (!Number.isInteger(norm) || norm < min || norm > (name === 'day-of-week' ? 6 : max)) {
          throw new ConfigError(path, field, expression, `${EXPECTED} (${name} "${v}" is outside ${min}-${max})`);
        }
        return norm;
      };
      let lo = min;
      let hi = name === 'day-of-week' ? 6 : max;
      if (m[1] !== '*' && m[1] !== '?') {
        const [a, b] = m[1].split('-');
        lo = value(a);
        hi = b === undefined ? (m[2] ? (name === 'day-of-week' ? 6 : max) : lo) : value(b);
        if (hi < lo) throw new ConfigError(path, field, expression, `${EXPECTED} (the ${name} range "${m[1]}" is reversed)`);
      }
      const step = m[2] ? Number(m[2]) : 1;
      if (step < 1) throw new ConfigError(path, field, expression, `${EXPECTED} (a step of 0 in the ${name} field)`);
      for (let v = lo; v <= hi; v += step) out.add(v);
    }
    return [...out].sort((a, b) => a - b);
  };
  return {
    minutes: parse(mi, 'minute', 0, 59),
    hours: parse(h, 'hour', 0, 23),
    daysOfMonth: parse(dom, 'day-of-month', 1, 31),
    months: parse(mo, 'month', 1, 12, MONTHS),
    daysOfWeek: parse(dow, 'day-of-week', 0, 7, DAYS),
    domRestricted: dom !== '*' && dom !== '?',
    dowRestricted: dow !== '*' && dow !== '?',
  };
}

/**
 * Average runs a month of a schedule: the runs of a 400-year Gregorian cycle would be exact; a
 * common non-leap year (2026, starting on a Thursday) divided by 12 is close enough for cost.
 */
export function runsPerMonth(cron: ParsedCron): number {
  const perDay = cron.minutes.length * cron.hours.length;
  let days = 0;
  for (let d = new Date(Date.UTC(2026, 0, 1)); d.getUTCFullYear() === 2026; d = new Date(d.getTime() + 86_400_000)) {
    if (!cron.months.includes(d.getUTCMonth() + 1)) continue;
    const domOk = cron.daysOfMonth.includes(d.getUTCDate());
    const dowOk = cron.daysOfWeek.includes(d.getUTCDay());
    // Standard cron: when both day fields are restricted, a day matching either runs.
    const match = cron.domRestricted && cron.dowRestricted ? domOk || dowOk : domOk && dowOk;
    if (match) days++;
  }
  return Math.round((days * perDay / 12) * 1000) / 1000;
}
