// docs/asyncapi.yaml: valid for the official AsyncAPI parser, its examples valid for its own
// schemas, its invalid examples refused, and its names the ones the code uses (@pkg/kafka).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Headers, Topics } from '@pkg/kafka';
import { acceptedRequestMessage } from '../../src/messages.js';
import { loadEventContract, type EventContract } from '../../src/event-contract.js';

let contract: EventContract;
before(async () => {
  contract = await loadEventContract();
});

describe('docs/asyncapi.yaml', () => {
  it('parses with the AsyncAPI parser without errors or warnings', () => {
    // 0 error, 1 warning; information and hints (e.g. "a newer AsyncAPI version exists") are fine.
    const serious = contract.diagnostics.filter((diagnostic) => diagnostic.severity <= 1);
    assert.deepEqual(
      serious.map((diagnostic) => `${diagnostic.path.join('.')}: ${diagnostic.message}`),
      [],
    );
    assert.match(contract.document.version(), /^3\./);
  });

  it('documents exactly the topics of @pkg/kafka', () => {
    assert.deepEqual([...contract.topics].sort(), Object.values(Topics).sort());
  });

  it('documents every header name of @pkg/kafka, and no other', () => {
    const documented = new Set(contract.topics.flatMap((topic) => contract.channel(topic).headerNames));
    assert.deepEqual([...documented].sort(), Object.values(Headers).sort());
  });

  for (const topic of Object.values(Topics)) {
    it(`${topic}: every example matches the schemas`, () => {
      const channel = contract.channel(topic);
      assert.ok(channel.examples.length > 0, 'no examples');
      for (const example of channel.examples)
        assert.deepEqual(
          channel.violations({ key: example.key, value: example.payload, headers: example.headers }),
          [],
          example.name,
        );
    });

    it(`${topic}: every invalid example is refused by the schemas`, () => {
      const channel = contract.channel(topic);
      assert.ok(channel.invalidExamples.length > 0, 'no x-invalid-examples');
      for (const sample of channel.invalidExamples)
        assert.notDeepEqual(
          channel.violations({ key: sample.key, value: sample.payload, headers: sample.headers }).length,
          0,
          `${sample.name} passed the schemas`,
        );
    });
  }

  it("matches testkit's stand-in for one's message", () => {
    assert.deepEqual(
      contract.channel(Topics.oneRequest).violations(acceptedRequestMessage('7391820345519480832')),
      [],
    );
  });
});
