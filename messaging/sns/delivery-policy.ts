/**
 * HTTP(S) delivery retry policy (AWS "delivery policies"): immediate retries, then retries at the
 * minimum delay, a backoff phase from min to max delay, and retries at the maximum delay. The
 * default is AWS's: 3 retries 20 s apart.
 */
export interface HealthyRetryPolicy {
  minDelayTarget: number;
  maxDelayTarget: number;
  numRetries: number;
  numMaxDelayRetries: number;
  numNoDelayRetries: number;
  numMinDelayRetries: number;
  backoffFunction: "linear" | "arithmetic" | "geometric" | "exponential";
}

export const DEFAULT_RETRY_POLICY: HealthyRetryPolicy = {
  minDelayTarget: 20,
  maxDelayTarget: 20,
  numRetries: 3,
  numMaxDelayRetries: 0,
  numNoDelayRetries: 0,
  numMinDelayRetries: 0,
  backoffFunction: "linear",
};

export const DEFAULT_EFFECTIVE_DELIVERY_POLICY = JSON.stringify({
  http: {
    defaultHealthyRetryPolicy: DEFAULT_RETRY_POLICY,
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: "text/plain; charset=UTF-8" },
  },
});

export interface HttpPolicy {
  retry: HealthyRetryPolicy;
  contentType: string;
}

function parse(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The policy that applies to one subscription: its own DeliveryPolicy over the topic's `http` section. */
export function effectiveHttpPolicy(topicPolicy: string | undefined, subscriptionPolicy: string | undefined): HttpPolicy {
  const topicHttp = parse(topicPolicy)?.["http"] as Record<string, unknown> | undefined;
  const sub = parse(subscriptionPolicy);
  const overridesAllowed = topicHttp?.["disableSubscriptionOverrides"] !== true;
  const retry = {
    ...DEFAULT_RETRY_POLICY,
    ...((topicHttp?.["defaultHealthyRetryPolicy"] as Partial<HealthyRetryPolicy> | undefined) ?? {}),
    ...((overridesAllowed ? (sub?.["healthyRetryPolicy"] as Partial<HealthyRetryPolicy> | undefined) : undefined) ?? {}),
  };
  const request = ((overridesAllowed ? sub?.["requestPolicy"] : undefined) ?? topicHttp?.["defaultRequestPolicy"]) as { headerContentType?: string } | undefined;
  return { retry, contentType: request?.headerContentType ?? "text/plain; charset=UTF-8" };
}

/** Seconds to wait before retry number `retry` (1-based), or undefined when retries are exhausted. */
export function retryDelaySeconds(policy: HealthyRetryPolicy, retry: number): number | undefined {
  if (retry > policy.numRetries) return undefined;
  let n = retry;
  if (n <= policy.numNoDelayRetries) return 0;
  n -= policy.numNoDelayRetries;
  if (n <= policy.numMinDelayRetries) return policy.minDelayTarget;
  n -= policy.numMinDelayRetries;
  const backoff = Math.max(0, policy.numRetries - policy.numNoDelayRetries - policy.numMinDelayRetries - policy.numMaxDelayRetries);
  if (n <= backoff) {
    const { minDelayTarget: min, maxDelayTarget: max } = policy;
    const fraction = backoff <= 1 ? 1 : (n - 1) / (backoff - 1);
    switch (policy.backoffFunction) {
      case "geometric":
      case "exponential":
        return Math.round(Math.max(1, min) * Math.pow(Math.max(1, max) / Math.max(1, min), fraction));
      default:
        return Math.round(min + (max - min) * fraction);
    }
  }
  return policy.maxDelayTarget;
}
