// Which build of the bot a smoke test starts, from SMOKE_BOT: "source" (default: tsx on
// src/main.ts, on the Node running the tests), "dist" (`node dist/main.js` after
// `npm run build`), or "docker:<image>" (the image, on the host's network so that it
// reaches the fake Bot API, PostgreSQL and the test on 127.0.0.1).
import { SOURCE_COMMAND } from "../kit/spawn-bot.js";

export function botCommand(env: Record<string, string>): string[] {
  const target = process.env.SMOKE_BOT ?? "source";
  if (target === "source") return SOURCE_COMMAND;
  if (target === "dist") return [process.execPath, "dist/main.js"];
  const image = /^docker:(.+)$/.exec(target)?.[1];
  if (image === undefined) throw new Error(`SMOKE_BOT: unknown target ${target}`);
  // `-e NAME` without a value passes the variable on from the docker client's environment.
  const passed = Object.keys(env).flatMap((name) => ["-e", name]);
  return ["docker", "run", "--rm", "--init", "--network", "host", ...passed, image];
}
