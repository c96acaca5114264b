import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, it } from 'node:test';
import { nodeIdFromIPv4, resolveNodeId } from '../../src/index.js';

function address(address: string, internal = false, family: 'IPv4' | 'IPv6' = 'IPv4'): NetworkInterfaceInfo {
  const base = { address, netmask: '', mac: '00:00:00:00:00:00', internal, cidr: null };
  return family === 'IPv4' ? { ...base, family } : { ...base, family, scopeid: 0 };
}

describe('nodeIdFromIPv4', () => {
  it('takes the low 10 bits of the address', () => {
    assert.equal(nodeIdFromIPv4('10.0.0.0'), 0);
    assert.equal(nodeIdFromIPv4('10.0.1.2'), 258);
    assert.equal(nodeIdFromIPv4('10.0.3.255'), 1023);
  });

  it('gives every address of one /22 a different id', () => {
    const ids = new Set<number>();
    for (let third = 4; third < 8; third++) {
      for (let fourth = 0; fourth < 256; fourth++) ids.add(nodeIdFromIPv4(`192.168.${third}.${fourth}`));
    }
    assert.equal(ids.size, 1024);
  });

  it('collides exactly for addresses equal modulo 1024', () => {
    assert.equal(nodeIdFromIPv4('10.0.4.7'), nodeIdFromIPv4('10.0.0.7'));
    assert.equal(nodeIdFromIPv4('172.16.9.1'), nodeIdFromIPv4('10.1.1.1'));
  });

  it('rejects anything but a dotted-quad IPv4 address', () => {
    for (const bad of ['', '10.0.0', '10.0.0.256', '10.0.0.01', '::1', 'localhost']) {
      assert.throws(() => nodeIdFromIPv4(bad), TypeError, bad);
    }
  });
});

describe('resolveNodeId', () => {
  const interfaces = {
    lo: [address('127.0.0.1', true)],
    eth0: [address('fe80::1', false, 'IPv6'), address('10.0.2.5')],
    eth1: [address('10.9.9.9')],
  };

  it('uses the configured node id over the network', () => {
    assert.equal(resolveNodeId(42, interfaces), 42);
    assert.equal(resolveNodeId(0, interfaces), 0);
  });

  it('derives the id from the first non-internal IPv4 address when none is configured', () => {
    assert.equal(resolveNodeId(undefined, interfaces), nodeIdFromIPv4('10.0.2.5'));
  });

  it('rejects a configured id outside 0..1023', () => {
    assert.throws(() => resolveNodeId(1024, interfaces), RangeError);
  });

  it('asks for configuration when no usable address exists', () => {
    assert.throws(() => resolveNodeId(undefined, { lo: interfaces.lo }), /configure the node id/);
  });
});
