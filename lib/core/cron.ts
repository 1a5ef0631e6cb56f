import { ConfigError } from './errors';

/**
 * Five-field cron schedules (`minute hour day-of-month month day-of-week`, the syntax of
 * Kubernetes CronJobs, Argo CronWorkflows and robfig/cron): one parser for every construct that
 * takes a schedule, the runs-per-month figure the cost model needs, and the conversion to the
 * six-field EventBridge syntax for AWS schedules.
 */

/** A parsed five-field cron expression: the allowed values of each field. */
export interface ParsedCron {
  /** The expression as given. */
  readonly expression: string;
  /** The five fields, macros expanded and names upper-cased. */
  readonly fields: string[];
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
const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  // 0 and 7 are both Sunday.
  { name: 'day-of-week', min: 0, max: 7, names: DAYS },
];
const EXPECTED = 'a cron expression of five fields (minute hour day-of-month month day-of-week, UTC), e.g. "0 3 * * 1", '
  + 'with values, ranges (1-5), lists (1,15), steps (*/6) and names (JAN, MON), or one of @hourly, @daily, @weekly, @monthly, @yearly';

/**
 * Parse a five-field cron expression, checking every value against its field's range.
 * @throws ConfigError naming `path`, `field`, the expression and the field that is wrong
 */
export function parseCron(expression: string, path: string, field: string): ParsedCron {
  if (typeof expression !== 'string') throw new ConfigError(path, field, expression, EXPECTED);
  const text = MACROS[expression.trim().toLowerCase()] ?? expression.trim();
  const parts = text.split(/\s+/);
  if (parts.length !== 5) throw new ConfigError(path, field, expression, `${EXPECTED} (it has ${parts.length} fields)`);
  const sets = parts.map((part, i) => {
    const f = FIELDS[i];
    const fail = (problem: string): never => {
      throw new ConfigError(path, field, expression, `${EXPECTED} (the ${f.name} field "${part}": ${problem})`);
    };
    const value = (v: string): number => {
      const n = f.names?.indexOf(v.toUpperCase()) ?? -1;
      const num = n >= 0 ? n + (f.name === 'month' ? 1 : 0) : /^\d+$/.test(v) ? Number(v) : NaN;
      if (!Number.isInteger(num) || num < f.min || num > f.max) fail(`${f.name} "${v}" is outside ${f.min}-${f.max}`);
      return num;
    };
    const out = new Set<number>();
    for (const item of part.split(',')) {
      const m = /^(\*|\?|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
      if (!m) fail('not a value, range, list or step');
      let lo = f.min;
      let hi = f.name === 'day-of-week' ? 6 : f.max;
      if (m![1] !== '*' && m![1] !== '?') {
        const [a, b] = m![1].split('-');
        lo = value(a);
        hi = b === undefined ? (m![2] ? hi : lo) : value(b);
        if (hi < lo) fail(`the range "${m![1]}" is reversed`);
      }
      const step = m![2] ? Number(m![2]) : 1;
      if (step < 1) fail('a step of 0');
      for (let v = lo; v <= hi; v += step) out.add(f.name === 'day-of-week' && v === 7 ? 0 : v);
    }
    return [...out].sort((a, b) => a - b);
  });
  const [, , dom, , dow] = parts;
  return {
    expression,
    fields: parts.map((p) => p.toUpperCase()),
    minutes: sets[0],
    hours: sets[1],
    daysOfMonth: sets[2],
    months: sets[3],
    daysOfWeek: sets[4],
    domRestricted: dom !== '*' && dom !== '?',
    dowRestricted: dow !== '*' && dow !== '?',
  };
}

/**
 * Average runs a month of a schedule: the runs of a common year (2026, starting on a Thursday)
 * divided by 12, close enough for cost.
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

/**
 * The EventBridge `cron(...)` expression of a schedule (six fields, UTC, one of day-of-month and
 * day-of-week is `?`, days of week 1-7 from Sunday).
 * @throws ConfigError when both day fields are restricted (EventBridge cannot OR them)
 */
export function toEventBridgeCron(cron: ParsedCron, path: string, field: string): string {
  let [minute, hour, dom, month, dow] = cron.fields;
  if (cron.domRestricted && cron.dowRestricted) {
    throw new ConfigError(path, field, cron.expression,
      'a schedule that restricts either the day of the month or the day of the week, not both: EventBridge cannot express "either" (use "*" for one of them)');
  }
  if (!cron.dowRestricted) {
    dow = '?';
    if (dom === '?') dom = '*';
  } else {
    dom = '?';
    // Cron counts Sunday as 0 (and 7); EventBridge counts it as 1.
    dow = dow.split(',').map((item) => {
      const [range, step] = item.split('/');
      const shifted = range.split('-').map((v) => (/^\d+$/.test(v) ? String((Number(v) % 7) + 1) : v));
      // A range that ends on Sunday (7 → 1) wraps; EventBridge ranges cannot, so spell it as a list.
      if (shifted.length === 2 && /^\d+$/.test(shifted[0]) && /^\d+$/.test(shifted[1]) && Number(shifted[1]) < Number(shifted[0])) {
        if (step !== undefined) {
          throw new ConfigError(path, field, cron.expression, 'a day-of-week range with a step that does not end on Sunday (7), which EventBridge cannot express');
        }
        const out: string[] = [];
        for (let d = Number(shifted[0]); d <= 7; d++) out.push(String(d));
        for (let d = 1; d <= Number(shifted[1]); d++) out.push(String(d));
        return out.join(',');
      }
      return (shifted[0] === '*' ? '1' : shifted.join('-')) + (step !== undefined ? `/${step}` : '');
    }).join(',');
  }
  // EventBridge steps start from a value: `*/15` is spelled `0/15` (minutes), `1/2` (months)...
  const fromStart = (f: string, start: number) => f.replace(/^\*\//, `${start}/`);
  return `cron(${fromStart(minute, 0)} ${fromStart(hour, 0)} ${fromStart(dom, 1)} ${fromStart(month, 1)} ${dow} *)`;
}
