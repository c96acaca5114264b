// Per-unit arithmetic of the bench report: CPU ms per 201 or per delivered request, OTLP bytes
// per unit from the stub's counters before and after a phase.
import { SYSTEM_PARTS, type CpuSeconds } from './cpu-usage.js';
import type { StubSummary } from './stub-third-party.js';

/** CPU milliseconds per unit, per part, plus the system's own total (one, two, PostgreSQL, Kafka, Redis). */
export function perUnitMs(seconds: CpuSeconds, units: number): CpuSeconds & { system: number } {
  const per = (value: number) => round2((1_000 * value) / Math.max(1, units));
  const each = Object.fromEntries(
    Object.entries(seconds).map(([key, value]) => [key, per(value)]),
  ) as CpuSeconds;
  return { ...each, system: per(SYSTEM_PARTS.reduce((total, part) => total + seconds[part], 0)) };
}

/** OTLP request bytes per unit for each signal the sink saw, and their total. */
export function otlpPerUnit(
  before: Pick<StubSummary, 'otlp'>,
  after: Pick<StubSummary, 'otlp'>,
  units: number,
): Record<string, number> {
  const signals = new Set([...Object.keys(before.otlp), ...Object.keys(after.otlp)]);
  const bytes = [...signals].map(
    (signal) => [signal, (after.otlp[signal]?.bytes ?? 0) - (before.otlp[signal]?.bytes ?? 0)] as const,
  );
  const per = (value: number) => Math.round(value / Math.max(1, units));
  return {
    ...Object.fromEntries(bytes.map(([signal, value]) => [signal, per(value)])),
    total: per(bytes.reduce((total, [, value]) => total + value, 0)),
  };
}

export function round2(value: number): number {
  return Number(value.toFixed(2));
}
