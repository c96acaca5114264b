import assert from 'node:assert/strict';
import { Then, When } from '@cucumber/cucumber';
import { Ajv2020 } from 'ajv/dist/2020.js';
import openapi from '../../openapi.json' with { type: 'json' };
import corpus from '../../../../infra/faults/bad-input-corpus.json' with { type: 'json' };
import { namedBody } from '../support/bodies.js';
import type { OneWorld } from '../support/world.js';
import { sendProtectedRequest } from './protection.steps.js';

// The whole document is one schema resource, so responses validate against its own $refs.
const DOCUMENT_ID = 'https://one.example/openapi.json';
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)) && /T/.test(value));
ajv.addFormat('uri-reference', () => true);
ajv.addSchema({ ...openapi, $id: DOCUMENT_ID });

When('a client fetches \\/openapi.json', async function (this: OneWorld) {
  await this.send('/openapi.json');
});

Then('it is the committed OpenAPI 3.1 document', function (this: OneWorld) {
  assert.equal(this.lastAnswer.status, 200);
  assert.deepEqual(this.lastAnswer.body, openapi);
  assert.equal(openapi.openapi, '3.1.0');
});

When(/^a client sends (.+)$/, async function (this: OneWorld, request: string) {
  if (await sendProtectedRequest(this, request)) return;
  if (request === 'a GET for an unknown request id') {
    await this.send('/one/1');
    return;
  }
  if (request === 'a GET for an accepted request') {
    const accepted = await this.postJson(JSON.stringify(this.fixture()));
    await this.send(`/one/${(accepted.body as { request_id: string }).request_id}`);
    return;
  }
  const { body, contentType } = namedBody(request, this.fixture());
  await this.postJson(body, contentType);
});

Then(
  /^the answer is (\d+) and matches the OpenAPI document for (GET|POST) (\S+)$/,
  function (this: OneWorld, status: string, method: string, path: string) {
    const answer = this.lastAnswer;
    assert.equal(answer.status, Number(status), answer.text);
    const paths = openapi.paths as Record<
      string,
      Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>
    >;
    const listed = paths[path]?.[method.toLowerCase()]?.responses[status] as
      { $ref?: string; content?: Record<string, unknown> } | undefined;
    assert.ok(listed, `${method} ${path} documents ${status}`);
    // Shared answers (401, 429) live in components/responses and are referenced.
    const responsePointer =
      listed.$ref?.slice(1) ??
      `/paths/${path.replaceAll('~', '~0').replaceAll('/', '~1')}/${method.toLowerCase()}/responses/${status}`;
    const documented = (listed.$ref ? resolve(listed.$ref) : listed) as { content?: Record<string, unknown> };
    const mediaType = (answer.headers.get('content-type') ?? '').split(';')[0]!;
    assert.ok(documented.content?.[mediaType], `${status} documented as ${mediaType}`);
    const pointer = `#${responsePointer}/content/${mediaType.replaceAll('/', '~1')}/schema`;
    const validate = ajv.getSchema(`${DOCUMENT_ID}${pointer}`);
    assert.ok(validate, `schema at ${pointer}`);
    assert.ok(validate(answer.body), JSON.stringify(validate.errors));
    if (Number(status) === 201) assert.match(answer.headers.get('location') ?? '', /^\/one\/\d+$/);
  },
);

/** A local JSON Pointer ref (#/components/...) into the document. */
function resolve(ref: string): unknown {
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, segment) => (node as Record<string, unknown>)[segment], openapi);
}

const validateNewRequest = ajv.getSchema(`${DOCUMENT_ID}#/components/schemas/NewRequest`)!;

Then(
  'every JSON body of the bad-input corpus is invalid against the request schema',
  function (this: OneWorld) {
    let checked = 0;
    const cases = corpus.cases as {
      name: string;
      body?: string;
      contentType: string | null;
      headers?: object;
    }[];
    for (const corpusCase of cases) {
      // Refused for their headers (media type, encoding, length), not for the body: not the schema's job.
      if (
        corpusCase.body === undefined ||
        corpusCase.contentType !== 'application/json' ||
        corpusCase.headers
      )
        continue;
      let body: unknown;
      try {
        body = JSON.parse(
          corpusCase.body.replace(/\{\{(.+?)\*(\d+)\}\}/gu, (_m, text: string, count: string) =>
            text.repeat(Number(count)),
          ),
        );
      } catch {
        continue; // not JSON: the schema is not asked
      }
      checked += 1;
      assert.equal(validateNewRequest(body), false, `the schema allows the corpus case "${corpusCase.name}"`);
    }
    assert.ok(checked > 20, `only ${checked} JSON bodies in the corpus`);
  },
);

When(/^a client posts a body the schema allows: (.+)$/, async function (this: OneWorld, name: string) {
  const body = { ...this.fixture(), ...SCHEMA_EDGES[name] };
  assert.ok(validateNewRequest(body), JSON.stringify(validateNewRequest.errors));
  await this.postJson(JSON.stringify(body));
});

const SCHEMA_EDGES: Record<string, Record<string, unknown>> = {
  'a prompt of 4,000 emoji': { prompt: '😀'.repeat(4_000) },
  'a key of 128 characters outside the BMP': { data: [{ key: '𝄞'.repeat(128), value: '' }] },
  'a prompt with a tab and a newline': { prompt: 'line one\n\tline two' },
};
