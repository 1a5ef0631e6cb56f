/**
 * Work that runs in runs (pipeline stages, function invocations) when the runs a month or the
 * duration of a run are unknown: such figures are never guessed, the line says what is missing.
 * Pure functions. @internal
 */
import { round } from './assumptions';
import { CostLine } from './cost-line';
import { Duration } from '../core/duration';

/** What is known of the runs behind a usage line. @internal */
export interface RunFacts {
  /** Runs a month, when known. */
  readonly runsPerMonth?: number;
  /** Why the runs a month are unknown and how to give them. */
  readonly runsHint: string;
  /** Wall time of one run, when known. */
  readonly duration?: Duration;
  /** The longest a run may take (it is stopped then). */
  readonly bound: Duration;
  /** What that bound is called, e.g. `maxRuntime`. */
  readonly boundName: string;
  /** How to give the duration, e.g. `set expectedDuration on stage "train"`. */
  readonly durationHint: string;
}

/** The runs a month and the duration to compute a line with: `runsPerMonth ?? 1` runs of `duration ?? bound`. @internal */
export function computedRuns(f: RunFacts): { runsPerMonth: number; duration: Duration } {
  return { runsPerMonth: f.runsPerMonth ?? 1, duration: f.duration ?? f.bound };
}

/**
 * The line to report, from `line` computed with {@link computedRuns}: unchanged when the runs a
 * month and the duration are known. Otherwise the expected usage is 0 (not estimated, and said
 * so), the high figure is the bound when the runs a month are known (every run lasting its
 * `bound`), and the notes give the figures per run.
 * @internal
 */
export function withUnknowns(line: CostLine, f: RunFacts): CostLine {
  const runsKnown = f.runsPerMonth !== undefined;
  const durationKnown = f.duration !== undefined;
  if (runsKnown && durationKnown) return line;
  const computed = line.nodeHours.expected;
  const usd = line.usdPerNodeHour;
  const priced = (nh: number) => (usd === undefined ? '' : ` (USD ${round(nh * usd, 2)})`);
  const high = runsKnown ? computed : 0;
  const notes = [...line.notes];
  if (!durationKnown) {
    notes.push(`duration of a run unknown: the expected usage is not estimated (0 node-hours here, not a guess)${runsKnown
      ? `; at most ${round(computed, 2)} node-hours a month${priced(computed)} if every run lasts its ${f.boundName} (${f.bound})` : ''}; ${f.durationHint}`);
  }
  if (!runsKnown) {
    notes.push(`runs per month unknown (${f.runsHint}): ${durationKnown ? '' : 'at most '}${round(computed, 2)} node-hours${priced(computed)} per run`
      + `${durationKnown ? '' : ` (lasting its ${f.boundName}, ${f.bound})`}`);
  }
  const unknown = [runsKnown ? '' : 'runs per month', durationKnown ? '' : 'duration'].filter((x) => x).join(' and ');
  return {
    ...line,
    description: `${line.description} (${unknown} unknown)`,
    nodeHours: { low: 0, expected: 0, high },
    monthlyUsd: usd === undefined ? undefined : { low: 0, expected: 0, high: high * usd },
    inputs: {
      ...line.inputs,
      ...(runsKnown ? {} : { runsPerMonth: 'unknown' }),
      ...(durationKnown ? {} : { duration: `unknown (at most its ${f.boundName}, ${f.bound})` }),
    },
    scenarios: [],
    notes,
  };
}

