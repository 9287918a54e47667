// The layout's rules (DESIGN.md, issue 10 §5): only src/config/ reads the environment; config/ parses and builds nothing.

import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config/env.js";

const root = resolve(import.meta.dirname, "../..");
const src = join(root, "src");
const config = join(src, "config");
/** The one module of the engine config/ may take values from: the error classes (a leaf that imports nothing). */
const ERRORS = join(src, "workflow", "errors.ts");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

interface ModuleImport {
  readonly specifier: string;
  /** Only types cross: `import type`, every named binding `type`, or `export type … from`. */
  readonly typeOnly: boolean;
  readonly names: readonly string[];
  readonly line: number;
}

interface ScannedFile {
  readonly imports: readonly ModuleImport[];
  /** Lines where the raw environment is read: `process.env`, `process["env"]`, `{ env } = process`. */
  readonly environmentReads: readonly number[];
  /** Lines of `new <name>(…)`, by constructor name. */
  readonly constructions: ReadonlyMap<string, readonly number[]>;
}

/** Parses a file with the TypeScript compiler (comments and strings cannot fool it). */
function scan(text: string, fileName = "file.ts"): ScannedFile {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const line = (node: ts.Node) => file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
  const imports: ModuleImport[] = [];
  const environmentReads: number[] = [];
  const constructions = new Map<string, number[]>();
  const isProcess = (node: ts.Node) => ts.isIdentifier(node) && node.text === "process";
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : [];
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly || (clause.name === undefined && clause.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings) && named.length > 0 && named.every((e) => e.isTypeOnly)));
      const names = named.map((e) => (e.propertyName ?? e.name).text);
      imports.push({ specifier: node.moduleSpecifier.text, typeOnly, names, line: line(node) });
      if (/^(node:)?process$/.test(node.moduleSpecifier.text) && names.includes("env")) environmentReads.push(line(node));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      const names = node.exportClause !== undefined && ts.isNamedExports(node.exportClause) ? node.exportClause.elements.map((e) => (e.propertyName ?? e.name).text) : [];
      imports.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly, names, line: line(node) });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] !== undefined && ts.isStringLiteral(node.arguments[0])) {
      imports.push({ specifier: node.arguments[0].text, typeOnly: false, names: [], line: line(node) });
    } else if (ts.isPropertyAccessExpression(node) && isProcess(node.expression) && node.name.text === "env") {
      environmentReads.push(line(node));
    } else if (ts.isElementAccessExpression(node) && isProcess(node.expression) && ts.isStringLiteral(node.argumentExpression) && node.argumentExpression.text === "env") {
      environmentReads.push(line(node));
    } else if (ts.isVariableDeclaration(node) && node.initializer !== undefined && isProcess(node.initializer) && ts.isObjectBindingPattern(node.name)) {
      if (node.name.elements.some((e) => ((e.propertyName ?? e.name) as ts.Identifier).text === "env")) environmentReads.push(line(node));
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
      constructions.set(node.expression.text, [...(constructions.get(node.expression.text) ?? []), line(node)]);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { imports, environmentReads, constructions };
}

/** The file a relative specifier names (`../x.js` → `../x.ts`); undefined for packages and node: builtins. */
function resolved(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  return resolve(from, "..", specifier).replace(/\.js$/, ".ts");
}

const inside = (dir: string, path: string) => path === dir || path.startsWith(dir + sep);
const files = sourceFiles(src).map((path) => ({ path, name: relative(root, path), scanned: scan(readFileSync(path, "utf8"), path) }));

describe("the scanner", () => {
  // The rules below pass on an empty scan too: these show that it sees what they forbid.
  it("sees every way of reading the environment, and no mention in a comment or a string", () => {
    const reads = scan(['const a = process.env.X;', 'const b = process["env"];', "const { env } = process;", 'import { env } from "node:process";', '// process.env', 'const s = "process.env";'].join("\n"));
    expect([...reads.environmentReads].sort()).toEqual([1, 2, 3, 4]);
  });

  it("tells type-only imports from value imports, dynamic imports included", () => {
    const { imports } = scan(
      ['import type { A } from "./a.js";', 'import { type B } from "./b.js";', 'import { C, type D } from "./c.js";', 'export { E } from "./e.js";', 'const f = await import("./f.js");'].join("\n"),
    );
    expect(imports.map((i) => [i.specifier, i.typeOnly])).toEqual([
      ["./a.js", true],
      ["./b.js", true],
      ["./c.js", false],
      ["./e.js", false],
      ["./f.js", false],
    ]);
  });

  it("sees the source tree", () => {
    expect(files.some((f) => f.name === join("src", "config", "env.ts"))).toBe(true);
    expect(files.some((f) => inside(join(src, "app"), f.path))).toBe(true);
    // env.ts reads the environment: the scan finds it where it is allowed.
    expect(files.find((f) => f.name === join("src", "config", "env.ts"))!.scanned.environmentReads.length).toBeGreaterThan(0);
  });
});

describe("the environment is read in src/config/ only", () => {
  it("no file outside src/config/ reads process.env", () => {
    const reads = files.filter((f) => !inside(config, f.path)).flatMap((f) => f.scanned.environmentReads.map((line) => `${f.name}:${line}`));
    expect(reads).toEqual([]);
  });

  it("no file outside src/config/ imports the raw variables (Env, SafetyEnv, …)", () => {
    const raw = files
      .filter((f) => !inside(config, f.path))
      .flatMap((f) =>
        f.scanned.imports
          .filter((i) => {
            const target = resolved(f.path, i.specifier);
            return target !== undefined && inside(config, target) && i.names.some((name) => /Env$/.test(name));
          })
          .map((i) => `${f.name}:${i.line}: ${i.names.join(", ")} from ${i.specifier}`),
      );
    expect(raw).toEqual([]);
  });

  it("the settings carry no raw environment, only typed sections", () => {
    const settings = loadSettings({}, { dotenvPath: "/nonexistent" });
    expect(Object.keys(settings)).not.toContain("env");
    expect(JSON.stringify(settings)).not.toContain("BATON_DB");
  });
});

describe("src/config/ parses and validates only", () => {
  it("takes only types from the rest of src/ (values from its own files, packages, node: and the error classes)", () => {
    const inward = files
      .filter((f) => inside(config, f.path))
      .flatMap((f) =>
        f.scanned.imports
          .filter((i) => {
            const target = resolved(f.path, i.specifier);
            return target !== undefined && !inside(config, target) && target !== ERRORS && !i.typeOnly;
          })
          .map((i) => `${f.name}:${i.line}: ${i.specifier}`),
      );
    expect(inward).toEqual([]);
  });

  it("the error classes it may use import nothing (so no engine or bot code comes with them)", () => {
    expect(files.find((f) => f.path === ERRORS)!.scanned.imports).toEqual([]);
  });
});

describe("src/app/ is the composition root", () => {
  it("the service and the workflow builder are put together in src/app/ only (the library's own builder API aside)", () => {
    const composed = files
      .filter((f) => !inside(join(src, "app"), f.path))
      .flatMap((f) => ["ConversationService", "ChatClientAgent", "HumanParticipant"].flatMap((name) => (f.scanned.constructions.get(name) ?? []).map((line) => `${f.name}:${line}: new ${name}`)));
    expect(composed).toEqual([]);
  });
});
