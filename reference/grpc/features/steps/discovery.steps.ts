import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Then, When } from '@cucumber/cucumber';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import type { PaymentsWorld } from './world.js';

type DiscoveryWorld = PaymentsWorld & { healthStatus?: string; services?: string[] };

/** The standard protos are loaded untyped; these are the few members the steps touch. */
interface HealthClient extends grpc.Client {
  check(
    request: { service: string },
    options: grpc.CallOptions,
    cb: grpc.requestCallback<{ status: string }>,
  ): void;
}
interface ReflectionClient extends grpc.Client {
  serverReflectionInfo(): grpc.ClientDuplexStream<
    object,
    { listServicesResponse?: { service: { name: string }[] } }
  >;
}

function clientFor<T>(protoFile: string, servicePath: string, address: string): T {
  const definition = grpc.loadPackageDefinition(
    protoLoader.loadSync(protoFile, { defaults: true, enums: String }),
  );
  const Constructor = servicePath
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], definition) as typeof grpc.Client;
  return new Constructor(address, grpc.credentials.createInsecure()) as T;
}

When('a client checks the health of {string}', async function (this: DiscoveryWorld, service: string) {
  // The same call grpc_health_probe and Kubernetes' gRPC probes make.
  const client = clientFor<HealthClient>(healthProtoPath, 'grpc.health.v1.Health', this.address);
  try {
    const reply = await new Promise<{ status: string }>((resolve, reject) =>
      client.check({ service }, { deadline: Date.now() + 2_000 }, (error, value) =>
        error || !value ? reject(error ?? new Error('empty reply')) : resolve(value),
      ),
    );
    this.healthStatus = reply.status;
  } finally {
    client.close();
  }
});

Then('the health status is {word}', function (this: DiscoveryWorld, status: string) {
  assert.equal(this.healthStatus, status);
});

When('a client lists the services through reflection', async function (this: DiscoveryWorld) {
  // What `grpcurl -plaintext host:port list` does.
  const protoFile = createRequire(import.meta.url)
    .resolve('@grpc/reflection')
    .replace(/build\/src\/index\.js$/, 'build/proto/grpc/reflection/v1/reflection.proto');
  const client = clientFor<ReflectionClient>(protoFile, 'grpc.reflection.v1.ServerReflection', this.address);
  try {
    const call = client.serverReflectionInfo();
    const reply = new Promise<string[]>((resolve, reject) => {
      call.once('data', (message) =>
        resolve(message.listServicesResponse?.service.map((entry: { name: string }) => entry.name) ?? []),
      );
      call.once('error', reject);
    });
    call.write({ listServices: '' });
    this.services = await reply;
    call.end();
  } finally {
    client.close();
  }
});

Then(
  'the list contains {string} and {string}',
  function (this: DiscoveryWorld, first: string, second: string) {
    assert.ok(this.services?.includes(first), `services: ${this.services?.join(', ')}`);
    assert.ok(this.services?.includes(second), `services: ${this.services?.join(', ')}`);
  },
);
