import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { exploreUrlForTrace } from '../../demo/explore-url.js';

const README = readFileSync(new URL('../../../observability/README.md', import.meta.url), 'utf8');

describe('exploreUrlForTrace', () => {
  it("builds exactly the observability README's example link for its trace id", () => {
    const example = README.match(/^http:\/\/127\.0\.0\.1:3000\/explore\?\S+$/m)?.[0];
    assert.ok(example, 'the README has an example Explore URL');
    assert.equal(exploreUrlForTrace('4bf92f3577b34da6a3ce929d0e0e4736'), example);
  });

  it('refuses anything that is not a 32-hex trace id', () => {
    assert.throws(() => exploreUrlForTrace('not-a-trace'), /not a W3C trace id/);
  });
});
