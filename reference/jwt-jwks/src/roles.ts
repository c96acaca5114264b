import type { JWTPayload } from 'jose';

export interface Principal {
  subject: string;
  roles: ReadonlySet<string>;
}

/**
 * Which claim values grant which application roles. Identity providers disagree on where roles
 * live (`roles`, `scope`, `groups`, a namespaced custom claim), so the mapping is data, not code.
 */
export type RoleMapping = Readonly<Record<string, string>>;

export const DEFAULT_ROLE_MAPPING: RoleMapping = {
  'payments:read': 'payments.reader',
  'payments:write': 'payments.writer',
  admin: 'payments.admin',
};

export function toPrincipal(payload: JWTPayload, mapping: RoleMapping = DEFAULT_ROLE_MAPPING): Principal {
  const granted = [...claimValues(payload['roles']), ...claimValues(payload['scope'])];
  const roles = new Set<string>();
  for (const value of granted) {
    const role = mapping[value];
    if (role !== undefined) roles.add(role);
  }
  // verifier requires `sub`, so the fallback is only for callers that skip it
  return { subject: payload.sub ?? '', roles };
}

/** `roles` is usually an array, OAuth `scope` a space-separated string; anything else grants nothing. */
function claimValues(claim: unknown): string[] {
  if (typeof claim === 'string') return claim.split(' ').filter(Boolean);
  if (Array.isArray(claim)) return claim.filter((value): value is string => typeof value === 'string');
  return [];
}
