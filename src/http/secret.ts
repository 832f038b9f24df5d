import { createHash, timingSafeEqual } from "node:crypto";

// Hashing first makes the comparison constant-time whatever the lengths.
const digest = (value: string) => createHash("sha256").update(value).digest();

/** A check of a presented secret against the expected one, in constant time. */
export function secretMatcher(secret: string): (given: string | undefined) => boolean {
  const expected = digest(secret);
  return (given) => given !== undefined && timingSafeEqual(digest(given), expected);
}

const BEARER = /^Bearer (.+)$/i;

/** The token of an `Authorization: Bearer <token>` header, if that is what it holds. */
export const bearerToken = (authorization: string | undefined): string | undefined =>
  BEARER.exec(authorization ?? "")?.[1];
