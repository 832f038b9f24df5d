import type { Redis } from "ioredis";
import { errorMessage, type ComponentCheck } from "../status.js";

export interface RedisCheck extends ComponentCheck {
  usedMemoryBytes?: number;
}

export async function checkRedis(redis: Redis | undefined): Promise<RedisCheck> {
  if (redis === undefined) return { status: "not_configured" };
  const started = performance.now();
  try {
    await redis.ping();
    const latencyMs = Math.round(performance.now() - started);
    const info = await redis.info("memory");
    const match = /^used_memory:(\d+)/m.exec(info);
    return {
      status: "ok",
      latencyMs,
      ...(match?.[1] ? { usedMemoryBytes: Number(match[1]) } : {}),
    };
  } catch (error) {
    return { status: "down", error: errorMessage(error) };
  }
}
