// Module hooks for bench/compiled.mjs: `.js` specifiers of TypeScript sources resolve to the `.ts` file, which is
// transpiled with the project's own compiler options (per file, as `isolatedModules` guarantees tsc would emit it).
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const config = ts.getParsedCommandLineOfConfigFile(`${ROOT}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
if (config === undefined) throw new Error("bench/compiled-hooks.mjs: tsconfig.json could not be read");
// The package is "type": "module": every .ts file is an ES module, as tsc's NodeNext emits it here.
const COMPILER_OPTIONS = { ...config.options, module: ts.ModuleKind.ESNext, noEmit: false, declaration: false, sourceMap: false };

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const relative = specifier.startsWith("./") || specifier.startsWith("../");
    if (error?.code !== "ERR_MODULE_NOT_FOUND" || !relative || !specifier.endsWith(".js")) throw error;
    return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  const source = await readFile(fileName, "utf8");
  const { outputText } = ts.transpileModule(source, { compilerOptions: COMPILER_OPTIONS, fileName });
  return { format: "module", source: outputText, shortCircuit: true };
}
