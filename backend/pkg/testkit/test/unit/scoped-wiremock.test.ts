import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sequenceStates } from '../../src/index.js';

describe('sequenceStates', () => {
  it('answers a single answer from the initial state, and it repeats', () => {
    assert.deepEqual(sequenceStates(1), [{ requiredScenarioState: 'Started' }]);
  });

  it('moves each answer to the next state; the last stays, so it repeats', () => {
    assert.deepEqual(sequenceStates(3), [
      { requiredScenarioState: 'Started', newScenarioState: 'call-1' },
      { requiredScenarioState: 'call-1', newScenarioState: 'call-2' },
      { requiredScenarioState: 'call-2' },
    ]);
  });

  it('refuses a sequence without answers', () => {
    assert.throws(() => sequenceStates(0), RangeError);
  });
});
