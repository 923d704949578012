/**
 * Part of `npm run lint`: fails when the product's modules import each other in a circle (static and dynamic
 * imports; `import type` is left out, as it vanishes at run time), and when product code imports the test kit.
 * A circle makes start-up order matter and hides which room owns what; the layout in the README says which way the
 * arrows point (pages -> lib -> db; billing may call delivery, never the reverse).
 *
 * Usage: tsx scripts/check-imports.ts        prints every circle with its files and exits 1 if there is one.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
/** Product folders: tests, e2e specs and scripts may import anything and are not part of the graph. */
const PRODUCT = ["app", "components", "db", "inngest", "lib"];
const TOP_FILES = ["instrumentation.ts", "proxy.ts"];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== "migrations") out.push(...sourceFiles(full));
    } else if (/\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith(".d.ts")) {
      out.push(full);
    }
  }
  return out;
}

function resolveSpecifier(from: string, spec: string): string | undefined {
  let base: string;
  if (spec.startsWith("@/")) base = path.join(ROOT, spec.slice(2));
  else if (spec.startsWith(".")) base = path.resolve(path.dirname(from), spec);
  else return undefined;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Run-time imports of a file: static imports and re-exports that bring a value, and dynamic `import()`. */
export function runtimeSpecifiers(source: string): string[] {
  const specs: string[] = [];
  const staticImport = /^\s*(import|export)\s+(type\s+)?([^"';]*?)\s*from\s*["']([^"']+)["']/gm;
  for (const m of source.matchAll(staticImport)) {
    if (m[2]) continue;
    const clause = m[3] ?? "";
    const braces = clause.match(/\{([^}]*)\}/);
    const outside = clause.replace(/\{[^}]*\}/, "").replace(/,/g, "").trim();
    const members = braces?.[1]?.split(",").map((s) => s.trim()).filter(Boolean) ?? [];
    if (!outside && members.length > 0 && members.every((s) => s.startsWith("type "))) continue;
    specs.push(m[4] as string);
  }
  for (const m of source.matchAll(/^\s*import\s+["']([^"']+)["']/gm)) specs.push(m[1] as string);
  for (const m of source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) specs.push(m[1] as string);
  return specs;
}

/** Strongly connected components of more than one file (Tarjan), i.e. the import circles. */
export function findCircles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const circles: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, indices.get(w) as number));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) circles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return circles;
}

function main(): void {
  const files = [
    ...PRODUCT.flatMap((dir) => sourceFiles(path.join(ROOT, dir))),
    ...TOP_FILES.map((f) => path.join(ROOT, f)).filter((f) => existsSync(f)),
  ];
  const graph = new Map<string, string[]>();
  const problems: string[] = [];
  for (const file of files) {
    const targets: string[] = [];
    for (const spec of runtimeSpecifiers(readFileSync(file, "utf8"))) {
      const target = resolveSpecifier(file, spec);
      if (!target) continue;
      const rel = path.relative(ROOT, target);
      if (rel.startsWith("testing/") || rel.startsWith("e2e/") || rel.startsWith("scripts/")) {
        problems.push(`${path.relative(ROOT, file)} imports ${rel}: product code never imports tests, scripts or the test kit`);
      }
      if (files.includes(target)) targets.push(target);
    }
    graph.set(file, targets);
  }
  for (const circle of findCircles(graph)) {
    problems.push(`import circle: ${circle.map((f) => path.relative(ROOT, f)).join(" <-> ")}`);
  }
  if (problems.length > 0) {
    for (const p of problems) console.error(p);
    process.exit(1);
  }
  console.log(`imports: ${files.length} product files, no circle`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) main();
