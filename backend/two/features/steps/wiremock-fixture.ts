// WireMock is shared with other suites, so every scenario works under its own URL prefix
// (`/<scope>/three`, `/<scope>/v2/oauth/token`): its stubs match only its own requests, its
// journal queries see only its own requests, and its stubs are deleted when it ends.
import {
  WireMock,
  type IWireMockFeatures,
  type IWireMockRequest,
  type IWireMockResponse,
} from 'wiremock-captain';

export interface ThirdPartyRequest {
  headers: Record<string, string>;
  body: unknown;
  loggedAt: number;
}

export class ScenarioWireMock {
  readonly captain: WireMock;
  readonly #stubIds: string[] = [];
  #scenarioCount = 0;

  constructor(
    readonly baseUrl: string,
    /** Path prefix of this scenario, e.g. `/two-abc123`. */
    readonly prefix: string,
  ) {
    this.captain = new WireMock(baseUrl);
  }

  /** What two should use as token URL and third-party URL. */
  get scopedUrl(): string {
    return `${this.baseUrl}${this.prefix}`;
  }

  async stub(request: IWireMockRequest, response: IWireMockResponse, features?: IWireMockFeatures) {
    const mapping = await this.captain.register(
      { ...request, endpoint: `${this.prefix}${request.endpoint}` },
      response,
      { stubPriority: 1, ...features },
    );
    this.#stubIds.push(mapping.id);
  }

  /** Answers in order, one per call; the last answer repeats (a WireMock scenario named for this test). */
  async stubSequence(
    request: IWireMockRequest,
    responses: IWireMockResponse[],
    features: Omit<IWireMockFeatures, 'scenario'> = {},
  ) {
    this.#scenarioCount += 1;
    const scenarioName = `${this.prefix}-${this.#scenarioCount}`;
    for (const [index, response] of responses.entries()) {
      const last = index === responses.length - 1;
      await this.stub(request, response, {
        ...features,
        scenario: {
          scenarioName,
          requiredScenarioState: index === 0 ? 'Started' : `call-${index}`,
          ...(last ? {} : { newScenarioState: `call-${index + 1}` }),
        },
      });
    }
  }

  async requests(path: string): Promise<ThirdPartyRequest[]> {
    const all = (await this.captain.getRequestsForAPI('POST', `${this.prefix}${path}`)) as Array<{
      request: { headers: Record<string, string>; body: string; loggedDate: number };
    }>;
    return all
      .map(({ request }) => ({
        headers: lowerCaseKeys(request.headers),
        body: parseJson(request.body),
        loggedAt: request.loggedDate,
      }))
      .sort((a, b) => a.loggedAt - b.loggedAt);
  }

  /** Deletes this scenario's stubs; the shared default mappings and other suites' stubs stay. */
  async reset() {
    await Promise.all(this.#stubIds.map((id) => this.captain.deleteMapping(id).catch(() => undefined)));
    this.#stubIds.length = 0;
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
