import { randomUUID } from "node:crypto";
import type * as Sns from "@aws-sdk/client-sns";
import type { Statement } from "better-sqlite3";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { DomainEnvironment } from "../../storage/state/environment.js";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import { SnsErrors } from "./sns-errors.js";

/**
 * Mobile push: platform applications (APNS, GCM/FCM, …) and their device endpoints. Nothing is
 * pushed anywhere; what would be pushed is captured like email and SMS, readable on the control plane.
 */
const PLATFORMS = new Set(["ADM", "APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX", "BAIDU", "GCM", "MACOS", "MACOS_SANDBOX", "MPNS", "WNS"]);
const SECRET_ATTRIBUTES = new Set(["PlatformCredential", "PlatformPrincipal"]);
const ENDPOINT_ATTRIBUTES = new Set(["CustomUserData", "Enabled", "Token"]);
const PAGE = 100;

interface AppRow {
  arn: string;
  account: string;
  region: string;
  name: string;
  platform: string;
  attributes: string;
}

interface EndpointRow {
  arn: string;
  app_arn: string;
  token: string;
  attributes: string;
}

export interface PlatformEndpointView {
  arn: string;
  platform: string;
  enabled: boolean;
}

/** The platform segment of an application or endpoint ARN (`…:endpoint/GCM/app/id` → GCM). */
export function platformOf(arn: string): string | undefined {
  return /:(?:app|endpoint)\/([A-Z_]+)\//.exec(arn)?.[1];
}

function page<T>(rows: T[], offset: number): { items: T[]; next?: string } {
  const items = rows.slice(offset, offset + PAGE);
  return offset + PAGE < rows.length ? { items, next: Buffer.from(String(offset + PAGE)).toString("base64url") } : { items };
}

function offsetOf(token: string | undefined): number {
  if (!token) return 0;
  const n = Number(Buffer.from(token, "base64url").toString("utf8"));
  if (!Number.isInteger(n) || n < 0) throw SnsErrors.invalidParameter("NextToken");
  return n;
}

export function createPlatformEndpoints(env: DomainEnvironment) {
  env.db.registerSchema("sns-platform", [
    "CREATE TABLE sns_platform_apps (arn TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, platform TEXT NOT NULL, attributes TEXT NOT NULL, created_at INTEGER NOT NULL)",
    "CREATE TABLE sns_platform_endpoints (arn TEXT PRIMARY KEY, app_arn TEXT NOT NULL, token TEXT NOT NULL, attributes TEXT NOT NULL, created_at INTEGER NOT NULL, UNIQUE (app_arn, token))",
  ]);
  const sql = env.db.sql;
  const getApp: Statement<[string], AppRow> = sql.prepare("SELECT arn, account, region, name, platform, attributes FROM sns_platform_apps WHERE arn = ?");
  const putApp: Statement = sql.prepare(
    "INSERT INTO sns_platform_apps (arn, account, region, name, platform, attributes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(arn) DO UPDATE SET attributes = excluded.attributes",
  );
  const setAppAttributes: Statement = sql.prepare("UPDATE sns_platform_apps SET attributes = ? WHERE arn = ?");
  const deleteApp: Statement = sql.prepare("DELETE FROM sns_platform_apps WHERE arn = ?");
  const listApps: Statement<[string, string], AppRow> = sql.prepare("SELECT arn, account, region, name, platform, attributes FROM sns_platform_apps WHERE account = ? AND region = ? ORDER BY arn");
  const getEndpoint: Statement<[string], EndpointRow> = sql.prepare("SELECT arn, app_arn, token, attributes FROM sns_platform_endpoints WHERE arn = ?");
  const endpointByToken: Statement<[string, string], EndpointRow> = sql.prepare("SELECT arn, app_arn, token, attributes FROM sns_platform_endpoints WHERE app_arn = ? AND token = ?");
  const putEndpoint: Statement = sql.prepare("INSERT INTO sns_platform_endpoints (arn, app_arn, token, attributes, created_at) VALUES (?, ?, ?, ?, ?)");
  const setEndpoint: Statement = sql.prepare("UPDATE sns_platform_endpoints SET token = ?, attributes = ? WHERE arn = ?");
  const deleteEndpoint: Statement = sql.prepare("DELETE FROM sns_platform_endpoints WHERE arn = ?");
  const deleteAppEndpoints: Statement = sql.prepare("DELETE FROM sns_platform_endpoints WHERE app_arn = ?");
  const listEndpoints: Statement<[string], EndpointRow> = sql.prepare("SELECT arn, app_arn, token, attributes FROM sns_platform_endpoints WHERE app_arn = ? ORDER BY created_at, arn");

  const appNotFound = () => new ServiceError("NotFound", "PlatformApplication does not exist", { status: 404 });
  const endpointNotFound = () => new ServiceError("NotFound", "Endpoint does not exist", { status: 404 });

  function ownApp(arn: string | undefined, ctx: OperationContext): AppRow {
    const row = arn ? getApp.get(arn) : undefined;
    if (!row || row.account !== ctx.account || row.region !== ctx.region) throw appNotFound();
    return row;
  }

  function ownEndpoint(arn: string | undefined, ctx: OperationContext): EndpointRow {
    const row = arn ? getEndpoint.get(arn) : undefined;
    if (!row || !row.app_arn.includes(`:${ctx.region}:${ctx.account}:`)) throw endpointNotFound();
    return row;
  }

  function validateEndpointAttributes(attributes: Record<string, string>): void {
    for (const [key, value] of Object.entries(attributes)) {
      if (!ENDPOINT_ATTRIBUTES.has(key)) throw SnsErrors.invalidParameter(`Attributes Reason: Invalid attribute name: ${key}`);
      if (key === "CustomUserData" && Buffer.byteLength(value) > 2048) {
        throw SnsErrors.invalidParameter("Attributes Reason: Invalid value for attribute: CustomUserData: must be at most 2048 bytes long in UTF-8 encoding");
      }
      if (key === "Enabled" && value !== "true" && value !== "false") throw SnsErrors.invalidParameter("Attributes Reason: Invalid value for attribute: Enabled");
    }
  }

  const handlers = {
    CreatePlatformApplication(input: Sns.CreatePlatformApplicationInput, ctx: OperationContext): Sns.CreatePlatformApplicationResponse {
      const name = input.Name ?? "";
      if (!name) throw SnsErrors.invalidParameter(`${name} Reason: cannot be empty`);
      if (name.length > 256) throw SnsErrors.invalidParameter(`${name} Reason: must be at most 256 characters long`);
      if (!/^[A-Za-z0-9._-]+$/.test(name)) throw SnsErrors.invalidParameter(`${name} Reason: must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'`);
      const platform = input.Platform ?? "";
      if (!PLATFORMS.has(platform)) throw SnsErrors.invalidParameter(`Platform Reason: ${platform} is not supported`);
      const arn = `arn:aws:sns:${ctx.region}:${ctx.account}:app/${platform}/${name}`;
      putApp.run(arn, ctx.account, ctx.region, name, platform, JSON.stringify(input.Attributes ?? {}), env.clock.now());
      return { PlatformApplicationArn: arn };
    },

    GetPlatformApplicationAttributes(input: Sns.GetPlatformApplicationAttributesInput, ctx: OperationContext): Sns.GetPlatformApplicationAttributesResponse {
      const app = ownApp(input.PlatformApplicationArn, ctx);
      const attributes: Record<string, string> = { Enabled: "true" };
      for (const [k, v] of Object.entries(JSON.parse(app.attributes) as Record<string, string>)) if (!SECRET_ATTRIBUTES.has(k)) attributes[k] = v;
      return { Attributes: attributes };
    },

    SetPlatformApplicationAttributes(input: Sns.SetPlatformApplicationAttributesInput, ctx: OperationContext): void {
      env.db.transaction(() => {
        const app = ownApp(input.PlatformApplicationArn, ctx);
        const attributes = { ...(JSON.parse(app.attributes) as Record<string, string>), ...(input.Attributes ?? {}) };
        setAppAttributes.run(JSON.stringify(attributes), app.arn);
      });
    },

    ListPlatformApplications(input: Sns.ListPlatformApplicationsInput, ctx: OperationContext): Sns.ListPlatformApplicationsResponse {
      const { items, next } = page(listApps.all(ctx.account, ctx.region), offsetOf(input.NextToken));
      const out: Sns.ListPlatformApplicationsResponse = {
        PlatformApplications: items.map((app) => ({ PlatformApplicationArn: app.arn, Attributes: handlers.GetPlatformApplicationAttributes({ PlatformApplicationArn: app.arn }, ctx).Attributes! })),
      };
      if (next) out.NextToken = next;
      return out;
    },

    DeletePlatformApplication(input: Sns.DeletePlatformApplicationInput, ctx: OperationContext): void {
      const row = input.PlatformApplicationArn ? getApp.get(input.PlatformApplicationArn) : undefined;
      if (!row || row.account !== ctx.account || row.region !== ctx.region) return;
      env.db.transaction(() => {
        deleteAppEndpoints.run(row.arn);
        deleteApp.run(row.arn);
      });
    },

    CreatePlatformEndpoint(input: Sns.CreatePlatformEndpointInput, ctx: OperationContext): Sns.CreateEndpointResponse {
      const token = input.Token ?? "";
      if (!token) throw SnsErrors.invalidParameter("Token Reason: cannot be empty");
      const requested = { ...(input.Attributes ?? {}) };
      validateEndpointAttributes(requested);
      if (input.CustomUserData !== undefined) requested["CustomUserData"] = input.CustomUserData;
      return env.db.transaction(() => {
        const app = ownApp(input.PlatformApplicationArn, ctx);
        const existing = endpointByToken.get(app.arn, token);
        const attributes = { Enabled: "true", ...requested, Token: token };
        if (existing) {
          const current = JSON.parse(existing.attributes) as Record<string, string>;
          const same = Object.entries(attributes).every(([k, v]) => current[k] === v);
          if (!same) throw SnsErrors.invalidParameter(`Token Reason: Endpoint ${existing.arn} already exists with the same Token, but different attributes.`);
          return { EndpointArn: existing.arn };
        }
        const arn = `arn:aws:sns:${app.region}:${app.account}:endpoint/${app.platform}/${app.name}/${randomUUID()}`;
        putEndpoint.run(arn, app.arn, token, JSON.stringify(attributes), env.clock.now());
        return { EndpointArn: arn };
      });
    },

    GetEndpointAttributes(input: Sns.GetEndpointAttributesInput, ctx: OperationContext): Sns.GetEndpointAttributesResponse {
      return { Attributes: JSON.parse(ownEndpoint(input.EndpointArn, ctx).attributes) as Record<string, string> };
    },

    SetEndpointAttributes(input: Sns.SetEndpointAttributesInput, ctx: OperationContext): void {
      const changes = input.Attributes ?? {};
      validateEndpointAttributes(changes);
      env.db.transaction(() => {
        const row = ownEndpoint(input.EndpointArn, ctx);
        const attributes = { ...(JSON.parse(row.attributes) as Record<string, string>), ...changes };
        setEndpoint.run(attributes["Token"] ?? row.token, JSON.stringify(attributes), row.arn);
      });
    },

    ListEndpointsByPlatformApplication(input: Sns.ListEndpointsByPlatformApplicationInput, ctx: OperationContext): Sns.ListEndpointsByPlatformApplicationResponse {
      const app = ownApp(input.PlatformApplicationArn, ctx);
      const { items, next } = page(listEndpoints.all(app.arn), offsetOf(input.NextToken));
      const out: Sns.ListEndpointsByPlatformApplicationResponse = { Endpoints: items.map((e) => ({ EndpointArn: e.arn, Attributes: JSON.parse(e.attributes) as Record<string, string> })) };
      if (next) out.NextToken = next;
      return out;
    },

    DeleteEndpoint(input: Sns.DeleteEndpointInput, ctx: OperationContext): void {
      const row = input.EndpointArn ? getEndpoint.get(input.EndpointArn) : undefined;
      // Deleting an endpoint that is not there succeeds, as on AWS; another account's is not there for this caller.
      if (row && row.app_arn.includes(`:${ctx.region}:${ctx.account}:`)) deleteEndpoint.run(row.arn);
    },
  };

  return {
    handlers,
    /** The endpoint a Publish with TargetArn names, or undefined when there is none. */
    endpoint(arn: string): PlatformEndpointView | undefined {
      const row = getEndpoint.get(arn);
      if (!row) return undefined;
      const attributes = JSON.parse(row.attributes) as Record<string, string>;
      return { arn: row.arn, platform: platformOf(row.arn) ?? "", enabled: attributes["Enabled"] !== "false" };
    },
  };
}
