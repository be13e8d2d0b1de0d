import {
  awakeHoursPerWeek,
  cronProblem,
  hasPlatformSleep,
  lastSleepEvent,
  nextSleepEvent,
  parseSleepAnnotation,
  sleepAnnotation,
  sleepScheduleSchema,
} from './sleep';

const BERLIN = {
  schedule: '0 20 * * 1-5',
  wakeup: '0 8 * * 1-5',
  timezone: 'Europe/Berlin',
};

describe('sleep schedules', () => {
  it('finds the last and next events in the time zone', () => {
    // Monday 2026-12-07 20:30 in Berlin (CET, UTC+1) is 19:30 UTC.
    const now = new Date('2026-12-07T19:30:00Z');
    expect(lastSleepEvent(BERLIN, now)).toEqual({
      action: 'sleep',
      at: new Date('2026-12-07T19:00:00Z'),
    });
    expect(nextSleepEvent(BERLIN, now)).toEqual({
      action: 'wake',
      at: new Date('2026-12-08T07:00:00Z'),
    });
    // An event exactly at `now` is the last one, not the next.
    expect(lastSleepEvent(BERLIN, new Date('2026-12-08T07:00:00Z'))).toEqual({
      action: 'wake',
      at: new Date('2026-12-08T07:00:00Z'),
    });
  });

  it('counts awake hours per week', () => {
    const from = new Date('2026-12-07T00:00:00Z');
    // Asleep from Friday 20:00 to Monday 08:00 and every weeknight: 5 × 12 h awake.
    expect(awakeHoursPerWeek(BERLIN, from)).toBe(60);
    expect(
      awakeHoursPerWeek({ ...BERLIN, schedule: '0 22 * * 1-5' }, from),
    ).toBe(70);
  });

  it('validates cron expressions and time zones', () => {
    expect(cronProblem('0 20 * * 1-5')).toBeUndefined();
    expect(cronProblem('0 20 * *')).toMatch(/5 fields/);
    expect(cronProblem('0 25 * * *')).toMatch(/not a cron expression/);
    const bad = sleepScheduleSchema.safeParse({
      ...BERLIN,
      timezone: 'Mars/Olympus',
    });
    expect(bad.success).toBe(false);
    expect(
      sleepScheduleSchema.parse({ schedule: '0 20 * * *', wakeup: '0 8 * * *' })
        .timezone,
    ).toBe('UTC');
  });

  it('round-trips the namespace annotation', () => {
    expect(parseSleepAnnotation(sleepAnnotation(BERLIN))).toEqual(BERLIN);
    expect(parseSleepAnnotation('{nope')).toBeUndefined();
  });

  it('recognises vCluster Platform sleep annotations', () => {
    expect(hasPlatformSleep({ 'sleepmode.loft.sh/force': 'true' })).toBe(true);
    expect(hasPlatformSleep({ 'loft.sh/paused': 'true' }, undefined)).toBe(
      false,
    );
  });
});
