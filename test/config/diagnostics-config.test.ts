import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config/parse-config.js";

describe("diagnostics configuration", () => {
  it("defaults: no BACKUP_DIR, 26 h, 80 %, 10 min, 5 min", () => {
    const config = parseConfig({});
    expect(config.BACKUP_DIR).toBeUndefined();
    expect(config).toMatchObject({
      BACKUP_MAX_AGE_HOURS: 26,
      PG_CONNECTIONS_HIGH_PERCENT: 80,
      PG_LONG_QUERY_MINUTES: 10,
      PG_BLOCKED_MINUTES: 5,
    });
  });

  it("reads the variables and refuses bad values naming the variable", () => {
    const config = parseConfig({ BACKUP_DIR: " /backups ", PG_CONNECTIONS_HIGH_PERCENT: "90" });
    expect(config).toMatchObject({ BACKUP_DIR: "/backups", PG_CONNECTIONS_HIGH_PERCENT: 90 });
    expect(() => parseConfig({ PG_CONNECTIONS_HIGH_PERCENT: "150" })).toThrow(ConfigError);
    expect(() => parseConfig({ BACKUP_MAX_AGE_HOURS: "0" })).toThrow(/BACKUP_MAX_AGE_HOURS/);
  });
});
