import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_RETRY_POLICY, effectiveHttpPolicy, retryDelaySeconds } from "../../messaging/sns/delivery-policy.js";

describe("HTTP delivery policy", () => {
  it("AWS's default: three retries 20 s apart", () => {
    assert.deepEqual([1, 2, 3, 4].map((n) => retryDelaySeconds(DEFAULT_RETRY_POLICY, n)), [20, 20, 20, undefined]);
  });

  it("phases: immediate, minimum delay, backoff, maximum delay", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, numRetries: 8, numNoDelayRetries: 1, numMinDelayRetries: 1, numMaxDelayRetries: 2, minDelayTarget: 1, maxDelayTarget: 30, backoffFunction: "linear" as const };
    assert.deepEqual(Array.from({ length: 9 }, (_, i) => retryDelaySeconds(policy, i + 1)), [0, 1, 1, 11, 20, 30, 30, 30, undefined]);
  });

  it("exponential backoff grows geometrically from min to max", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, numRetries: 3, minDelayTarget: 1, maxDelayTarget: 100, backoffFunction: "exponential" as const };
    assert.deepEqual([1, 2, 3].map((n) => retryDelaySeconds(policy, n)), [1, 10, 100]);
  });

  it("a subscription's DeliveryPolicy overrides the topic's unless overrides are disabled", () => {
    const topic = JSON.stringify({ http: { defaultHealthyRetryPolicy: { numRetries: 5 }, defaultRequestPolicy: { headerContentType: "application/json" } } });
    const sub = JSON.stringify({ healthyRetryPolicy: { numRetries: 1 } });
    assert.equal(effectiveHttpPolicy(topic, sub).retry.numRetries, 1);
    assert.equal(effectiveHttpPolicy(topic, undefined).retry.numRetries, 5);
    assert.equal(effectiveHttpPolicy(topic, undefined).contentType, "application/json");
    const locked = JSON.stringify({ http: { defaultHealthyRetryPolicy: { numRetries: 5 }, disableSubscriptionOverrides: true } });
    assert.equal(effectiveHttpPolicy(locked, sub).retry.numRetries, 5);
  });
});
