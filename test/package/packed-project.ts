// Packs Baton with `npm pack` and installs the tarball into a new project from the local npm cache, with no network.

import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const REPO = new URL("../../", import.meta.url).pathname;

interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly dev?: boolean;
  readonly [field: string]: unknown;
}

interface Lockfile {
  readonly packages: Readonly<Record<string, LockEntry>>;
}

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly peerDependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
  readonly engines?: Readonly<Record<string, string>>;
}

export interface PackedFile {
  readonly path: string;
}

/** `npm pack` into `destination` (prepack builds dist/ first); the tarball's path and the files it holds. */
export async function packBaton(destination: string): Promise<{ tarball: string; files: string[] }> {
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", destination], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 });
  // prepack's own output (the build) comes before npm's JSON.
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf("[\n"))) as Array<{ filename: string; files: PackedFile[] }>;
  if (packed === undefined) throw new Error(`npm pack printed no result: ${stdout}`);
  return { tarball: join(destination, packed.filename), files: packed.files.map((file) => file.path) };
}

/**
 * A project that depends on the tarball and on `openai` (the peer dependency), with `@types/node` for `tsc`.
 *
 * Its lockfile pins every package to the version in Baton's own package-lock.json, so `npm ci --offline` installs
 * them from the npm cache that Baton's own `npm ci` filled: without a lockfile npm would need the registry's package
 * lists (which `npm ci` never caches) to choose versions. The tree is the one npm builds for Baton's production
 * dependencies, hoisted the same way, with Baton itself at node_modules/baton.
 */
export function writeProject(dir: string, tarball: string): void {
  const manifest = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as PackageJson;
  const lock = JSON.parse(readFileSync(join(REPO, "package-lock.json"), "utf8")) as Lockfile;
  const spec = `file:${tarball}`;
  const dependencies = { baton: spec, openai: manifest.peerDependencies.openai! };
  const devDependencies = { "@types/node": manifest.devDependencies["@types/node"]! };
  const packages: Record<string, LockEntry> = {
    "": { name: "pasted-example", version: "1.0.0", dependencies, devDependencies },
  };
  const typesForTsc = new Set(["node_modules/@types/node", "node_modules/undici-types"]);
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === "") continue;
    if (entry.dev === true && !typesForTsc.has(path)) continue;
    const { dev: _dev, ...rest } = entry;
    const pinned = { ...rest, resolved: entry.resolved ?? tarballUrl(path, entry) };
    packages[path] = typesForTsc.has(path) ? { ...pinned, dev: true } : pinned;
  }
  const { devDependencies: _dev, ...published } = manifest;
  packages["node_modules/baton"] = {
    version: manifest.version,
    resolved: spec,
    dependencies: published.dependencies,
    peerDependencies: published.peerDependencies,
    ...(published.engines === undefined ? {} : { engines: published.engines }),
  };
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "pasted-example", version: "1.0.0", private: true, type: "module", dependencies, devDependencies }, null, 2),
  );
  writeFileSync(join(dir, "package-lock.json"), JSON.stringify({ name: "pasted-example", version: "1.0.0", lockfileVersion: 3, requires: true, packages }, null, 2));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        types: ["node"],
        outDir: "out",
        rootDir: ".",
        skipLibCheck: false,
      },
      include: ["*.ts"],
    }, null, 2),
  );
}

/**
 * The registry tarball of a lock entry. Baton's lock leaves `resolved` out, so npm looks each package up in its
 * metadata document first; with the URL and the integrity, the tarball comes straight from the cache's content store,
 * whether or not the metadata document was ever cached.
 */
function tarballUrl(path: string, entry: LockEntry): string {
  const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
  const base = name.slice(name.lastIndexOf("/") + 1);
  return `https://registry.npmjs.org/${name}/-/${base}-${entry.version ?? ""}.tgz`;
}

/**
 * `npm ci --offline`: every package from the cache, none from the network. Install scripts are skipped: the only one
 * that matters, better-sqlite3's, compiles SQLite from source (minutes; the repo's own install already proves it),
 * so `linkNativeSqlite` puts the repo's compiled binding in place instead.
 */
export async function installOffline(dir: string): Promise<void> {
  await run("npm", ["ci", "--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
}

/** The repo's better-sqlite3 binding, for the same better-sqlite3 version on the same machine. */
export function linkNativeSqlite(dir: string): void {
  const binding = "node_modules/better-sqlite3/build/Release/better_sqlite3.node";
  mkdirSync(dirname(join(dir, binding)), { recursive: true });
  copyFileSync(join(REPO, binding), join(dir, binding));
}

/** The repository's TypeScript compiler, run on the project's tsconfig.json (the project has no compiler of its own). */
export async function compile(dir: string): Promise<void> {
  try {
    await run(process.execPath, [join(REPO, "node_modules/typescript/bin/tsc"), "-p", dir], { cwd: dir });
  } catch (error) {
    const { stdout } = error as { stdout?: string };
    throw new Error(`tsc failed in the new project:\n${stdout ?? String(error)}`);
  }
}

/** The first fenced block of `lang` in a Markdown file: the docs' example exactly as a reader would paste it. */
export function firstCodeBlock(markdownPath: string, lang: string): string {
  const markdown = readFileSync(markdownPath, "utf8");
  const match = new RegExp("```" + lang + "\\n([\\s\\S]*?)\\n```").exec(markdown);
  if (match?.[1] === undefined) throw new Error(`no \`\`\`${lang} block in ${markdownPath}`);
  return `${match[1]}\n`;
}

/** The project's 20,000 files: coreutils' rm is several times faster at them than fs.rmSync. */
export async function removeTree(dir: string): Promise<void> {
  if (process.platform === "win32") rmSync(dir, { recursive: true, force: true });
  else await run("rm", ["-rf", dir]);
}

export async function runNode(dir: string, script: string, env: Readonly<Record<string, string>>): Promise<string> {
  const { stdout } = await run(process.execPath, [script], { cwd: dir, env: { PATH: process.env.PATH ?? "", ...env } });
  return stdout;
}
