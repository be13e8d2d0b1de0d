import { InputError } from '@backstage/errors';
import {
  awakeHoursPerWeek,
  ProfileConfig,
  SleepSchedule,
  sleepScheduleSchema,
} from '@nested-clusters/plugin-nested-clusters-node';

/**
 * A create's sleep schedule: the owner's when it keeps the cluster awake no
 * more hours a week than the profile's (any schedule when the profile has
 * none), else the profile's. An InputError names the field.
 */
export function sleepChoice(
  requested: unknown,
  profile: ProfileConfig,
  now: Date = new Date(),
): SleepSchedule | undefined {
  if (requested === undefined) {
    return profile.sleep;
  }
  const parsed = sleepScheduleSchema.safeParse(requested);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `${['sleep', ...issue.path].join('.')}: ${issue.message}`,
    );
  }
  if (profile.sleep) {
    const mine = awakeHoursPerWeek(parsed.data, now);
    const bound = awakeHoursPerWeek(profile.sleep, now);
    if (mine > bound) {
      const { schedule, wakeup, timezone } = profile.sleep;
      throw new InputError(
        `sleep: this schedule keeps the cluster awake ${hours(
          mine,
        )} h a week, more than the ${hours(bound)} h of profile "${
          profile.name
        }" (sleep ${schedule}, wake ${wakeup}, ${timezone})`,
      );
    }
  }
  return parsed.data;
}

function hours(value: number): string {
  return String(Math.round(value * 10) / 10);
}
