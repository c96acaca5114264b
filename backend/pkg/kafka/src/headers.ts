import type { IHeaders } from 'kafkajs';

/** kafkajs hands headers over as Buffers (or arrays of them); this gives the first value of each as a string. */
export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first === undefined) continue;
    decoded[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return decoded;
}
