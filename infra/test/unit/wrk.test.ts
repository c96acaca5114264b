import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { REQUEST_BODY, REQUEST_USER_ID } from '../../bench/harness/load.js';
import { luaString, parseWrkOutput, wrkScript } from '../../bench/harness/wrk.js';

/** What wrk prints with the harness's script: its own summary, then the done() hook's line. */
const WRK_STDOUT = `Running 4s test @ http://127.0.0.1:58199/one
  1 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.91ms    2.10ms  41.20ms   88.00%
  6620 requests in 4.00s, 1.52MB read
Requests/sec:   1654.83
Transfer/sec:    389.10KB
WRK_JSON {"requests":6620,"durationUs":4000411,"connectErrors":0,"readErrors":1,"writeErrors":2,"statusErrors":3,"timeouts":4,"p50Us":5612,"p90Us":8050,"p99Us":14377,"maxUs":41200}
`;

describe('parseWrkOutput', () => {
  it("reads the done() hook's JSON line: req/s over wrk's own duration, latency in ms, errors apart", () => {
    assert.deepEqual(parseWrkOutput(WRK_STDOUT), {
      requestsPerSecond: 1655,
      latencyMs: { p50: 5.61, p90: 8.05, p99: 14.38, max: 41.2 },
      totalRequests: 6620,
      durationS: 4,
      non2xx: 3,
      errors: 3,
      timeouts: 4,
    });
  });

  it('refuses output without the summary line (a script that did not run its done() hook)', () => {
    assert.throws(() => parseWrkOutput('Running 4s test @ http://127.0.0.1/\n'), /no summary line/);
  });

  it('refuses a summary line with a missing or negative figure', () => {
    const broken = WRK_STDOUT.replace('"p99Us":14377,', '').replace('"requests":6620', '"requests":-1');
    assert.throws(() => parseWrkOutput(broken), /no valid (requests|p99Us)/);
  });
});

describe('wrkScript', () => {
  it('escapes the body and headers so Lua sees them byte for byte', () => {
    const tricky = 'a"b\\c]]\n\u00e9';
    assert.equal(luaString('A"'), '"\\65\\34"');
    const script = wrkScript(tricky, { Authorization: 'Bearer x.y.z' });
    assert.match(script, /^wrk\.method = "POST"$/m);
    assert.ok(script.includes(`wrk.body = ${luaString(tricky)}`));
    assert.ok(script.includes(`wrk.headers[${luaString('Authorization')}] = ${luaString('Bearer x.y.z')}`));
  });

  it('writes every byte as a Lua decimal escape, so the body decodes exactly (multi-byte UTF-8 too)', () => {
    // Lua's rule for "\ddd": one byte of decimal value ddd (up to three digits).
    const decode = (literal: string) =>
      Buffer.from(
        [...literal.slice(1, -1).matchAll(/\\(\d{1,3})/g)].map((match) => Number(match[1])),
      ).toString('utf8');
    for (const text of [REQUEST_BODY, 'a"b\\c]]\n\u00e9\u{1F600}', ''])
      assert.equal(decode(luaString(text)), text);
    assert.match(luaString(REQUEST_BODY), /^"(\\\d{1,3})*"$/);
  });
});

describe('REQUEST_BODY', () => {
  it("is the body of the README's curl to POST /one, byte for byte", () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const curl = /curl -i -X POST localhost:8099\/one[^\n]*\\\n\s*-d '([^']+)'/.exec(readme);
    assert.ok(curl, "the README's Quick start has the curl");
    assert.equal(REQUEST_BODY, curl[1]);
    assert.equal((JSON.parse(REQUEST_BODY) as { user_id: string }).user_id, REQUEST_USER_ID);
  });
});
