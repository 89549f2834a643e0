import express from "express";
import type { Platform } from "../platform.js";
import type { CapturedFilter } from "../../messaging/sns/provider.js";
import { isSnsProvider } from "../../messaging/sns/provider.js";

/**
 * SNS on the control plane: the signing certificate named by every notification's SigningCertURL,
 * and the email / SMS / mobile deliveries cloudbox captured instead of sending.
 */
export function snsRoutes(platform: Platform): express.Router {
  const router = express.Router();
  const provider = () => {
    const p = platform.services.get("sns")?.provider;
    return isSnsProvider(p) ? p : undefined;
  };
  const notRunning = (res: express.Response) => res.status(404).json({ error: "SNS is not running in this cloudbox. Start it with sns among --services." });

  router.get("/_cloudbox/sns/SimpleNotificationService.pem", async (_req, res) => {
    const sns = provider();
    if (!sns) return void notRunning(res);
    res.type("application/x-pem-file").send(await sns.signingCertificate());
  });
  router.get("/_cloudbox/sns/deliveries", (req, res) => {
    const sns = provider();
    if (!sns) return void notRunning(res);
    const q = req.query as Record<string, string | undefined>;
    const filter: CapturedFilter = {};
    if (q["protocol"]) filter.protocol = q["protocol"];
    if (q["endpoint"]) filter.endpoint = q["endpoint"];
    if (q["topicArn"]) filter.topicArn = q["topicArn"];
    if (q["subscriptionArn"]) filter.subscriptionArn = q["subscriptionArn"];
    if (q["account"]) filter.account = q["account"];
    if (q["type"]) filter.type = q["type"];
    res.json({ deliveries: sns.capturedDeliveries(filter) });
  });
  router.get("/_cloudbox/sns/subscription-token", (req, res) => {
    const sns = provider();
    if (!sns) return void notRunning(res);
    const arn = String(req.query["subscriptionArn"] ?? "");
    const found = arn ? sns.subscriptionToken(arn) : undefined;
    if (!found) return void res.status(404).json({ error: `No subscription ${arn || "(none given)"}. Pass ?subscriptionArn=<the ARN Subscribe returned with ReturnSubscriptionArn=true>.` });
    res.json({ subscriptionArn: arn, ...found });
  });
  router.get("/_cloudbox/sns/delivery-failures", (_req, res) => {
    const sns = provider();
    if (!sns) return void notRunning(res);
    res.json({ failures: sns.deliveryFailures() });
  });
  router.delete("/_cloudbox/sns/deliveries", (_req, res) => {
    const sns = provider();
    if (!sns) return void notRunning(res);
    sns.clearCapturedDeliveries();
    res.json({ cleared: true });
  });
  return router;
}
