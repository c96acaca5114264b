import assert from 'node:assert/strict';
import { Then, When } from '@cucumber/cucumber';
import { Ajv2020 } from 'ajv/dist/2020.js';
import openapi from '../../openapi.json' with { type: 'json' };
import { namedBody } from '../support/bodies.js';
import type { OneWorld } from '../support/world.js';

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
    const documented = paths[path]?.[method.toLowerCase()]?.responses[status];
    assert.ok(documented, `${method} ${path} documents ${status}`);
    const mediaType = (answer.headers.get('content-type') ?? '').split(';')[0]!;
    assert.ok(documented.content?.[mediaType], `${status} documented as ${mediaType}`);
    const pointer = `#/paths/${path.replaceAll('~', '~0').replaceAll('/', '~1')}/${method.toLowerCase()}/responses/${status}/content/${mediaType.replaceAll('/', '~1')}/schema`;
    const validate = ajv.getSchema(`${DOCUMENT_ID}${pointer}`);
    assert.ok(validate, `schema at ${pointer}`);
    assert.ok(validate(answer.body), JSON.stringify(validate.errors));
    if (Number(status) === 201) assert.match(answer.headers.get('location') ?? '', /^\/one\/\d+$/);
  },
);
