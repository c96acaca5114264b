import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { startTcpProxy } from '../../src/index.js';

async function roundTrip(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end('ping'));
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

describe('startTcpProxy', () => {
  it('forwards bytes, refuses connections while stopped, and forwards again on the same port after start', async () => {
    const echo = createServer((socket) =>
      socket.on('data', (chunk) => socket.end(`echo:${chunk.toString()}`)),
    );
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: (echo.address() as AddressInfo).port });
    try {
      assert.equal(await roundTrip(proxy.port), 'echo:ping');
      await proxy.stop();
      await assert.rejects(roundTrip(proxy.port), { code: 'ECONNREFUSED' });
      await proxy.start();
      assert.equal(await roundTrip(proxy.port), 'echo:ping');
    } finally {
      await proxy.close();
      echo.close();
    }
  });
});
