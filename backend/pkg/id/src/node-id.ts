import { networkInterfaces } from 'node:os';
import { assertNodeId, MAX_NODE_ID } from './layout.js';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * The low 10 bits of an IPv4 address: `((third octet & 3) << 8) | fourth octet`.
 *
 * Collision bound: two hosts get the same node id if and only if their addresses are equal
 * modulo 1024. Inside one /22 (1,024 addresses, e.g. a typical pod or VPC subnet) that never
 * happens; across wider networks it can, so configure node ids explicitly there.
 */
export function nodeIdFromIPv4(address: string): number {
  if (!IPV4.test(address)) throw new TypeError(`not an IPv4 address: ${JSON.stringify(address)}`);
  const [, , third, fourth] = address.split('.').map(Number) as [number, number, number, number];
  return ((third << 8) | fourth) & MAX_NODE_ID;
}

/**
 * The node id to use: the configured one when set (validated), else one derived from the first
 * non-internal IPv4 address, so a fleet in one /22 needs no per-instance configuration.
 */
export function resolveNodeId(
  configured: number | undefined,
  interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces(),
): number {
  if (configured !== undefined) {
    assertNodeId(configured);
    return configured;
  }
  for (const addresses of Object.values(interfaces)) {
    const external = addresses?.find((info) => info.family === 'IPv4' && !info.internal);
    if (external) return nodeIdFromIPv4(external.address);
  }
  throw new Error(
    'cannot derive a Snowflake node id: no non-internal IPv4 address; configure the node id (0-1023)',
  );
}
