// The lifecycle two_consumer_lag and two_dead_letters_unreplayed share: an admin client connected
// once, a refresh now and then on an interval (unref'd, so it never holds the process open).
import type { Admin } from '@pkg/kafka';

export interface RefreshedCache {
  /** Connects the admin client and refreshes now and then on the interval; never rejects. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function refreshOnInterval(
  admin: Pick<Admin, 'connect' | 'disconnect'>,
  refresh: () => Promise<unknown>,
  intervalMs: number,
): RefreshedCache {
  let timer: NodeJS.Timeout | undefined;
  return {
    async start() {
      try {
        await admin.connect();
      } catch {
        // kafkajs reconnects on the next request; the first refresh simply reports nothing.
      }
      await refresh();
      timer = setInterval(() => void refresh(), intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await admin.disconnect().catch(() => undefined);
    },
  };
}
