import type { ListQueuesRequest, ListQueuesResult } from "@aws-sdk/client-sqs";
import type { OperationContext, ServiceProvider } from "../../sdk-compat/protocol/operation-handler.js";
import type { DomainEnvironment } from "../../storage/state/environment.js";

/** SQS: queues and messages. */
export function createSqsProvider(env: DomainEnvironment): ServiceProvider {
  env.db.registerSchema("sqs", [
    "CREATE TABLE sqs_queues (account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (account, region, name))",
  ]);
  const list = env.db.sql.prepare("SELECT name FROM sqs_queues WHERE account = ? AND region = ? AND name >= ? ORDER BY name");
  return {
    handlers: {
      ListQueues(input: ListQueuesRequest, ctx: OperationContext): ListQueuesResult {
        const prefix = input.QueueNamePrefix ?? "";
        const rows = (list.all(ctx.account, ctx.region, prefix) as { name: string }[]).filter((r) => r.name.startsWith(prefix));
        return { QueueUrls: rows.length ? rows.map((r) => `${ctx.baseUrl}/${ctx.account}/${r.name}`) : undefined };
      },
    },
  };
}
