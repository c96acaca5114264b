// Times every POST /three attempt, as a decorator around the client, so the third-party client
// itself stays free of metrics code (and the retry policy around it counts each attempt once).
import type { ThreeClient } from '../third-party/three-client.js';
import type { TwoMetrics } from './two-metrics.js';

export function timedThreeClient(
  three: ThreeClient,
  metrics: Pick<TwoMetrics, 'thirdPartyCalled'>,
  now: () => number = () => performance.now(),
): ThreeClient {
  return {
    async post(call) {
      const started = now();
      try {
        const answer = await three.post(call);
        metrics.thirdPartyCalled(now() - started, answer.status);
        return answer;
      } catch (error) {
        metrics.thirdPartyCalled(now() - started);
        throw error;
      }
    },
    close: () => three.close(),
  };
}
