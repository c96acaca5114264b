// Per-caller request limit on /one, counted in Redis so every instance of one shares it (README
// "API protection"). rate-limiter-flexible does the counting: one Lua script per request (INCRBY +
// PTTL in a single round trip), fixed windows of `durationS`. The caller is the token subject in
// `jwt` mode and the client address in `none` mode.
//
// Redis unreachable: fail open. A limiter outage must not take the API down with it, and the limit
// protects capacity rather than guarding data (authentication and ownership do that). Every request
// let through that way is counted (one.ratelimit.unavailable) and logged at most once a minute. It
// never hangs: the limiter refuses at once while the connection is not ready, and a stalled Redis
// is bounded by redis.commandTimeoutMs.
import type { Counter } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import type { Logger } from '@pkg/logger';
import { ProblemTypes, sendProblem } from './problem.js';

export interface RateLimitOptions {
  redis: Redis;
  /** Requests per window and window length in seconds. */
  points: number;
  durationS: number;
  /** `subject`: the verified token's `sub` (jwt mode); `address`: the client address (none mode). */
  keyBy: 'subject' | 'address';
  unavailable: Counter;
  logger: Logger;
}

/** The policy's name in the RateLimit and RateLimit-Policy fields (IETF draft-ietf-httpapi-ratelimit-headers). */
const POLICY = '"one"';
const LOG_INTERVAL_MS = 60_000;

export function rateLimit({ redis, points, durationS, keyBy, unavailable, logger }: RateLimitOptions) {
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `one:ratelimit:${keyBy}`,
    points,
    duration: durationS,
    // Not connected → reject at once (and fail open below) instead of queueing the command.
    rejectIfRedisNotReady: true,
    // A caller over its limit is refused from memory until its window ends: no Redis round trip
    // per request of a flood, on this instance.
    inMemoryBlockOnConsumed: points + 1,
  });
  const policy = `${POLICY};q=${points};w=${durationS}`;
  let lastLogged = -Infinity;

  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const key = keyBy === 'subject' ? res.locals.principal?.subject : req.ip;
    if (key === undefined) {
      next(new Error('rate limit keyed by subject without authentication before it'));
      return;
    }
    try {
      const allowed = await limiter.consume(key);
      setRateLimitFields(res, policy, allowed);
      next();
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) {
        setRateLimitFields(res, policy, outcome);
        res.setHeader('Retry-After', secondsUntilReset(outcome));
        sendProblem(
          res,
          ProblemTypes.tooManyRequests,
          `At most ${points} requests per ${durationS} s; retry after the Retry-After delay.`,
        );
        return;
      }
      unavailable.add(1);
      const now = performance.now();
      if (now - lastLogged >= LOG_INTERVAL_MS) {
        lastLogged = now;
        logger.warn('rate limit store unavailable; letting requests through (fail open)', {
          error: outcome instanceof Error ? outcome.message : String(outcome),
        });
      }
      next();
    }
  };
}

function setRateLimitFields(res: Response, policy: string, outcome: RateLimiterRes): void {
  res.setHeader('RateLimit-Policy', policy);
  res.setHeader('RateLimit', `${POLICY};r=${outcome.remainingPoints};t=${secondsUntilReset(outcome)}`);
}

function secondsUntilReset(outcome: RateLimiterRes): number {
  return Math.max(1, Math.ceil(outcome.msBeforeNext / 1_000));
}
