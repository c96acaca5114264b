// docs/asyncapi.yaml, read with the official AsyncAPI parser, as validators for tests: producers
// check what their code builds against a channel's schemas, consumers check that they accept every
// example and refuse every `x-invalid-examples` entry. The document stays the one source of truth;
// the services' zod schemas are tested against it (docs/architecture.md, "The events").
import { fileURLToPath } from 'node:url';
import { Parser, fromFile, type AsyncAPIDocumentInterface, type Diagnostic } from '@asyncapi/parser';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The document in this repository. */
export const ASYNCAPI_DOCUMENT = fileURLToPath(new URL('../../../../docs/asyncapi.yaml', import.meta.url));

/** A Kafka message as tests see it: headers as strings, the value as text or already parsed. */
export interface ContractMessage {
  key?: string | null;
  value: unknown;
  headers?: Record<string, string>;
}

export interface ContractSample {
  name: string;
  key?: string | null;
  payload: unknown;
  headers?: Record<string, string>;
}

export interface ContractChannel {
  /** The Kafka topic. */
  topic: string;
  /** Problems found, empty when the message matches the key, header and payload schemas. */
  violations(message: ContractMessage): string[];
  /** The document's examples: valid messages. */
  examples: ContractSample[];
  /** `x-invalid-examples`: messages the schemas (and the consumer) must refuse. */
  invalidExamples: ContractSample[];
  /** Header names the channel's message documents. */
  headerNames: string[];
}

export interface EventContract {
  document: AsyncAPIDocumentInterface;
  /** Every diagnostic of the parser (errors, warnings, hints). */
  diagnostics: Diagnostic[];
  channel(topic: string): ContractChannel;
  topics: string[];
}

// JSON Schema draft 7 keywords plus the ones the AsyncAPI schema object adds, which ajv need not check.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);

/** Parses the document; rejects when the parser reports an error (severity 0). */
export async function loadEventContract(path: string = ASYNCAPI_DOCUMENT): Promise<EventContract> {
  const { document, diagnostics } = await fromFile(new Parser(), path).parse();
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 0);
  if (!document || errors.length > 0)
    throw new Error(
      `${path} is not a valid AsyncAPI document:\n` +
        errors.map((error) => `  ${error.path.join('.')}: ${error.message}`).join('\n'),
    );
  const channels = new Map(
    document
      .channels()
      .all()
      .map((channel) => [
        channel.address() ?? channel.id(),
        channelContract(channel.address() ?? channel.id(), channel),
      ]),
  );
  return {
    document,
    diagnostics,
    topics: [...channels.keys()],
    channel(topic) {
      const found = channels.get(topic);
      if (!found) throw new Error(`${path} has no channel with address ${topic}`);
      return found;
    },
  };
}

type Channel = ReturnType<AsyncAPIDocumentInterface['channels']>['all'] extends () => (infer C)[] ? C : never;

function channelContract(topic: string, channel: Channel): ContractChannel {
  const messages = channel.messages().all();
  if (messages.length !== 1)
    throw new Error(`channel ${topic}: expected one message, found ${messages.length}`);
  const message = messages[0]!;
  const headersSchema = (message.headers()?.json() ?? {}) as Record<string, unknown>;
  const payload = compile(message.payload()?.json() ?? {});
  const headers = compile(headersSchema);
  // A dead letter's value is whatever arrived: only JSON messages are parsed before the check.
  const json = (message.contentType() ?? 'application/json') === 'application/json';
  const kafkaBinding = message.bindings().get('kafka')?.value() as { key?: object } | undefined;
  const key = kafkaBinding?.key ? compile(kafkaBinding.key) : undefined;
  const examples = message
    .examples()
    .all()
    .map((example) => {
      const sample = {
        name: example.name() ?? '',
        payload: example.payload(),
        headers: example.headers() as Record<string, string> | undefined,
      };
      return { ...sample, key: keyOf(sample) };
    });
  // An invalid example that shows a bad payload borrows the first example's headers, so that what
  // it shows is the only thing wrong with it.
  const invalidExamples = (
    (message.extensions().get('x-invalid-examples')?.value() as ContractSample[] | undefined) ?? []
  ).map((sample) => {
    const complete = { ...sample, headers: sample.headers ?? examples[0]?.headers };
    return { ...complete, key: sample.key === undefined ? keyOf(complete) : sample.key };
  });
  return {
    topic,
    headerNames: Object.keys((headersSchema.properties as object | undefined) ?? {}),
    examples,
    invalidExamples,
    violations({ key: messageKey, value, headers: messageHeaders }) {
      const problems: string[] = [];
      let parsed = value;
      if (json && (typeof value === 'string' || Buffer.isBuffer(value))) {
        try {
          parsed = JSON.parse(value.toString());
        } catch {
          problems.push('payload: not JSON');
        }
      }
      problems.push(...check('payload', payload, parsed));
      problems.push(...check('headers', headers, messageHeaders ?? {}));
      if (key && messageKey !== undefined) problems.push(...check('key', key, messageKey));
      return problems;
    },
  };
}

/** The key a sample implies: the request id of its headers or payload (the topics are keyed by it). */
function keyOf(sample: { payload: unknown; headers?: Record<string, string> }): string | undefined {
  const fromPayload = (sample.payload as { request_id?: unknown } | null)?.request_id;
  return sample.headers?.['request-id'] ?? (typeof fromPayload === 'string' ? fromPayload : undefined);
}

function compile(schema: unknown): ValidateFunction {
  return ajv.compile(schema as object);
}

function check(part: string, validate: ValidateFunction, data: unknown): string[] {
  if (validate(data)) return [];
  return (validate.errors ?? []).map(
    (error) => `${part}${error.instancePath || ''}: ${error.message ?? 'invalid'}${paramsOf(error.params)}`,
  );
}

function paramsOf(params: Record<string, unknown>): string {
  const interesting = Object.entries(params).filter(([, value]) => value !== undefined);
  return interesting.length > 0 ? ` (${interesting.map(([k, v]) => `${k}=${String(v)}`).join(', ')})` : '';
}
