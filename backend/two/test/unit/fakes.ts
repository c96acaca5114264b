import type { AccessTokenClient } from '@pkg/accesstoken';
import type { ThreeAnswer, ThreeCall, ThreeClient } from '../../src/third-party/three-client.js';

/** A third party that answers from a script, one status per call; the last one repeats. */
export function scriptedThree(statuses: Array<number | Partial<ThreeAnswer> | Error>) {
  const calls: ThreeCall[] = [];
  const client: ThreeClient = {
    async post(call) {
      calls.push(call);
      const next = statuses[Math.min(calls.length - 1, statuses.length - 1)]!;
      if (next instanceof Error) throw next;
      return typeof next === 'number'
        ? { status: next, retryAfterMs: undefined }
        : { status: 200, retryAfterMs: undefined, ...next };
    },
    close: async () => {},
  };
  return { client, calls };
}

/** Hands out token-1, token-2, … : a new one after each invalidate(); `failures` are thrown first. */
export function countingTokens(failures: Error[] = []) {
  let issued = 1;
  const pending = [...failures];
  const invalidated: string[] = [];
  const tokens: AccessTokenClient = {
    getToken: async () => {
      const failure = pending.shift();
      if (failure) throw failure;
      return `token-${issued}`;
    },
    invalidate: (token) => {
      invalidated.push(token ?? '');
      issued += 1;
    },
  };
  return { tokens, invalidated };
}
