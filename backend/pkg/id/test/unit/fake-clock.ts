/**
 * A clock the test moves by hand. `advanceAfter` makes it tick forward after a number of reads,
 * which is how the busy-wait paths of the generator get to see time pass without real waiting.
 */
export class FakeClock {
  reads = 0;
  #now: number;
  #ticks: { afterReads: number; to: number }[] = [];

  constructor(startMs: number) {
    this.#now = startMs;
  }

  readonly now = (): number => {
    this.reads += 1;
    const due = this.#ticks.find((tick) => tick.afterReads <= this.reads);
    if (due) {
      this.#now = due.to;
      this.#ticks = this.#ticks.filter((tick) => tick !== due);
    }
    return this.#now;
  };

  set(ms: number): void {
    this.#now = ms;
  }

  /** After `reads` more reads, the clock jumps to `to`. */
  advanceAfter(reads: number, to: number): void {
    this.#ticks.push({ afterReads: this.reads + reads, to });
  }
}
