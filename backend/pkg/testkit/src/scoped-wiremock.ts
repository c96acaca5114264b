// WireMock is shared by every suite (and by other engineers' runs), so a test works under its own
// URL prefix (`/<scope>/three`, `/<scope>/v2/oauth/token`): its stubs match only its own requests,
// its journal queries see only its own requests, and it deletes its own stubs when it ends.
import {
  WireMock,
  type IWireMockFeatures,
  type IWireMockRequest,
  type IWireMockResponse,
} from 'wiremock-captain';

/** A request WireMock received under the prefix: header names lower-cased, a JSON body parsed. */
export interface ScopedRequest {
  headers: Record<string, string>;
  /** The parsed JSON body, or the raw text when it is not JSON (e.g. a form body). */
  body: unknown;
  /** When WireMock logged it (epoch ms). */
  loggedAt: number;
}

/** The scenario state a stub requires, and the one it moves to (none: it stays, so it repeats). */
export interface SequenceState {
  requiredScenarioState: string;
  newScenarioState?: string;
}

/**
 * The WireMock scenario states of a sequence of `count` answers: the first answers in WireMock's
 * initial state `Started`, each moves to the next, the last moves nowhere and so repeats.
 */
export function sequenceStates(count: number): SequenceState[] {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`a sequence needs at least one answer, got ${count}`);
  }
  return Array.from({ length: count }, (_, index) => ({
    requiredScenarioState: index === 0 ? 'Started' : `call-${index}`,
    ...(index === count - 1 ? {} : { newScenarioState: `call-${index + 1}` }),
  }));
}

export class ScopedWireMock {
  readonly captain: WireMock;
  readonly #stubIds: string[] = [];
  #sequences = 0;

  constructor(
    readonly baseUrl: string,
    /** Path prefix of this test, e.g. `/two-abc123`. */
    readonly prefix: string,
  ) {
    this.captain = new WireMock(baseUrl);
  }

  /** The base URL the system under test should call (token URL, third-party URL). */
  get scopedUrl(): string {
    return `${this.baseUrl}${this.prefix}`;
  }

  /** Registers a stub for `request.endpoint` under the prefix (priority 1 unless `features` says otherwise). */
  async stub(
    request: IWireMockRequest,
    response: IWireMockResponse,
    features?: IWireMockFeatures,
  ): Promise<void> {
    const endpoint = `${this.prefix}${request.endpoint}`;
    const mapping = await this.captain.register({ ...request, endpoint }, response, {
      stubPriority: 1,
      ...features,
    });
    // wiremock-captain 4 calls WireMock with fetch, which does not reject on a 4xx: a stub WireMock
    // refused comes back as its error body, without an id.
    if (typeof mapping.id !== 'string') {
      throw new Error(`WireMock refused the stub for ${endpoint}: ${JSON.stringify(mapping)}`);
    }
    this.#stubIds.push(mapping.id);
  }

  /** Answers in order, one per call; the last answer repeats (a WireMock scenario of its own). */
  async stubSequence(
    request: IWireMockRequest,
    responses: IWireMockResponse[],
    features: Omit<IWireMockFeatures, 'scenario'> = {},
  ): Promise<void> {
    const states = sequenceStates(responses.length);
    this.#sequences += 1;
    const scenarioName = `${this.prefix}-${this.#sequences}`;
    for (const [index, response] of responses.entries()) {
      await this.stub(request, response, {
        ...features,
        scenario: { scenarioName, ...states[index]! },
      });
    }
  }

  /** The requests WireMock received for `path` under the prefix, oldest first. */
  async requests(path: string, method: IWireMockRequest['method'] = 'POST'): Promise<ScopedRequest[]> {
    const all = (await this.captain.getRequestsForAPI(method, `${this.prefix}${path}`)) as {
      request: { headers: Record<string, string>; body: string; loggedDate: number };
    }[];
    return all
      .map(({ request }) => ({
        headers: lowerCaseKeys(request.headers),
        body: parseJson(request.body),
        loggedAt: request.loggedDate,
      }))
      .sort((a, b) => a.loggedAt - b.loggedAt);
  }

  /** Deletes the stubs registered through this instance; shared mappings and other tests' stubs stay. */
  async deleteStubs(): Promise<void> {
    const ids = this.#stubIds.splice(0);
    await Promise.all(ids.map((id) => this.captain.deleteMapping(id).catch(() => undefined)));
  }
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
