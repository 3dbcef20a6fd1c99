// Public API of @relora/schedules.

export type { ConstantOptions } from './constant';
export { constant } from './constant';
export type { CosineRestartsOptions } from './cosine-restarts';
export { cosineRestarts } from './cosine-restarts';
export type { CyclicalCosineOptions } from './cyclical-cosine';
export { cyclicalCosine } from './cyclical-cosine';
export { SCHEDULE_DEFAULTS } from './defaults';
export type {
  DescribeScheduleOptions,
  ScheduleDescription,
  SchedulePoint,
} from './describe-schedule';
export { describeSchedule } from './describe-schedule';
export type { LinearOptions } from './linear';
export { linear } from './linear';
export type { Schedule } from './types';
