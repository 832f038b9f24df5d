// Languages over opsbot.language_choices: a sender's language and remembering it, of() for
// private messages with no update at hand, and the fallbacks when PostgreSQL is gone.
import { createServer as createTcpServer, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { createCatalogue } from "../../src/i18n/catalogue.js";
import { createLanguageChoices } from "../../src/db/language-choices.js";
import { createLanguages, type Languages } from "../../src/i18n/languages.js";
import type { Locale } from "../../src/i18n/locales.js";
import { createPool } from "../../src/db/pool.js";
import { createFakeClock } from "../kit/fake-clock.js";
import { useMigratedPool } from "../kit/migrated-pool.js";
import { closedPort, listen } from "../kit/ports.js";

const catalogue = createCatalogue();
const clock = createFakeClock();

function languagesOn(pool: ReturnType<typeof createPool>, botLocale: Locale, errors: string[]) {
  return createLanguages(catalogue, botLocale, {
    choices: createLanguageChoices(pool, clock),
    onError: (_error, what) => errors.push(what),
  });
}

describe("Languages with the database", () => {
  const db = useMigratedPool();
  const remember = { remember: true };
  let nextUser = 1;
  const fresh = (errors: string[] = []): [Languages, number] => [
    languagesOn(db.pool, "en", errors),
    nextUser++,
  ];

  it("of(): the choice, else the language_code last seen, else BOT_LOCALE", async () => {
    const [languages, id] = fresh();
    expect((await languages.of(id)).locale).toBe("en");
    await languages.ofSender({ id, language_code: "ru" }, remember);
    expect((await languages.of(id)).locale).toBe("ru");
    await languages.choose(id, "en");
    expect((await languages.of(id)).locale).toBe("en");
    await languages.choose(id, null);
    expect((await languages.of(id)).locale).toBe("ru");
  });

  it("writes the language_code only when it changed, and only for those to remember", async () => {
    const [languages, id] = fresh();
    const updatedAt = async () =>
      (
        await db.pool.query<{ updated_at: Date }>(
          "SELECT updated_at FROM opsbot.language_choices WHERE user_id = $1",
          [id],
        )
      ).rows[0]?.updated_at;
    await languages.ofSender({ id, language_code: "ru" }, { remember: false });
    expect(await updatedAt()).toBeUndefined();
    await languages.ofSender({ id, language_code: "ru" }, remember);
    const first = await updatedAt();
    clock.advance(60_000);
    await languages.ofSender({ id, language_code: "ru" }, remember);
    expect(await updatedAt()).toEqual(first);
    await languages.ofSender({ id, language_code: "en-GB" }, remember);
    expect((await updatedAt())!.getTime()).toBe(first!.getTime() + 60_000);
    expect((await languages.of(id)).locale).toBe("en");
  });

  it("a choice wins over the sender's language_code", async () => {
    const [languages, id] = fresh();
    await languages.choose(id, "ru");
    expect((await languages.ofSender({ id, language_code: "en" }, remember)).locale).toBe("ru");
  });
});

describe("Languages without PostgreSQL", () => {
  it("answers in the language_code's language, of() in BOT_LOCALE's, and says what failed", async () => {
    const pool = createPool({
      connectionString: `postgres://postgres@127.0.0.1:${await closedPort()}/test`,
      connectTimeoutMs: 1_000,
    });
    try {
      const errors: string[] = [];
      const languages = languagesOn(pool, "ru", errors);
      const sender = { id: 5, language_code: "en-US" };
      expect((await languages.ofSender(sender, { remember: true })).locale).toBe("en");
      expect((await languages.of(5)).locale).toBe("ru");
      expect(errors).toEqual(["read", "read"]);
      await expect(languages.choose(5, "en")).rejects.toThrow();
    } finally {
      await pool.end();
    }
  });
});

describe("Languages while PostgreSQL hangs", () => {
  it("answers in the language_code's language without waiting for the connect timeout", async () => {
    // Accepts connections and never answers them: a hung database, not a refusing one.
    const sockets: Socket[] = [];
    const server = createTcpServer((socket) => void sockets.push(socket));
    const pool = createPool({
      connectionString: `postgres://postgres@127.0.0.1:${await listen(server)}/test`,
      connectTimeoutMs: 60_000,
    });
    try {
      const errors: string[] = [];
      const languages = createLanguages(catalogue, "en", {
        choices: createLanguageChoices(pool, clock),
        onError: (_error, what) => errors.push(what),
        readPatienceMs: 50,
      });
      const translator = await languages.ofSender(
        { id: 7, language_code: "ru" },
        { remember: true },
      );
      expect(translator.locale).toBe("ru");
      expect(errors).toEqual(["read"]);
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
      await pool.end().catch(() => undefined);
    }
  });
});
