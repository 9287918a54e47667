// `npm run doctor`: checks a deployment end to end and says in plain words what is wrong and how to fix it.

import { loadRoster } from "../config/agents-file.js";
import { buildRosterWorkflows } from "../app/roster-workflows.js";
import type { Settings } from "../config/env.js";
import { whenConfigured } from "../config/configured.js";
import { DemoChatClient } from "../llm/demo-chat-client.js";
import { checkDatabase } from "./database-checks.js";
import { checkDiscord } from "./discord-checks.js";
import { checkModel } from "./model-checks.js";
import { checkModeration } from "./moderation-checks.js";
import { DoctorReport, formatFindings, type Finding } from "./report.js";
import { checkSlack } from "./slack-checks.js";

export interface DoctorResult {
  readonly findings: readonly Finding[];
  /** 0 only when every needed check passed (warnings allowed). */
  readonly exitCode: 0 | 1;
  readonly text: string;
}

export async function runDoctor(settings: Settings, options: { readonly color?: boolean; readonly migrationsDir?: string } = {}): Promise<DoctorResult> {
  const reports: DoctorReport[] = [checkAgentsFile(settings.agentsFile)];
  const platforms = new DoctorReport("Platforms");
  reports.push(platforms);
  const discord = platformSettings(platforms, () => whenConfigured(settings.discord));
  const slack = platformSettings(platforms, () => whenConfigured(settings.slack));
  if (discord === undefined && slack === undefined && platforms.findings.length === 0) {
    platforms.warn("neither Discord nor Slack is configured: npm start runs the console chat", "set DISCORD_TOKEN or SLACK_BOT_TOKEN (README: Set it up for your class)");
  }
  // The network checks run side by side: a machine with no network should not wait for each timeout in turn.
  const network = await Promise.all([
    checkModel(settings.llm),
    checkModeration(settings.safety.moderation),
    discord === undefined ? undefined : checkDiscord(discord),
    slack === undefined ? undefined : checkSlack(slack),
  ]);
  reports.push(...network.filter((r): r is DoctorReport => r !== undefined));
  reports.push(checkDatabase(settings.databasePath, options.migrationsDir));
  const findings = reports.flatMap((r) => r.findings);
  return {
    findings,
    exitCode: findings.some((f) => f.status === "fail") ? 1 : 0,
    text: formatFindings(findings, { color: options.color ?? false }),
  };
}

function checkAgentsFile(path: string): DoctorReport {
  const report = new DoctorReport("Agents file");
  try {
    const roster = loadRoster(path);
    buildRosterWorkflows(roster, new DemoChatClient(), path);
    const channels = Object.keys(roster.channels).length;
    report.ok(`${path}: ${roster.agents.length} agents, starting with ${roster.start}${channels === 0 ? "" : `; ${channels} channel override${channels === 1 ? "" : "s"}`}`);
  } catch (error) {
    report.fail(error instanceof Error ? error.message : String(error));
  }
  return report;
}

function platformSettings<T>(report: DoctorReport, read: () => T | undefined): T | undefined {
  try {
    return read();
  } catch (error) {
    report.fail(error instanceof Error ? error.message : String(error));
    return undefined;
  }
}
