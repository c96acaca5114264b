// `make faults` / `make faults-quick` (FAULTS_QUICK=1): failure drills against the real processes
// on private infrastructure, each printing PASS/FAIL with its counts; results go to
// docs/faults/faults[-quick].{json,md}. Exit code 1 when any drill fails. FAULTS_ONLY=a,b picks drills.
import { mkdirSync, writeFileSync } from 'node:fs';
import { describeMachine, describeVersions } from '../bench/harness/machine.js';
import { DOCS_FAULTS } from '../bench/harness/paths.js';
import { withSystemUnderTest } from '../bench/harness/system-under-test.js';
import { runBadInputCorpus } from './bad-input.js';
import { badInputJwt } from './bad-input-jwt.js';
import type { Drill, DrillResult } from './drills/drill.js';
import { bigPayloadOutage } from './drills/big-payload-outage.js';
import { deadLetterStorm } from './drills/dead-letter-storm.js';
import { flakyThirdParty } from './drills/flaky-third-party.js';
import { kafkaOutage } from './drills/kafka-outage.js';
import { longKafkaOutage } from './drills/long-kafka-outage.js';
import { poisonResult } from './drills/poison-result.js';
import { thirdPartyDown, tokenServerDown } from './drills/outages.js';
import { postgresOutage } from './drills/postgres-outage.js';
import { sigtermKafkaOutage } from './drills/sigterm-kafka-outage.js';
import { twoCrash } from './drills/two-crash.js';
import { twoInstances } from './drills/two-instances.js';
import { scaleOutAndIn, slowCall } from './drills/two-rebalance.js';
import { twoSigtermRetryAfter } from './drills/two-sigterm.js';
import { faultsMarkdown } from './faults-report.js';

const quick = process.env.FAULTS_QUICK === '1';
const only = process.env.FAULTS_ONLY?.split(',');
const log = (line: string) => console.log(`[faults] ${line}`);

const badInput: Drill = async ({ system }) => {
  const result = await runBadInputCorpus({
    oneUrl: system.oneUrl,
    databaseUrl: system.infra.databaseUrl('one'),
  });
  const { pass, failures, ...counts } = result;
  return {
    pass,
    rule: 'every case 4xx application/problem+json, no 5xx, no 2xx, nothing stored',
    counts: {
      ...counts,
      failedCases: failures.map((f) => `${f.name}: ${f.status} ${f.contentType}`).join('; '),
    },
  };
};

// Fast, state-free drills first; the ones that restart parts of the system after them.
const drills: [string, Drill][] = [
  ['bad-input corpus', badInput],
  ['bad-input corpus, jwt mode', badInputJwt],
  ['PostgreSQL stopped', postgresOutage],
  ['poison results on three-result', poisonResult],
  ['third party fails half of the calls', flakyThirdParty],
  [`third party down for ${quick ? 10 : 30} s`, thirdPartyDown],
  [`token server down for ${quick ? 10 : 30} s`, tokenServerDown],
  ['two killed with SIGKILL and restarted', twoCrash],
  // make faults only: the quick run keeps only the scale drill of two's (≈ 40 s); these take about
  // a minute each even when short (restarts of two, 9 s calls, a 30 s Retry-After).
  ...(quick
    ? []
    : ([
        ['two sent SIGTERM while requests wait out a 30 s Retry-After', twoSigtermRetryAfter],
        ['a call slower than the session timeout (two instances of two)', slowCall],
        [
          'a dead-letter storm: 300 requests of 55 KB refused for good (400) by the third party',
          deadLetterStorm,
        ],
      ] as [string, Drill][])),
  ['two scaled out and in under load', scaleOutAndIn],
  ['two instances of one behind one database', twoInstances],
  [`Kafka stopped for ${quick ? 10 : 30} s`, kafkaOutage],
  [`${quick ? 150 : 1_000} requests of 55 KB accepted while Kafka is stopped`, bigPayloadOutage],
  [`Kafka stopped for ${quick ? 15 : 60} s: readiness, backlog, memory`, longKafkaOutage],
  ['one sent SIGTERM while Kafka is stopped', sigtermKafkaOutage],
];

const machine = describeMachine();
const startedAt = new Date().toISOString();
const report = await withSystemUnderTest({ log }, async (system) => {
  const versions = await describeVersions(system.infra.postgresUrl);
  const results: DrillResult[] = [];
  for (const [name, drill] of drills) {
    if (only && !only.some((selected) => name.toLowerCase().includes(selected.toLowerCase()))) continue;
    log(`── ${name}`);
    const started = performance.now();
    const outcome = await drill({ system, quick, log }).catch(
      (error: unknown): Awaited<ReturnType<Drill>> => ({
        pass: false,
        rule: 'the drill itself must complete',
        counts: { error: error instanceof Error ? error.message : String(error) },
      }),
    );
    const result = { drill: name, ...outcome, seconds: Math.round((performance.now() - started) / 1_000) };
    results.push(result);
    log(`${result.pass ? 'PASS' : 'FAIL'} ${name}: ${JSON.stringify(result.counts)}`);
  }
  return { startedAt, profile: quick ? 'quick' : 'full', machine, versions, drills: results };
});

mkdirSync(DOCS_FAULTS, { recursive: true });
const file = `${DOCS_FAULTS}/faults${quick ? '-quick' : ''}`;
writeFileSync(`${file}.json`, `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(`${file}.md`, faultsMarkdown(report));
for (const drill of report.drills) console.log(`${drill.pass ? 'PASS' : 'FAIL'}  ${drill.drill}`);
process.exitCode = report.drills.every((drill) => drill.pass) ? 0 : 1;
