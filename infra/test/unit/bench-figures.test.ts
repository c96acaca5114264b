import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CpuSeconds } from '../../bench/harness/cpu-usage.js';
import { otlpPerUnit, perUnitMs } from '../../bench/harness/figures.js';

const seconds: CpuSeconds = {
  one: 1.2,
  two: 0.6,
  stub: 0.05,
  postgres: 0.4,
  kafka: 0.3,
  redis: 0.1,
  loadGenerator: 0.08,
  harness: 0.02,
  otherWork: 2,
  machine: 4.75,
};

describe('perUnitMs', () => {
  it('gives ms per unit of each process, and system = one + two + PostgreSQL + Kafka + Redis only', () => {
    const per = perUnitMs(seconds, 2_000);
    assert.equal(per.one, 0.6);
    assert.equal(per.loadGenerator, 0.04);
    assert.equal(per.system, 1.3); // (1.2 + 0.6 + 0.4 + 0.3 + 0.1) s / 2,000 → 1.3 ms; stub, wrk, harness, other work excluded
  });

  it('never divides by zero units', () => {
    assert.equal(perUnitMs(seconds, 0).one, 1_200);
  });
});

describe('otlpPerUnit', () => {
  it('divides the bytes each signal added during the phase by the units, and totals them', () => {
    const before = { otlp: { traces: { requests: 1, bytes: 1_000 }, logs: { requests: 1, bytes: 500 } } };
    const after = {
      otlp: {
        traces: { requests: 5, bytes: 21_000 },
        logs: { requests: 2, bytes: 2_500 },
        metrics: { requests: 1, bytes: 1_000 },
      },
    };
    assert.deepEqual(otlpPerUnit(before, after, 10), {
      traces: 2_000,
      logs: 200,
      metrics: 100,
      total: 2_300,
    });
  });

  it('reports zero bytes when export is off (the sink saw nothing)', () => {
    assert.deepEqual(otlpPerUnit({ otlp: {} }, { otlp: {} }, 100), { total: 0 });
  });
});
