import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

/**
 * A sleep schedule in the shape of vCluster's `sleep.auto`
 * (`schedule`, `wakeup.schedule`, `timezone`): two cron expressions, read
 * in an IANA time zone. The plugin applies it through the CLI's free pause.
 */
export interface SleepSchedule {
  /** When the cluster is paused, e.g. `0 20 * * 1-5`. */
  schedule: string;
  /** When a cluster the schedule paused is resumed, e.g. `0 8 * * 1-5`. */
  wakeup: string;
  /** IANA time zone, e.g. Europe/Berlin. Default UTC. */
  timezone: string;
}

export type SleepAction = 'sleep' | 'wake';

export interface SleepEvent {
  action: SleepAction;
  at: Date;
}

/** A cron expression's problem, or undefined when it parses (5 fields, minutes first). */
export function cronProblem(cronText: string): string | undefined {
  if (cronText.trim().split(/\s+/).length !== 5) {
    return 'expected a cron expression of 5 fields, e.g. 0 20 * * 1-5';
  }
  try {
    CronExpressionParser.parse(cronText, { tz: 'UTC' });
    return undefined;
  } catch (error) {
    return `not a cron expression: ${(error as Error).message}`;
  }
}

function timezoneProblem(timezone: string): string | undefined {
  try {
    // The constructor is the check: it throws a RangeError for unknown zones.
    Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return undefined;
  } catch {
    return `unknown time zone "${timezone}", expected an IANA name such as Europe/Berlin`;
  }
}

const cron = z.string().superRefine((value, ctx) => {
  const problem = cronProblem(value);
  if (problem) {
    ctx.addIssue({ code: 'custom', message: problem });
  }
});

export const sleepScheduleSchema = z.object({
  schedule: cron,
  wakeup: cron,
  timezone: z
    .string()
    .default('UTC')
    .superRefine((value, ctx) => {
      const problem = timezoneProblem(value);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem });
      }
    }),
});

function expression(cronText: string, timezone: string, currentDate: Date) {
  return CronExpressionParser.parse(cronText, { tz: timezone, currentDate });
}

/** The schedule's most recent event at or before `now`, if any within a year. */
export function lastSleepEvent(
  sleep: SleepSchedule,
  now: Date,
): SleepEvent | undefined {
  // prev() is strictly before currentDate: one ms later includes an event at `now`.
  const at = new Date(now.getTime() + 1);
  const candidates: SleepEvent[] = [];
  for (const [action, text] of [
    ['sleep', sleep.schedule],
    ['wake', sleep.wakeup],
  ] as const) {
    const parsed = expression(text, sleep.timezone, at);
    if (parsed.hasPrev()) {
      candidates.push({ action, at: parsed.prev().toDate() });
    }
  }
  return latest(candidates);
}

/** The schedule's next event after `now`. */
export function nextSleepEvent(
  sleep: SleepSchedule,
  now: Date,
): SleepEvent | undefined {
  const candidates: SleepEvent[] = [];
  for (const [action, text] of [
    ['sleep', sleep.schedule],
    ['wake', sleep.wakeup],
  ] as const) {
    const parsed = expression(text, sleep.timezone, now);
    if (parsed.hasNext()) {
      candidates.push({ action, at: parsed.next().toDate() });
    }
  }
  return candidates.sort((a, b) => a.at.getTime() - b.at.getTime())[0];
}

function latest(events: SleepEvent[]): SleepEvent | undefined {
  // On a tie, sleeping wins: a schedule that wakes and sleeps at once sleeps.
  return events.sort(
    (a, b) =>
      b.at.getTime() - a.at.getTime() ||
      (a.action === 'sleep' ? -1 : 1) - (b.action === 'sleep' ? -1 : 1),
  )[0];
}

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;

/**
 * Hours a cluster following the schedule would be awake in the week after
 * `from` (awake at the start unless the last event put it to sleep). The
 * bound an owner's own schedule must keep: no more awake hours than the
 * profile's.
 */
export function awakeHoursPerWeek(sleep: SleepSchedule, from: Date): number {
  const end = from.getTime() + WEEK;
  let awake = lastSleepEvent(sleep, from)?.action !== 'sleep';
  let cursor = from.getTime();
  let total = 0;
  for (let event = nextSleepEvent(sleep, from); event; ) {
    const at = Math.min(event.at.getTime(), end);
    if (awake) {
      total += at - cursor;
    }
    cursor = at;
    if (at >= end) {
      break;
    }
    awake = event.action === 'wake';
    event = nextSleepEvent(sleep, event.at);
  }
  if (cursor < end && awake) {
    total += end - cursor;
  }
  return total / HOUR;
}

/** The annotation value recording a cluster's schedule on its namespace. */
export function sleepAnnotation(sleep: SleepSchedule): string {
  return JSON.stringify({
    schedule: sleep.schedule,
    wakeup: sleep.wakeup,
    timezone: sleep.timezone,
  });
}

/** The schedule recorded on a namespace, or undefined when absent or malformed. */
export function parseSleepAnnotation(
  value: string | undefined,
): SleepSchedule | undefined {
  if (!value) {
    return undefined;
  }
  try {
    const parsed = sleepScheduleSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** vCluster Platform's sleep mode annotations (agentapi sleepmodeconfig_types.go). */
export const PLATFORM_SLEEP_PREFIX = 'sleepmode.loft.sh/';

/** Whether vCluster Platform manages this cluster's sleep: the schedule then leaves it alone. */
export function hasPlatformSleep(
  ...annotationSets: Array<Record<string, string> | undefined>
): boolean {
  return annotationSets.some(set =>
    Object.keys(set ?? {}).some(key => key.startsWith(PLATFORM_SLEEP_PREFIX)),
  );
}
