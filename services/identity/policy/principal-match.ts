import type { AuthorizationRequest, PrincipalSet } from "./policy-types.js";

/**
 * The identities a caller is known by when principals are matched. A user is its ARN and its account; an
 * assumed-role session is its session ARN, its role and its account. A policy's Principal names the
 * caller when it names any of these; a NotPrincipal exempts the caller only when it names all of them,
 * which is why AWS's NotPrincipal examples list the session, the role and the account together.
 */
type Identity =
  | { kind: "account"; account: string }
  | { kind: "arn"; arn: string }
  | { kind: "role"; account: string; name: string }
  | { kind: "service"; name: string }
  | { kind: "federated"; id: string }
  | { kind: "canonical"; id: string }
  | { kind: "anonymous" };

const ROOT = /^arn:aws[a-z-]*:iam::(\d{12}):root$/;
const ASSUMED_ROLE = /^arn:aws[a-z-]*:sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;
const ROLE = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;

/** The account an ARN is in (its fifth part), if it has one. */
export function arnAccount(arn: string): string | undefined {
  const account = arn.split(":")[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

export function callerIdentities(principal: AuthorizationRequest["principal"]): Identity[] {
  switch (principal.type) {
    case "Anonymous":
      return [{ kind: "anonymous" }];
    case "Service":
      return [{ kind: "service", name: principal.id }];
    case "Federated":
      return [{ kind: "federated", id: principal.id }];
    case "AWS": {
      const identities: Identity[] = [];
      const account = principal.account ?? arnAccount(principal.id) ?? (/^\d{12}$/.test(principal.id) ? principal.id : undefined);
      if (account) identities.push({ kind: "account", account });
      if (!ROOT.test(principal.id) && !/^\d{12}$/.test(principal.id)) identities.push({ kind: "arn", arn: principal.id });
      const session = ASSUMED_ROLE.exec(principal.id);
      if (session) identities.push({ kind: "role", account: session[1]!, name: session[2]! });
      if (principal.canonicalUser) identities.push({ kind: "canonical", id: principal.canonicalUser });
      return identities;
    }
  }
}

function awsEntryCovers(entry: string, identity: Identity): boolean {
  if (entry === "*") return identity.kind === "account" || identity.kind === "arn" || identity.kind === "role" || identity.kind === "anonymous";
  const account = /^\d{12}$/.test(entry) ? entry : ROOT.exec(entry)?.[1];
  if (account) return identity.kind === "account" && identity.account === account;
  const role = ROLE.exec(entry);
  if (role && identity.kind === "role") return identity.account === role[1] && identity.name === role[2];
  return identity.kind === "arn" && identity.arn === entry;
}

function setCovers(set: PrincipalSet, identity: Identity): boolean {
  if (set === "*") return true;
  if (set.AWS?.some((entry) => awsEntryCovers(entry, identity))) return true;
  if (identity.kind === "service" && set.Service?.some((entry) => entry === "*" || entry === identity.name)) return true;
  if (identity.kind === "federated" && set.Federated?.some((entry) => entry === "*" || entry === identity.id)) return true;
  if (identity.kind === "canonical" && set.CanonicalUser?.some((entry) => entry === "*" || entry === identity.id)) return true;
  return false;
}

/** Whether a statement's Principal names the caller. */
export function principalMatches(set: PrincipalSet, identities: Identity[]): boolean {
  return identities.some((identity) => setCovers(set, identity));
}

/** Whether a statement's NotPrincipal leaves the caller in scope: some identity of the caller is not named. */
export function notPrincipalMatches(set: PrincipalSet, identities: Identity[]): boolean {
  return identities.some((identity) => !setCovers(set, identity));
}
