// ADMIN_* variables: the console is off without ADMIN_PORT, needs ADMIN_SECRET, binds 127.0.0.1 by default.

import { expect, it } from "vitest";
import { whenConfigured } from "../../src/config/configured.js";
import { loadSettings } from "../../src/config/env.js";

const SECRET = "s".repeat(32);
const env = (vars: Record<string, string>) => loadSettings(vars, { dotenvPath: "/nonexistent" });
const consoleSettings = (settings: ReturnType<typeof env>) => whenConfigured(settings.adminConsole);

it("is off without ADMIN_PORT", () => {
  expect(consoleSettings(env({ ADMIN_SECRET: SECRET }))).toBeUndefined();
});

it("binds 127.0.0.1 unless ADMIN_HOST says otherwise, and takes the public URL's origin", () => {
  expect(consoleSettings(env({ ADMIN_PORT: "8080", ADMIN_SECRET: SECRET }))).toEqual({ port: 8080, host: "127.0.0.1", secret: SECRET });
  expect(
    consoleSettings(env({ ADMIN_PORT: "0", ADMIN_HOST: "0.0.0.0", ADMIN_SECRET: SECRET, ADMIN_PUBLIC_URL: "https://baton.school.example/", ADMIN_TOKEN: "t".repeat(16) })),
  ).toEqual({ port: 0, host: "0.0.0.0", secret: SECRET, publicUrl: "https://baton.school.example", operatorToken: "t".repeat(16) });
});

it("refuses ADMIN_PORT without ADMIN_SECRET, short secrets and tokens, and a public URL with a path", () => {
  expect(() => consoleSettings(env({ ADMIN_PORT: "8080" }))).toThrow(/ADMIN_SECRET/);
  expect(() => env({ ADMIN_SECRET: "short" })).toThrow(/ADMIN_SECRET/);
  expect(() => env({ ADMIN_TOKEN: "short" })).toThrow(/ADMIN_TOKEN/);
  expect(() => env({ ADMIN_PUBLIC_URL: "ftp://x" })).toThrow(/ADMIN_PUBLIC_URL/);
  expect(() => consoleSettings(env({ ADMIN_PORT: "1", ADMIN_SECRET: SECRET, ADMIN_PUBLIC_URL: "https://x.example/baton" }))).toThrow(/without a path/);
});
