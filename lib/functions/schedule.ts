import { ConfigError } from '../core/errors';

/**
 * Cron schedules of scheduled functions: the five-field Kubernetes CronJob syntax
 * (`minute hour day-of-month month day-of-week`, day of week 0-7 with 0 and 7 = Sunday, names
 * `SUN`-`SAT` and `JAN`-`DEC`), converted to the six-field EventBridge syntax for AWS Batch
 * (`cron(minute hour day-of-month month day-of-week year)`, day of week 1-7 with 1 = Sunday,
 * exactly one of day-of-month and day-of-week set to `?`). Both run in UTC here.
 * @internal
 */

/** The `@` macros of the Kubernetes CronJob syntax that EventBridge does not know. */
const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const FIELDS = [
  { name: 'minute', min: 0, max: 59, names: [] as string[] },
  { name: 'hour', min: 0, max: 23, names: [] as string[] },
  { name: 'day-of-month', min: 1, max: 31, names: [] as string[] },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day-of-week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

const HINT = 'a five-field cron schedule "minute hour day-of-month month day-of-week" in UTC, e.g. "0 2 * * *" (02:00 every day) or "*/15 8-18 * * MON-FRI", or one of @hourly, @daily, @weekly, @monthly, @yearly';

/**
 * Check a cron schedule and return its five fields (macros expanded, names upper-cased).
 * @throws ConfigError naming the field that is wrong
 */
export function parseCron(schedule: string, path: string, field: string): string[] {
  if (typeof schedule !== 'string') throw new ConfigError(path, field, schedule, HINT);
  const text = MACROS[schedule.trim().toLowerCase()] ?? schedule.trim();
  const parts = text.split(/\s+/);
  if (parts.length !== 5) throw new ConfigError(path, field, schedule, `${HINT} (it has ${parts.length} fields)`);
  return parts.map((part, i) => {
    const f = FIELDS[i];
    const upper = part.toUpperCase();
    for (const item of upper.split(',')) {
      const m = /^(\*|([0-9A-Z]+)(?:-([0-9A-Z]+))?)(?:\/(\d+))?$/.exec(item);
      const values = m ? [m[2], m[3]].filter((v): v is string => v !== undefined) : [];
      const bad = !m
        || values.some((v) => valueOf(v, f.names) === undefined || valueOf(v, f.names)! < f.min || valueOf(v, f.names)! > f.max)
        || (m[4] !== undefined && Number(m[4]) < 1)
        || (values.length === 2 && valueOf(values[0], f.names)! > valueOf(values[1], f.names)!);
      if (bad) {
        const names = f.names.length ? ` or ${f.names[0]}-${f.names[f.names.length - 1]}` : '';
        throw new ConfigError(path, field, schedule, `${HINT} (its ${f.name} field "${part}" is not "*", a value, a range or a list of ${f.min}-${f.max}${names}, with an optional "/step")`);
      }
    }
    return upper;
  });
}

/**
 * The EventBridge `cron(...)` expression of a five-field schedule.
 * @throws ConfigError when both day-of-month and day-of-week are restricted (EventBridge needs one
 *   of them to be `?`)
 */
export function toEventBridgeCron(fields: string[], path: string, field: string): string {
  let [minute, hour, dom, month, dow] = fields;
  if (dom !== '*' && dow !== '*') {
    throw new ConfigError(path, field, fields.join(' '),
      'a schedule that restricts either the day of the month or the day of the week, not both: EventBridge (AWS Batch) cannot express "either" (use "*" for one of them)');
  }
  if (dow === '*') {
    dow = '?';
  } else {
    dom = '?';
    // Kubernetes counts Sunday as 0 (and 7); EventBridge counts it as 1.
    dow = dow.split(',').map((item) => {
      const [range, step] = item.split('/');
      const shifted = range.split('-').map((v) => (/^\d+$/.test(v) ? String((Number(v) % 7) + 1) : v));
      // A range that ends on Sunday (7 → 1) wraps; EventBridge ranges cannot, so spell it as a list.
      if (shifted.length === 2 && /^\d+$/.test(shifted[0]) && /^\d+$/.test(shifted[1]) && Number(shifted[1]) < Number(shifted[0])) {
        if (step !== undefined) {
          throw new ConfigError(path, field, fields.join(' '), 'a day-of-week range with a step that does not end on Sunday (7), which EventBridge cannot express');
        }
        const out: string[] = [];
        for (let d = Number(shifted[0]); d <= 7; d++) out.push(String(d));
        for (let d = 1; d <= Number(shifted[1]); d++) out.push(String(d));
        return out.join(',');
      }
      return shifted.join('-') + (step !== undefined ? `/${step}` : '');
    }).join(',');
  }
  return `cron(${minute} ${hour} ${dom} ${month} ${dow} *)`;
}

function valueOf(v: string, names: string[]): number | undefined {
  if (/^\d+$/.test(v)) return Number(v);
  const i = names.indexOf(v);
  if (i < 0) return undefined;
  // Month names count from 1, day names from 0.
  return names.length === 12 ? i + 1 : i;
}
