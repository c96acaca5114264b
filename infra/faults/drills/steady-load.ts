// A constant request rate against POST /one that keeps going through an outage, recording every
// answer: which ids got 201 (the promises the drills then check) and how the others were refused.
import { REQUEST_BODY } from '../../bench/harness/load.js';

export interface Answer {
  status: number;
  requestId?: string;
  contentType: string;
  elapsedMs: number;
}

export interface SteadyLoad {
  /** Stops sending and waits for the answers still in flight. */
  stop(): Promise<Answer[]>;
  answers: Answer[];
}

/** POSTs one body to /one and records the answer; never throws. */
export async function postOne(oneUrl: string, body: string = REQUEST_BODY): Promise<Answer> {
  const started = performance.now();
  try {
    const response = await fetch(`${oneUrl}/one`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return {
      status: response.status,
      requestId:
        response.status === 201 ? (JSON.parse(text) as { request_id: string }).request_id : undefined,
      contentType: response.headers.get('content-type') ?? '',
      elapsedMs: performance.now() - started,
    };
  } catch {
    return { status: 0, contentType: '', elapsedMs: performance.now() - started };
  }
}

/** POSTs every body, `concurrency` at a time, and returns the answers in order. */
export async function postAll(
  oneUrl: string,
  bodies: readonly string[],
  concurrency: number,
): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let start = 0; start < bodies.length; start += concurrency)
    answers.push(
      ...(await Promise.all(bodies.slice(start, start + concurrency).map((body) => postOne(oneUrl, body)))),
    );
  return answers;
}

export function steadyLoad(oneUrl: string, perSecond: number): SteadyLoad {
  const answers: Answer[] = [];
  const inFlight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    const sent = postOne(oneUrl)
      .then((answer) => void answers.push(answer))
      .finally(() => inFlight.delete(sent));
    inFlight.add(sent);
  }, 1_000 / perSecond);
  return {
    answers,
    stop: async () => {
      clearInterval(timer);
      await Promise.all(inFlight);
      return answers;
    },
  };
}

export function acceptedIds(answers: readonly Answer[]): string[] {
  return answers.flatMap((answer) => (answer.requestId ? [answer.requestId] : []));
}
