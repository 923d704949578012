import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/**
 * A prefixed, URL-safe random id such as `org_3k9f...`: the prefix says what the id points at when it shows up in
 * a URL, a log line or a support ticket. 20 characters of base36 carry about 103 bits of randomness.
 */
export function newId(prefix: string, length = 20): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 252 is the largest multiple of 36 below 256: larger bytes are skipped so every character is equally likely.
      if (byte < 252 && out.length < length) out += ALPHABET[byte % ALPHABET.length];
    }
  }
  return `${prefix}_${out}`;
}
