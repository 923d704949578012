import SwaggerParser from "@apidevtools/swagger-parser";
import { describe, expect, it } from "vitest";
import { PLATFORM_OPERATIONS, platformOpenApiDocument } from "./openapi";

describe("the platform API's OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const doc = platformOpenApiDocument("https://herald.example");
    // validate() checks the document against the OpenAPI 3.1 schema and resolves every $ref; it throws on a problem.
    const checked = (await SwaggerParser.validate(structuredClone(doc) as never)) as unknown as { openapi: string };
    expect(checked.openapi).toBe("3.1.0");
  });

  it("has one operation per documented route, unique operation ids, a body schema where the route reads one, and the platform key as its security", () => {
    const doc = platformOpenApiDocument("https://herald.example") as {
      paths: Record<string, Record<string, { operationId: string; requestBody?: unknown; responses: Record<string, unknown> }>>;
      components: { securitySchemes: Record<string, { description: string }> };
    };
    const operations = Object.values(doc.paths).flatMap((p) => Object.values(p));
    expect(operations).toHaveLength(PLATFORM_OPERATIONS.length);
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(operations.length);
    for (const op of PLATFORM_OPERATIONS) {
      const documented = doc.paths[op.path]![op.method.toLowerCase()]!;
      expect(Boolean(documented.requestBody)).toBe(Boolean(op.body));
      expect(Object.keys(documented.responses)).toContain("401");
      expect(op.path.startsWith("/api/platform/v1/")).toBe(true);
    }
    expect(doc.components.securitySchemes.platformKey!.description).toContain("hk_platform_");
  });
});
