// The webhook as the Bot API remembers it: what setWebhook set, what getWebhookInfo
// answers (its WebhookInfo object, fields omitted as Telegram omits them).
import { intParam, jsonParam, stringParam } from "./bot-api-params.js";

type Params = Record<string, unknown>;

// Telegram's default when setWebhook names no max_connections.
const DEFAULT_MAX_CONNECTIONS = 40;

interface Registration {
  url: string;
  hasCustomCertificate: boolean;
  maxConnections: number;
  ipAddress?: string;
  allowedUpdates?: unknown;
}

export function createWebhookRegistration() {
  let current: Registration | undefined;
  return {
    /** Whether updates go to a webhook (getUpdates is refused then). */
    active: () => current !== undefined,
    set(p: Params): void {
      const url = stringParam(p, "url");
      if (url === "") {
        current = undefined;
        return;
      }
      const ipAddress = stringParam(p, "ip_address");
      const allowedUpdates = jsonParam(p, "allowed_updates");
      current = {
        url,
        hasCustomCertificate: p.certificate !== undefined,
        maxConnections: intParam(p, "max_connections") ?? DEFAULT_MAX_CONNECTIONS,
        ...(ipAddress !== "" ? { ipAddress } : {}),
        ...(allowedUpdates !== undefined ? { allowedUpdates } : {}),
      };
    },
    clear(): void {
      current = undefined;
    },
    /** getWebhookInfo's answer; nothing is ever pending or failing here. */
    info(): Record<string, unknown> {
      if (current === undefined) {
        return { url: "", has_custom_certificate: false, pending_update_count: 0 };
      }
      return {
        url: current.url,
        has_custom_certificate: current.hasCustomCertificate,
        pending_update_count: 0,
        ...(current.ipAddress !== undefined ? { ip_address: current.ipAddress } : {}),
        max_connections: current.maxConnections,
        ...(current.allowedUpdates !== undefined
          ? { allowed_updates: current.allowedUpdates }
          : {}),
      };
    },
  };
}
