/**
 * Throughput of our Snowflake generator against the `snowflake-id` npm package, plus the
 * node-id mapping check that ruled the package out. Prints a table and writes
 * docs/benchmarks/ids.json (quoted by the READMEs).
 *
 *   node --conditions=source --import tsx backend/pkg/id/bench/ids.bench.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import SnowflakeIdModule from 'snowflake-id';
import { decode, Snowflake } from '../src/index.js';

const BAR_IDS_PER_SECOND = 1_000_000;
const MEASURE_MS = 2_000;
const WARMUP_MS = 300;
const OUTPUT = fileURLToPath(new URL('../../../../docs/benchmarks/ids.json', import.meta.url));

// The package is CommonJS compiled by Babel: the class sits on `.default` of the module object.
const SnowflakeId = SnowflakeIdModule.default;

/** Calls `generate` in batches until `durationMs` has passed; returns ids per second. */
function measure(generate: () => string, durationMs: number): { ids: number; idsPerSecond: number } {
  const batch = 1_000;
  let ids = 0;
  let sink = 0; // keeps the JIT from discarding the results
  const start = performance.now();
  let elapsed: number;
  do {
    for (let i = 0; i < batch; i++) sink += generate().length;
    ids += batch;
    elapsed = performance.now() - start;
  } while (elapsed < durationMs);
  if (sink === 0) throw new Error('unreachable');
  return { ids, idsPerSecond: Math.round((ids / elapsed) * 1000) };
}

function run(name: string, generate: () => string) {
  measure(generate, WARMUP_MS);
  const result = measure(generate, MEASURE_MS);
  return { name, ...result, meetsBar: result.idsPerSecond >= BAR_IDS_PER_SECOND };
}

/** Which node id actually lands in the id bits when the package is given `requested`. */
function packageNodeIdMapping(requested: number) {
  const id = new SnowflakeId({ mid: requested, offset: 0 }).generate();
  return { requested, encoded: decode(id, 0).nodeId };
}

/**
 * The package reads `Date.now` directly, so the only way to show what happens when 4,097 ids are
 * requested within one millisecond is to hold that clock still for a moment. After the sequence
 * overflows it waits for the next millisecond but still stamps the id with the old one.
 */
function packageDuplicatesOnSequenceOverflow(): number {
  const realNow = Date.now;
  let calls = 0;
  const frozenAt = realNow();
  // Frozen for the first 4,097 ids (one Date.now call each), then one millisecond later.
  Date.now = () => (++calls <= 4_097 ? frozenAt : frozenAt + 1);
  try {
    const generator = new SnowflakeId({ mid: 7, offset: 0 });
    const ids = Array.from({ length: 4_097 }, () => generator.generate());
    return ids.length - new Set(ids).size;
  } finally {
    Date.now = realNow;
  }
}

const ours = new Snowflake({ nodeId: 7 });
const theirs = new SnowflakeId({ mid: 7, offset: 0 });
const results = [
  run('@pkg/id Snowflake', () => ours.next()),
  run('snowflake-id 1.1.0', () => theirs.generate()),
];

const mapping = [0, 1, 512, 1022, 1023].map(packageNodeIdMapping);
// Two requested node ids that encode the same way generate the same ids: a silent collision.
const collidingNodeIds = mapping
  .filter((a) => mapping.some((b) => a !== b && a.encoded === b.encoded))
  .map(({ requested }) => requested);
const duplicatesOnOverflow = packageDuplicatesOnSequenceOverflow();

console.table(
  results.map(({ name, ids, idsPerSecond, meetsBar }) => ({
    generator: name,
    ids,
    'ids/s': idsPerSecond.toLocaleString('en-US'),
    [`>= ${BAR_IDS_PER_SECOND.toLocaleString('en-US')}/s`]: meetsBar ? 'yes' : 'NO',
  })),
);
console.log('snowflake-id node id mapping (requested -> encoded in the id):');
console.table(
  mapping.map(({ requested, encoded }) => ({ requested, encoded, correct: requested === encoded })),
);
console.log(`snowflake-id: node ids ${collidingNodeIds.join(' and ')} generate the same ids`);
console.log(`snowflake-id: ${duplicatesOnOverflow} duplicate id(s) after 4,097 ids in one millisecond`);

const report = {
  measuredAt: new Date().toISOString(),
  environment: {
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpu: os.cpus()[0]?.model ?? '',
  },
  method: `single thread, ${WARMUP_MS} ms warm-up then ${MEASURE_MS} ms of next()/generate() calls, decimal string ids`,
  barIdsPerSecond: BAR_IDS_PER_SECOND,
  results,
  snowflakeId: {
    nodeIdMapping: mapping,
    collidingNodeIds,
    duplicatesAfterSequenceOverflow: duplicatesOnOverflow,
  },
};
mkdirSync(dirname(OUTPUT), { recursive: true });
// Formatted like every other file in the repository, so `npm run lint` stays clean after a run.
const json = await prettier.format(JSON.stringify(report), {
  ...(await prettier.resolveConfig(OUTPUT)),
  filepath: OUTPUT,
});
writeFileSync(OUTPUT, json);
console.log(`wrote ${OUTPUT}`);
