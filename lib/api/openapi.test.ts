import SwaggerParser from "@apidevtools/swagger-parser";
import { describe, expect, it } from "vitest";
import { API_OPERATIONS, openApiDocument } from "./openapi";

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const doc = openApiDocument("https://herald.example");
    // validate() checks the document against the OpenAPI 3.1 schema and resolves every $ref; it throws on a problem.
    const checked = (await SwaggerParser.validate(structuredClone(doc) as never)) as unknown as { openapi: string };
    expect(checked.openapi).toBe("3.1.0");
  });

  it("has one operation per documented route, with unique operation ids, and a body schema where the route reads one", () => {
    const doc = openApiDocument("https://herald.example") as { paths: Record<string, Record<string, { operationId: string; requestBody?: unknown }>> };
    const operations = Object.values(doc.paths).flatMap((p) => Object.values(p));
    expect(operations).toHaveLength(API_OPERATIONS.length);
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(operations.length);
    for (const op of API_OPERATIONS) {
      expect(Boolean(doc.paths[op.path]![op.method.toLowerCase()]!.requestBody)).toBe(Boolean(op.body));
    }
  });
});
