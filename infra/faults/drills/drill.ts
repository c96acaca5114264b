import type { SystemUnderTest } from '../../bench/harness/system-under-test.js';

export interface DrillResult {
  drill: string;
  pass: boolean;
  /** What was counted; the pass/fail rule is in `rule`. */
  counts: Record<string, number | string | boolean>;
  rule: string;
  seconds: number;
}

export interface DrillContext {
  system: SystemUnderTest;
  quick: boolean;
  log: (line: string) => void;
}

export type Drill = (context: DrillContext) => Promise<Omit<DrillResult, 'seconds' | 'drill'>>;

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
