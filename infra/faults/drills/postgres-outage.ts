// PostgreSQL stopped: POST /one must answer 503 application/problem+json within a second and
// /readyz 503; once PostgreSQL is back, both recover without a restart of one, and every request
// accepted then goes all the way (the delivery audit).
import { eventually } from '@pkg/testkit';
import { AUDIT_RULE, auditDeliveries, auditPasses } from './delivery-audit.js';
import { pause, type Drill } from './drill.js';

async function timed(url: string, init?: RequestInit) {
  const started = performance.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });
    const text = await response.text();
    return {
      requestId:
        response.status === 201 ? (JSON.parse(text) as { request_id: string }).request_id : undefined,
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      ms: performance.now() - started,
    };
  } catch {
    return { requestId: undefined, status: 0, contentType: '', ms: performance.now() - started };
  }
}

export const postgresOutage: Drill = async ({ system, log }) => {
  const post = () =>
    timed(`${system.oneUrl}/one`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: 'drill', prompt: 'p', data: [] }),
    });
  log('stopping the private PostgreSQL');
  await system.infra.stopPostgres();
  const posts = [];
  for (let i = 0; i < 10; i += 1) posts.push(await post());
  const readyz = await timed(`${system.oneUrl}/readyz`);
  const problem503Within1s = posts.filter(
    (p) => p.status === 503 && p.contentType.startsWith('application/problem+json') && p.ms < 1_000,
  ).length;
  await pause(1_000);
  const restarted = performance.now();
  await system.infra.startPostgres();
  log('PostgreSQL is back');
  const accepted: string[] = [];
  const recovered = await eventually(
    async () => {
      const answer = await post();
      if (answer.requestId) accepted.push(answer.requestId);
      return answer.status === 201 && (await timed(`${system.oneUrl}/readyz`)).status === 200;
    },
    {
      timeoutMs: 30_000,
      intervalMs: 250,
      message: 'POST /one 201 and /readyz 200 after PostgreSQL returned',
    },
  ).then(
    () => true,
    () => false,
  );
  const recoverySeconds = Number(((performance.now() - restarted) / 1_000).toFixed(1));
  const audit = await auditDeliveries(system, accepted, { timeoutMs: 60_000 });
  return {
    pass: problem503Within1s === posts.length && readyz.status === 503 && recovered && auditPasses(audit),
    rule:
      'all POSTs during the outage 503 problem+json in < 1 s, /readyz 503, both recover on their own; ' +
      `for the 201s after recovery: ${AUDIT_RULE}`,
    counts: {
      postsDuringOutage: posts.length,
      problem503Within1s,
      slowestAnswerMs: Math.round(Math.max(...posts.map((p) => p.ms))),
      readyzStatus: readyz.status,
      readyzMs: Math.round(readyz.ms),
      recovered,
      recoverySecondsAfterStart: recoverySeconds,
      ...audit,
    },
  };
};
