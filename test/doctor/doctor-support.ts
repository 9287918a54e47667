// Runs the doctor against the fakes: settings built from an environment object, as `npm run doctor` builds them.

import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSettings } from "../../src/config/env.js";
import type { Finding } from "../../src/doctor/report.js";
import { runDoctor, type DoctorResult } from "../../src/doctor/run-doctor.js";

export const GOOD_KEY = "sk-doctor-good-key-123456";

export async function doctor(env: Record<string, string>): Promise<DoctorResult> {
  const dir = mkdtempSync(join(tmpdir(), "baton-doctor-"));
  return runDoctor(loadSettings({ BATON_DB: join(dir, "baton.db"), ...env }));
}

/** The sentences of one area's findings with a given status. */
export function sentences(result: DoctorResult, area: string, status: Finding["status"]): string[] {
  return result.findings.filter((f) => f.area === area && f.status === status).map((f) => f.message);
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
