// normalizeSql against hostile query text: every statement hides a secret ("hunter2") in a
// literal, a comment or after PASSWORD, and the shown text must never contain it, whichever
// way the server reads its strings (standard_conforming_strings on or off).
import { describe, expect, it } from "vitest";
import { normalizeSql } from "../../src/checks/sql-text.js";

const HOSTILE: [string, string][] = [
  ["ALTER ROLE … PASSWORD", "ALTER ROLE app PASSWORD 'Hunter2-Secret'"],
  ["PASSWORD without a space", "ALTER ROLE app PASSWORD'Hunter2-Secret'"],
  ["ENCRYPTED PASSWORD", "alter user app with encrypted password 'hunter2' valid until 'infinity'"],
  ["CREATE USER … PASSWORD", "CREATE USER deploy WITH LOGIN PASSWORD 'hunter2'"],
  ["PASSWORD in a dollar quote", "CREATE ROLE r LOGIN PASSWORD $$hunter2$$"],
  ["PASSWORD in an E string", "ALTER ROLE r PASSWORD E'hunter2\\'s'"],
  ["PASSWORD as an unquoted word", "ALTER ROLE r PASSWORD hunter2"],
  [
    "user mapping options",
    "CREATE USER MAPPING FOR app SERVER s OPTIONS (user 'u', password 'hunter2')",
  ],
  ["a standard string ending in a backslash", "SELECT 'C:\\' AS dir, 'hunter2' AS pw"],
  ["a backslash-escaped quote", "SELECT 'it\\'s', 'hunter2'"],
  ["\\\\ before the quote", "SELECT 'a\\\\', 'hunter2'"],
  ["E string with escapes", "SELECT E'a\\'b\\\\', 'hunter2'"],
  ["E string with an escaped quote that is not its end", "SELECT E'x\\' hunter2 \\''"],
  ["e string, lower case", "SELECT e'\\x41 hunter2'"],
  ["U& string", "SELECT U&'\\0068unter2 hunter2'"],
  ["U& string with UESCAPE", "SELECT U&'!0068unter2' UESCAPE '!', 'hunter2'"],
  ["U& string ending in a backslash", "SELECT U&'d\\', 'hunter2'"],
  ["N string", "SELECT N'hunter2'"],
  ["bit strings", "SELECT B'1010', X'68756e74657232', 'hunter2'"],
  ["doubled quotes", "SELECT 'it''s hunter2'''"],
  ["dollar quote", "SELECT $$it's hunter2$$"],
  ["tagged dollar quote", "DO $body$ BEGIN PERFORM 'x'; RAISE NOTICE 'hunter2'; END $body$"],
  ["a tag holding $$", "SELECT $a$ $$ hunter2 $$ $a$"],
  ["a tag longer than 64", `SELECT $${"t".repeat(80)}$ hunter2 $${"t".repeat(80)}$`],
  ["unterminated dollar quote", "SELECT $x$ hunter2"],
  ["dollar in an identifier is no quote", "SELECT a$b$c, 'hunter2'"],
  ["nested comments", "SELECT /* outer /* inner */ hunter2 */ 1"],
  ["nested comment closing late", "SELECT /* /* */ hunter2 */ 1"],
  ["line comment", "SELECT 1 -- hunter2\n, 2"],
  ["a quote in a comment", "SELECT /* it's */ 'hunter2'"],
  ["a comment in a string", "SELECT '/* hunter2 */', '-- hunter2'"],
  ["literal touching a keyword", "SELECT'hunter2'FROM t"],
  ["literal after an identifier", "SELECT x'1'::int, abc'hunter2'"],
  ["literal touching AND", "SELECT 1 WHERE a='x'AND b='hunter2'OR c=1"],
  ["identifier ending in E", "SELECT typE'a\\' , 'hunter2'"],
  ["unterminated literal (cut at track_activity_query_size)", "INSERT INTO t VALUES ('hunter2"],
  ["unterminated E literal", "SELECT E'hunter2\\'"],
  ["unterminated quoted identifier", 'SELECT "hunter2'],
  ["unterminated comment", "SELECT 1 /* hunter2"],
  ["COPY FROM PROGRAM", "COPY t FROM PROGRAM 'curl -H \"Authorization: hunter2\" https://x'"],
  [
    "subscription connection",
    "CREATE SUBSCRIPTION s CONNECTION 'host=db password=hunter2' PUBLICATION p",
  ],
  ["dblink", "SELECT dblink_connect('dbname=x user=u password=hunter2')"],
  ["SET of a secret", "SET app.api_key = 'hunter2'"],
  ["numbers", "SELECT 4111111111111111, 1.5e-3, .5, 0x1F, 1_000"],
  ["multibyte", "SELECT 'пароль hunter2 🔑', naïve FROM таблица WHERE ключ = 'hunter2'"],
  ["no-break space before E", "SELECT \u00a0E'a\\' , 'hunter2'"],
  ["a string after a multibyte identifier", "SELECT ключ'hunter2'"],
  ["quoted identifier with a quote", 'SELECT "a""b", \'hunter2\''],
  ["parameters stay", "SELECT * FROM t WHERE a = $1 AND b = 'hunter2'"],
  ["string continuation", "SELECT 'a'\n'hunter2'"],
  ["casts", "SELECT 'hunter2'::text, text 'hunter2'"],
  ["pgp functions", "SELECT pgp_sym_decrypt(data, 'hunter2') FROM vault"],
];

describe("normalizeSql on hostile statements", () => {
  it.each(HOSTILE)("hides the secret: %s", (_name, sql) => {
    const shown = normalizeSql(sql);
    expect(shown.toLowerCase()).not.toContain("hunter2");
    // Nothing of a literal's inside, whichever reading: no quote survives outside identifiers.
    expect(shown.replace(/"(?:[^"]|"")*"/g, "")).not.toMatch(/'/);
  });
});

describe("normalizeSql", () => {
  it.each([
    [
      "SELECT pg_sleep(30), 'card 4111' AS secret, 31337 AS pin",
      "SELECT pg_sleep(?), ? AS secret, ? AS pin",
    ],
    ["ALTER ROLE app PASSWORD'Hunter2-Secret'", "ALTER ROLE app PASSWORD …"],
    [
      "CREATE USER deploy WITH LOGIN PASSWORD 'x' VALID UNTIL 'y'",
      "CREATE USER deploy WITH LOGIN PASSWORD …",
    ],
    ["SELECT /* a /* b */ c */ 1", "SELECT ?"],
    ["SELECT E'a\\'b', x", "SELECT ?, x"],
    ["SELECT U&'d\\', x", "SELECT ?, x"],
    ["SELECT 'it''s', \"Col\"\"x\" FROM t", 'SELECT ?, "Col""x" FROM t'],
    ["SELECT * FROM t WHERE a = $1", "SELECT * FROM t WHERE a = $1"],
    ["SELECT $tag$ body $tag$, 1.5e-3", "SELECT ?, ?"],
    ["SELECT ключ FROM таблица WHERE x = 'я'", "SELECT ключ FROM таблица WHERE x = ?"],
    ["SELECT  a\n\t-- note\n FROM t", "SELECT a FROM t"],
  ])("%j → %j", (sql, shown) => {
    expect(normalizeSql(sql)).toBe(shown);
  });

  it("shows only the first keywords when the server's setting decides where a string ends", () => {
    // standard_conforming_strings on: 'C:\' ends at the quote; off: it runs on.
    expect(normalizeSql("SELECT 'C:\\' AS dir, 'hunter2' AS pw")).toBe("SELECT …");
    expect(normalizeSql("UPDATE t SET p = 'x\\', q = 'hunter2'")).toBe("UPDATE t …");
  });

  it("reads a backslash that means the same either way", () => {
    // Inside E'' a backslash escapes whatever the setting; a \\ before a plain string's end too.
    expect(normalizeSql("SELECT E'C:\\\\', 'x'")).toBe("SELECT ?, ?");
    expect(normalizeSql("SELECT 'a\\\\'")).toBe("SELECT ?");
  });
});
