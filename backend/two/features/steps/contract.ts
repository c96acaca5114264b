// What two published on a scenario's topic, checked against docs/asyncapi.yaml (the scenario's
// topics have their own names; the contract's channel is named by the topic's role).
import assert from 'node:assert/strict';
import { loadEventContract, type EventContract } from '@pkg/testkit/event-contract';
import type { ReceivedMessage } from './kafka-fixture.js';

let contract: Promise<EventContract> | undefined;

export async function assertMatchesContract(
  channel: 'one-request' | 'three-result' | 'one-request.dlq',
  message: ReceivedMessage,
): Promise<void> {
  contract ??= loadEventContract();
  const violations = (await contract)
    .channel(channel)
    .violations({ key: message.key ?? null, value: message.value ?? '', headers: message.headers });
  assert.deepEqual(violations, [], `${channel} message at offset ${message.offset}`);
}
