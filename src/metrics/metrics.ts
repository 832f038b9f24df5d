import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** One registry per app instance: tests build several apps in one process. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "opsbot_" });
  const registers = [registry];
  return {
    registry,
    updates: new Counter({
      name: "opsbot_updates_total",
      help: "Updates received, by type",
      labelNames: ["type"] as const,
      registers,
    }),
    duplicateUpdates: new Counter({
      name: "opsbot_duplicate_updates_total",
      help: "Redelivered updates ignored by dedup",
      registers,
    }),
    commands: new Counter({
      name: "opsbot_commands_total",
      help: "Commands handled, by command",
      labelNames: ["command"] as const,
      registers,
    }),
    errors: new Counter({
      name: "opsbot_errors_total",
      help: "Errors, by where they happened",
      labelNames: ["kind"] as const,
      registers,
    }),
    telegramErrors: new Counter({
      name: "opsbot_telegram_errors_total",
      help: "Bot API calls that failed, by method and error code (0 = network)",
      labelNames: ["method", "code"] as const,
      registers,
    }),
    ticks: new Counter({
      name: "opsbot_watcher_ticks_total",
      help: "Watcher ticks, by result (ok, failed, skipped, pg_down)",
      labelNames: ["result"] as const,
      registers,
    }),
    tickDuration: new Histogram({
      name: "opsbot_watcher_tick_duration_seconds",
      help: "Duration of one watcher tick",
      buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    lastTick: new Gauge({
      name: "opsbot_watcher_last_tick_timestamp_seconds",
      help: "When the last successful tick finished (unix time)",
      registers,
    }),
    alertsSent: new Counter({
      name: "opsbot_alert_messages_sent_total",
      help: "Alert messages delivered, by kind (firing, repeat, resolved)",
      labelNames: ["kind"] as const,
      registers,
    }),
    alertsFailed: new Counter({
      name: "opsbot_alert_messages_failed_total",
      help: "Alert delivery attempts that failed and will be retried",
      registers,
    }),
    undeliveredAlerts: new Gauge({
      name: "opsbot_alert_messages_undelivered",
      help: "Alert messages waiting in the outbox after the last tick",
      registers,
    }),
    escalationSteps: new Counter({
      name: "opsbot_escalation_steps_total",
      help: "Tries of escalation steps, by target (oncall, next, group) and outcome: sent, refused (Telegram will not take it; the chain goes on), retried (failed for now; one per try), cancelled (acked, resolved or silenced first)",
      labelNames: ["target", "outcome"] as const,
      registers,
    }),
    actions: new Counter({
      name: "opsbot_action_outcomes_total",
      help: "Deploys and rollbacks that ended, by kind and outcome",
      labelNames: ["kind", "outcome"] as const,
      registers,
    }),
    alertmanagerAlerts: new Counter({
      name: "opsbot_alertmanager_alerts_received_total",
      help: "Alerts received from Alertmanager, by status: stored (firing, resolved) or left_out (over a cap, or an absurd time)",
      labelNames: ["status"] as const,
      registers,
    }),
    updateDuration: new Histogram({
      name: "opsbot_update_duration_seconds",
      help: "Time to handle one update",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
