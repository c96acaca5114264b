import { Writable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';

/** A stream that keeps what the logger wrote, parsed line by line. */
export function createSink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return {
    stream,
    /** Lets winston's internal streams deliver what was logged, then returns the parsed lines. */
    async lines(): Promise<Record<string, unknown>[]> {
      await setImmediate();
      return chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
  };
}
