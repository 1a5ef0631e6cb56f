import { parseCron, toEventBridgeCron } from '../../lib/core/cron';
import { ConfigError } from '../../lib/core/errors';
import { FunctionTrigger } from '../../lib/functions/trigger';

const eventBridge = (cron: string) => toEventBridgeCron(parseCron(cron, 'p', 'schedule'), 'p', 'schedule');

describe('cron schedules', () => {
  test.each([
    ['0 2 * * *', 'cron(0 2 * * ? *)'],
    ['*/15 8-18 * * MON-FRI', 'cron(0/15 8-18 ? * MON-FRI *)'],
    ['30 1 1 * *', 'cron(30 1 1 * ? *)'],
    // Kubernetes counts Sunday as 0 (or 7), EventBridge as 1.
    ['0 3 * * 0', 'cron(0 3 ? * 1 *)'],
    ['0 3 * * 1-5', 'cron(0 3 ? * 2-6 *)'],
    ['0 3 * * 0,6', 'cron(0 3 ? * 1,7 *)'],
    ['0 3 * * 5-7', 'cron(0 3 ? * 6,7,1 *)'],
    ['0 3 * * */2', 'cron(0 3 ? * 1/2 *)'],
    ['@daily', 'cron(0 0 * * ? *)'],
    ['@weekly', 'cron(0 0 ? * 1 *)'],
  ])('%s → %s', (cron, expected) => {
    expect(eventBridge(cron)).toBe(expected);
  });

  test('macros expand and names are upper-cased for the CronJob', () => {
    expect(FunctionTrigger.schedule('@hourly').cron).toBe('0 * * * *');
    expect(FunctionTrigger.schedule('0 6 * jan mon').cron).toBe('0 6 * JAN MON');
  });

  test('throws when the schedule is not five valid fields', () => {
    expect(() => parseCron('0 2 * *', 'p', 'schedule')).toThrow(/invalid schedule: received "0 2 \* \*".*it has 4 fields/);
    expect(() => parseCron('61 2 * * *', 'p', 'schedule')).toThrow(/minute field "61"/);
    expect(() => parseCron('0 2 * * FUNDAY', 'p', 'schedule')).toThrow(/day-of-week field "FUNDAY"/);
    expect(() => parseCron('0 5-2 * * *', 'p', 'schedule')).toThrow(/hour field "5-2"/);
    expect(() => parseCron('0 */0 * * *', 'p', 'schedule')).toThrow(ConfigError);
    expect(() => FunctionTrigger.schedule('every day')).toThrow(/invalid trigger.schedule/);
  });

  test('throws when EventBridge cannot express the schedule (day of month and day of week)', () => {
    expect(() => eventBridge('0 2 1 * MON')).toThrow(/either the day of the month or the day of the week, not both/);
  });
});
