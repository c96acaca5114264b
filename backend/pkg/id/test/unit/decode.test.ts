import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, isSnowflakeId } from '../../src/index.js';

describe('isSnowflakeId', () => {
  it('accepts canonical decimal strings from 0 up to 2^63-1', () => {
    for (const value of ['0', '1', '123456789012345678', '9223372036854775807']) {
      assert.equal(isSnowflakeId(value), true, value);
    }
  });

  it('rejects values that are not a canonical id', () => {
    const cases = {
      empty: '',
      'leading zero': '0123',
      sign: '+1',
      negative: '-1',
      'above 2^63-1': '9223372036854775808',
      '20 digits': '10000000000000000000',
      whitespace: ' 1',
      'trailing newline': '1\n',
      decimal: '1.0',
      hex: '0x1f',
      exponent: '1e5',
    };
    for (const [label, value] of Object.entries(cases)) assert.equal(isSnowflakeId(value), false, label);
  });
});

describe('decode', () => {
  it('rejects strings and bigints that are not ids', () => {
    assert.throws(() => decode('abc'), TypeError);
    assert.throws(() => decode(-1n), RangeError);
    assert.throws(() => decode(2n ** 63n), RangeError);
  });
});
