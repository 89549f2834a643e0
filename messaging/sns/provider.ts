import type { ListTopicsInput, ListTopicsResponse } from "@aws-sdk/client-sns";
import type { OperationContext, ServiceProvider } from "../../sdk-compat/protocol/operation-handler.js";
import type { DomainEnvironment } from "../../storage/state/environment.js";

/** SNS: topics and subscriptions. */
export function createSnsProvider(env: DomainEnvironment): ServiceProvider {
  env.db.registerSchema("sns", [
    "CREATE TABLE sns_topics (arn TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, created_at INTEGER NOT NULL)",
  ]);
  const list = env.db.sql.prepare("SELECT arn FROM sns_topics WHERE account = ? AND region = ? ORDER BY arn");
  return {
    handlers: {
      ListTopics(_input: ListTopicsInput, ctx: OperationContext): ListTopicsResponse {
        return { Topics: (list.all(ctx.account, ctx.region) as { arn: string }[]).map((r) => ({ TopicArn: r.arn })) };
      },
    },
  };
}
