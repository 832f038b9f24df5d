// Given to node with --import: any import of pg or ioredis throws, so a process that runs
// under it proves it never loads them (the sentinel's mode).
import { register } from "node:module";

const hook = `
export async function resolve(specifier, context, next) {
  if (/^(pg|pg-pool|ioredis)(\\/|$)/.test(specifier)) {
    throw new Error("this process must not load " + specifier);
  }
  return next(specifier, context);
}`;

register(`data:text/javascript,${encodeURIComponent(hook)}`);
