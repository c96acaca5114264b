// The request bodies the feature files name, each carrying the scenario's unique user id so
// "nothing stored for it" can be checked without touching anyone else's rows.
import { largeRequest } from '@pkg/testkit';

export interface NamedBody {
  body: string;
  contentType: string;
}

export function namedBody(name: string, fixture: Record<string, unknown>): NamedBody {
  const json = (value: unknown): NamedBody => ({
    body: JSON.stringify(value),
    contentType: 'application/json',
  });
  const { prompt: _prompt, ...withoutPrompt } = fixture;
  switch (name) {
    case 'the fixture request':
      return json(fixture);
    case 'a large request':
      return json(largeRequest(String(fixture.user_id)));
    case 'the fixture request as text/plain':
      return { body: JSON.stringify(fixture), contentType: 'text/plain' };
    case 'malformed JSON':
      return { body: JSON.stringify(fixture).slice(0, -5), contentType: 'application/json' };
    case 'a body without the prompt field':
      return json(withoutPrompt);
    case 'a body whose data is a string':
      return json({ ...fixture, data: 'k1=15' });
    case 'a body whose user_id is a number':
      // The unique id moves to the prompt, so the "nothing stored" checks still find it.
      return json({
        ...fixture,
        user_id: 42,
        prompt: `${String(fixture.prompt)} ${String(fixture.user_id)}`,
      });
    case 'a body with an unknown field':
      return json({ ...fixture, role: 'admin' });
    case 'a body with a __proto__ key':
      // Written by hand: JSON.stringify would drop a __proto__ key set on an object literal.
      return {
        body: `${JSON.stringify(fixture).slice(0, -1)},"__proto__":{"isAdmin":true}}`,
        contentType: 'application/json',
      };
    case 'a body of 100 KiB':
      return json({ ...fixture, prompt: 'x'.repeat(100 * 1024) });
    default:
      throw new Error(`no body named ${JSON.stringify(name)}`);
  }
}
