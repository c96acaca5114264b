import { Cron } from 'croner';

export interface ScheduleOptions {
  /** Cron pattern, e.g. '0 3 * * *' for 03:00 every day. */
  pattern: string;
  timezone?: string;
  run: () => Promise<unknown>;
  onSkipped: () => void;
  onError: (error: unknown) => void;
}

/**
 * The in-process alternative to a Kubernetes CronJob, for a service that runs on a long-lived host.
 * A tick that fires while the previous run is still going is skipped, so slow runs never pile up.
 * Across replicas, the advisory lock in `purgeExpiredRequests` makes sure only one of them works.
 */
export function scheduleRetention(options: ScheduleOptions): Cron {
  // Our own guard rather than croner's `protect`: that one covers scheduled ticks only, not
  // `trigger()`, and a guard we can see is one the tests can prove.
  let running = false;
  const runUnlessBusy = async () => {
    if (running) return options.onSkipped();
    running = true;
    try {
      await options.run();
    } catch (error) {
      options.onError(error);
    } finally {
      running = false;
    }
  };
  return new Cron(options.pattern, options.timezone ? { timezone: options.timezone } : {}, runUnlessBusy);
}
