/**
 * `npm run vectors`: writes lib/delivery/signature-test-vectors.json from the signing code (lib/delivery/sign.ts), the
 * file served at GET /api/v1/signature-test-vectors.json. `npm run vectors -- --check` only compares and exits 1 when
 * the committed file differs (the unit test lib/delivery/signature-test-vectors.test.ts checks the same).
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { signatureTestVectorsText } from "../lib/delivery/signature-test-vectors";

const file = path.join(path.dirname(new URL(import.meta.url).pathname), "..", "lib", "delivery", "signature-test-vectors.json");
const text = signatureTestVectorsText();
if (process.argv.includes("--check")) {
  const same = readFileSync(file, "utf8") === text;
  console.log(same ? "signature test vectors: up to date" : "signature test vectors: the committed file differs; run npm run vectors");
  process.exitCode = same ? 0 : 1;
} else {
  writeFileSync(file, text);
  console.log(`wrote ${path.relative(process.cwd(), file)} (${Buffer.byteLength(text)} bytes)`);
}
