import type { NotificationConfiguration, QueueConfiguration } from "@aws-sdk/client-s3";

/** Whether a configured event type (`s3:ObjectCreated:*` or `s3:ObjectCreated:Put`) covers an event (`ObjectCreated:Put`). */
function covers(configured: string, eventName: string): boolean {
  const name = configured.startsWith("s3:") ? configured.slice(3) : configured;
  return name.endsWith(":*") ? eventName.startsWith(name.slice(0, -1)) : name === eventName;
}

/** Whether a key passes a destination's prefix and suffix rules (rule names are case-insensitive, values are not). */
function passes(filter: QueueConfiguration["Filter"], key: string): boolean {
  for (const rule of filter?.Key?.FilterRules ?? []) {
    const name = rule.Name?.toLowerCase();
    const value = rule.Value ?? "";
    if (name === "prefix" && !key.startsWith(value)) return false;
    if (name === "suffix" && !key.endsWith(value)) return false;
  }
  return true;
}

/** The queue destinations of a configuration that take an event of this name for this key. */
export function matchingQueues(config: NotificationConfiguration, eventName: string, key: string): QueueConfiguration[] {
  return (config.QueueConfigurations ?? []).filter((q) => (q.Events ?? []).some((e) => covers(e, eventName)) && passes(q.Filter, key));
}
