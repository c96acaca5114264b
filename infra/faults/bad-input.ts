// The bad-input drill: sends every case of bad-input-corpus.json to POST /one and checks that each
// gets a 4xx application/problem+json answer (never a 5xx, never a 201) and that nothing was stored.
// Usable on its own against any running one (its database URL is needed for "nothing stored"):
//   ONE_URL=http://127.0.0.1:8099 ONE_DATABASE_URL=postgresql://…/one node --import tsx infra/faults/bad-input.ts
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import pg from 'pg';

export interface CorpusCase {
  group: string;
  name: string;
  /** null: no Content-Type header at all. */
  contentType: string | null;
  /** UTF-8 text; `{{text*count}}` is replaced by `text` repeated `count` times. */
  body?: string;
  bodyBase64?: string;
  headers?: Record<string, string>;
}

export interface CaseOutcome {
  group: string;
  name: string;
  status: number;
  contentType: string;
  ok: boolean;
}

export interface BadInputResult {
  cases: number;
  answered4xx: number;
  answered5xx: number;
  answered2xx: number;
  notProblemJson: number;
  rowsStored: number;
  failures: CaseOutcome[];
  pass: boolean;
}

const corpusFile = new URL('./bad-input-corpus.json', import.meta.url);

export function loadCorpus(): CorpusCase[] {
  return (JSON.parse(readFileSync(corpusFile, 'utf8')) as { cases: CorpusCase[] }).cases;
}

/**
 * `{{abc*3}}` → `abcabcabc`; the count keeps big bodies out of the JSON file. The text is repeated
 * as written: a `\\u200b` in the corpus file stays a JSON escape inside the body.
 */
export function expandBody(body: string): string {
  return body.replace(/\{\{(.+?)\*(\d+)\}\}/gu, (_match, text: string, count: string) =>
    text.repeat(Number(count)),
  );
}

function bodyBytes(corpusCase: CorpusCase): Buffer {
  if (corpusCase.bodyBase64 !== undefined) return Buffer.from(corpusCase.bodyBase64, 'base64');
  return Buffer.from(expandBody(corpusCase.body ?? ''), 'utf8');
}

/** Raw node:http, so the corpus controls every header and byte (fetch would fix some up). */
function send(
  url: URL,
  corpusCase: CorpusCase,
  extraHeaders: Record<string, string> = {},
): Promise<{ status: number; contentType: string }> {
  const body = bodyBytes(corpusCase);
  const headers: Record<string, string | number> = {
    'content-length': body.length,
    ...extraHeaders,
    ...corpusCase.headers,
  };
  if (corpusCase.contentType !== null) headers['content-type'] = corpusCase.contentType;
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', headers, timeout: 10_000 }, (response) => {
      response.resume();
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          contentType: String(response.headers['content-type'] ?? ''),
        }),
      );
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 10 s')));
    // A server may answer (413) and close before reading a big body: the answer still counts.
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

export async function runBadInputCorpus({
  oneUrl,
  databaseUrl,
  headers,
  cases = loadCorpus(),
}: {
  oneUrl: string;
  databaseUrl: string;
  /** Sent with every case (e.g. a valid bearer token in jwt mode); a case's own headers win. */
  headers?: Record<string, string>;
  cases?: CorpusCase[];
}): Promise<BadInputResult> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const count = async () =>
    Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM requests')).rows[0]?.n ?? 0);
  try {
    const before = await count();
    const outcomes: CaseOutcome[] = [];
    for (const corpusCase of cases) {
      const answer = await send(new URL('/one', oneUrl), corpusCase, headers).catch(() => ({
        status: 0,
        contentType: '',
      }));
      const ok =
        answer.status >= 400 &&
        answer.status < 500 &&
        answer.contentType.startsWith('application/problem+json');
      outcomes.push({ group: corpusCase.group, name: corpusCase.name, ...answer, ok });
    }
    const rowsStored = (await count()) - before;
    const failures = outcomes.filter((outcome) => !outcome.ok);
    return {
      cases: outcomes.length,
      answered4xx: outcomes.filter((o) => o.status >= 400 && o.status < 500).length,
      answered5xx: outcomes.filter((o) => o.status >= 500).length,
      answered2xx: outcomes.filter((o) => o.status >= 200 && o.status < 300).length,
      notProblemJson: outcomes.filter((o) => !o.contentType.startsWith('application/problem+json')).length,
      rowsStored,
      failures,
      pass: failures.length === 0 && rowsStored === 0,
    };
  } finally {
    await db.end();
  }
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const result = await runBadInputCorpus({
    oneUrl: process.env.ONE_URL ?? 'http://127.0.0.1:8099',
    databaseUrl: process.env.ONE_DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:54329/one',
  });
  console.log(JSON.stringify(result, null, 2));
  process.exitCode = result.pass ? 0 : 1;
}
