// Reads the process environment (and ./.env) once, validates it with zod, and returns typed settings.

import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { z } from "zod";
import type { ServiceLimits } from "../bot/conversation-service.js";
import type { LlmSettings } from "../llm/create-chat-client.js";
import type { AttachmentLimits } from "../bot/attachments/types.js";
import type { DiscordSettings } from "../platforms/discord/settings.js";
import type { SlackSettings } from "../platforms/slack/settings.js";
import { UserError } from "../workflow/errors.js";
import { colourChoice, type ColourChoice } from "./colour-output.js";
import { configuredPart, type Configured } from "./configured.js";
import { consoleSettings, type ConsoleSettings } from "./console-settings.js";
import { discordSettings, slackSettings } from "./platform-settings.js";
import { safetySettings, type SafetySettings } from "./safety-settings.js";

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();
const list = optionalText.transform((v) => (v === undefined ? [] : v.split(",").map((s) => s.trim()).filter((s) => s !== "")));
const wholeNumber = (min: number, max?: number) => {
  const base = z.coerce
    .number({ error: "must be a whole number" })
    .int({ error: "must be a whole number" })
    .min(min, { error: `must be at least ${min}` });
  return max === undefined ? base : base.max(max, { error: `must be at most ${max}` });
};
const int = (fallback: number, min = 0) => wholeNumber(min).default(fallback);
/** A URL with its scheme: "localhost:11434/v1" would otherwise parse as a URL whose scheme is "localhost". */
const httpUrl = optionalText.pipe(z.url({ protocol: /^https?$/, error: "must be a URL starting with http:// or https://" }).optional());
const port = (fallback: number) =>
  z.coerce.number({ error: "must be a port number from 0 to 65535" }).int({ error: "must be a port number from 0 to 65535" }).min(0, { error: "must be a port number from 0 to 65535" }).max(65_535, { error: "must be a port number from 0 to 65535" }).default(fallback);

const EnvSchema = z.object({
  BATON_DB: optionalText.default("./data/baton.db"),
  BATON_AGENTS: optionalText.default("./agents.yaml"),
  LOG_FORMAT: optionalText.pipe(z.enum(["pretty", "json"], { error: "must be pretty or json" }).optional()),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { error: "must be one of fatal, error, warn, info, debug, trace, silent" }).default("info"),

  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: httpUrl,
  OPENAI_MODEL: optionalText.default("gpt-4o-mini"),
  AZURE_OPENAI_ENDPOINT: httpUrl,
  AZURE_OPENAI_DEPLOYMENT_NAME: optionalText.default("gpt-4o-mini"),
  AZURE_OPENAI_API_KEY: optionalText,
  AZURE_OPENAI_API_VERSION: optionalText.default("2024-10-21"),
  LLM_MAX_RETRIES: int(2),
  LLM_TIMEOUT_MS: int(60_000, 1),

  BATON_MAX_INPUT_CHARS: int(4_000, 1),
  BATON_HISTORY_MESSAGES: int(40, 1),
  BATON_HISTORY_TOKENS: int(6_000, 1),
  BATON_RATE_LIMIT_PER_MINUTE: int(10, 0),
  RETENTION_DAYS: optionalText.pipe(z.coerce.number<string | undefined>().int().min(1).optional()),

  BATON_MAX_ATTACHMENTS: int(4, 0),
  BATON_MAX_ATTACHMENT_MB: z.coerce.number({ error: "must be a number of megabytes" }).positive({ error: "must be more than 0" }).max(100, { error: "must be at most 100" }).default(10),
  BATON_MAX_ATTACHMENT_CHARS: int(20_000, 1),
  BATON_VISION: optionalText.pipe(z.enum(["on", "off"], { error: "must be on or off" }).optional()),
  BATON_HISTORY_IMAGES: int(4, 0),
  BATON_IMAGE_DETAIL: optionalText.pipe(z.enum(["auto", "low", "high"], { error: "must be auto, low or high" }).optional()),

  BATON_MODERATION: optionalText.pipe(z.enum(["openai", "off"]).optional()),
  BATON_MODERATION_API_KEY: optionalText,
  BATON_MODERATION_BASE_URL: httpUrl,
  BATON_DAILY_TOKENS_PER_USER: optionalText.pipe(z.coerce.number<string | undefined>().int().min(1).optional()),
  BATON_DAILY_TOKENS_PER_WORKSPACE: optionalText.pipe(z.coerce.number<string | undefined>().int().min(1).optional()),
  BATON_MODEL_PRICES: optionalText,

  DISCORD_TOKEN: optionalText,
  DISCORD_APPLICATION_ID: optionalText,
  DISCORD_GUILD_ID: optionalText,
  DISCORD_CHANNEL_IDS: list,
  DISCORD_API_URL: httpUrl,
  DISCORD_ALERT_CHANNEL_ID: optionalText,

  SLACK_BOT_TOKEN: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_COMMAND: optionalText.default("homework"),
  SLACK_MODERATOR_IDS: list,
  SLACK_API_URL: httpUrl,
  SLACK_MAX_BODY_BYTES: int(1024 * 1024, 1),
  SLACK_STREAM_REPLIES: optionalText.pipe(z.enum(["on", "off"], { error: "must be on or off" }).optional()),
  SLACK_ALERT_CHANNEL: optionalText,
  PORT: port(3000),
  HOST: optionalText,
  HEALTH_PORT: optionalText.pipe(z.coerce.number<string | undefined>({ error: "must be a port number from 0 to 65535" }).int({ error: "must be a port number from 0 to 65535" }).min(0, { error: "must be a port number from 0 to 65535" }).max(65_535, { error: "must be a port number from 0 to 65535" }).optional()),

  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl,
  BATON_TRACE_CONTENT: optionalText.pipe(z.enum(["0", "1"]).optional()),

  ADMIN_PORT: optionalText.pipe(z.coerce.number<string | undefined>({ error: "must be a port number from 0 to 65535" }).int({ error: "must be a port number from 0 to 65535" }).min(0, { error: "must be a port number from 0 to 65535" }).max(65_535, { error: "must be a port number from 0 to 65535" }).optional()),
  ADMIN_HOST: optionalText.default("127.0.0.1"),
  ADMIN_PUBLIC_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  ADMIN_SECRET: optionalText.pipe(z.string().min(32, "use at least 32 characters (e.g. openssl rand -hex 32)").optional()),
  ADMIN_TOKEN: optionalText.pipe(z.string().min(16, "use at least 16 characters").optional()),
});

/** The validated variables: read inside src/config/ only; everything else receives the typed Settings below. */
export type Env = z.infer<typeof EnvSchema>;

/** Every variable Baton reads (docs/configuration.md and .env.example list each one; a test keeps them in step). */
export const ENV_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);


export interface Settings {
  readonly databasePath: string;
  readonly agentsFile: string;
  readonly logLevel: Env["LOG_LEVEL"];
  /** LOG_FORMAT; absent: pretty on a terminal, JSON otherwise (logFormatFor). */
  readonly logFormat: Env["LOG_FORMAT"];
  /** NO_COLOR / FORCE_COLOR, for the console chat, the doctor's report and pretty logs. */
  readonly colour: ColourChoice;
  readonly llm: LlmSettings;
  readonly limits: ServiceLimits;
  readonly safety: SafetySettings;
  /** Students' files: how many, how large, whether images are read, how many stay in the window. */
  readonly attachments: AttachmentLimits;
  /** OpenTelemetry: spans are exported (OTLP over HTTP) only when an endpoint is set. */
  readonly tracing: TracingSettings;
  /** DISCORD_*: off without DISCORD_TOKEN. */
  readonly discord: Configured<DiscordSettings>;
  /** SLACK_*, PORT, HOST: off without SLACK_BOT_TOKEN. */
  readonly slack: Configured<SlackSettings>;
  /** ADMIN_*: the moderators' web console, off without ADMIN_PORT. */
  readonly adminConsole: Configured<ConsoleSettings>;
  /** HEALTH_PORT, HOST: /healthz and /readyz on their own port, off without HEALTH_PORT. */
  readonly health: HealthSettings;
}

export interface HealthSettings {
  readonly port?: number;
  readonly host?: string;
}

export interface TracingSettings {
  /** OTEL_EXPORTER_OTLP_ENDPOINT; the exporter reads the other standard OTEL_* variables itself. */
  readonly otlpEndpoint?: string;
  /** BATON_TRACE_CONTENT=1: message text in spans (personal data; off by default). */
  readonly content: boolean;
}

/** Loads ./.env (or `dotenvPath`) if present, without overriding what the environment already says, then validates. */
export function loadSettings(source: NodeJS.ProcessEnv = process.env, options: { dotenvPath?: string } = {}): Settings {
  const dotenv = options.dotenvPath ?? ".env";
  const before = new Set(Object.keys(source));
  if (existsSync(dotenv) && (source === process.env || options.dotenvPath !== undefined)) {
    // What the environment already says wins over the file, as with process.loadEnvFile.
    for (const [name, value] of Object.entries(parseEnv(readFileSync(dotenv, "utf8")))) if (!before.has(name)) source[name] = value;
  }
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const origin = (name: string) => (before.has(name) ? "from the environment" : `from ${dotenv}`);
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "");
      return `  ${name}=${shownValue(name, source[name])} (${origin(name)}): ${issue.message}`;
    });
    throw new UserError(`Invalid environment:\n${problems.join("\n")}`, { code: "configuration" });
  }
  const env = parsed.data;
  return {
    databasePath: env.BATON_DB,
    agentsFile: env.BATON_AGENTS,
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT,
    colour: colourChoice(source),
    llm: llmSettings(env),
    limits: {
      maxInputChars: env.BATON_MAX_INPUT_CHARS,
      historyMessages: env.BATON_HISTORY_MESSAGES,
      historyTokens: env.BATON_HISTORY_TOKENS,
      rateLimitPerMinute: env.BATON_RATE_LIMIT_PER_MINUTE,
      ...(env.RETENTION_DAYS !== undefined ? { retentionDays: env.RETENTION_DAYS } : {}),
    },
    safety: safetySettings(env),
    attachments: {
      maxPerMessage: env.BATON_MAX_ATTACHMENTS,
      maxBytes: Math.round(env.BATON_MAX_ATTACHMENT_MB * 1024 * 1024),
      maxImageSide: 2048,
      maxTextChars: env.BATON_MAX_ATTACHMENT_CHARS,
      vision: env.BATON_VISION !== "off",
      historyImages: env.BATON_HISTORY_IMAGES,
      imageDetail: env.BATON_IMAGE_DETAIL ?? "auto",
    },
    tracing: {
      ...(env.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined ? { otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
      content: env.BATON_TRACE_CONTENT === "1",
    },
    discord: configuredPart(() => discordSettings(env)),
    slack: configuredPart(() => slackSettings(env)),
    adminConsole: configuredPart(() => consoleSettings(env)),
    health: {
      ...(env.HEALTH_PORT !== undefined ? { port: env.HEALTH_PORT } : {}),
      ...(env.HOST !== undefined ? { host: env.HOST } : {}),
    },
  };
}

/** A bad value is quoted so the operator sees it, except a secret's: that is never printed, even when wrong. */
function shownValue(name: string, value: string | undefined): string {
  if (/TOKEN|KEY|SECRET|PASSWORD/.test(name)) return "(hidden)";
  return JSON.stringify(value ?? "");
}

/** Azure when its endpoint is set; OpenAI (or a compatible server) when a key or base URL is; else the offline demo. */
function llmSettings(env: Env): LlmSettings {
  const retries = { maxRetries: env.LLM_MAX_RETRIES, timeoutMs: env.LLM_TIMEOUT_MS, ...(env.BATON_IMAGE_DETAIL === undefined ? {} : { imageDetail: env.BATON_IMAGE_DETAIL }) };
  if (env.AZURE_OPENAI_ENDPOINT !== undefined) {
    return {
      provider: "azure",
      endpoint: env.AZURE_OPENAI_ENDPOINT,
      deployment: env.AZURE_OPENAI_DEPLOYMENT_NAME,
      apiVersion: env.AZURE_OPENAI_API_VERSION,
      ...(env.AZURE_OPENAI_API_KEY !== undefined ? { apiKey: env.AZURE_OPENAI_API_KEY } : {}),
      ...retries,
    };
  }
  if (env.OPENAI_API_KEY !== undefined || env.OPENAI_BASE_URL !== undefined) {
    return {
      provider: "openai",
      model: env.OPENAI_MODEL,
      ...(env.OPENAI_API_KEY !== undefined ? { apiKey: env.OPENAI_API_KEY } : {}),
      ...(env.OPENAI_BASE_URL !== undefined ? { baseURL: env.OPENAI_BASE_URL } : {}),
      ...retries,
    };
  }
  return { provider: "demo" };
}

/** A one-line description of the model in use, safe to print (no keys). */
export function describeLlm(llm: LlmSettings): string {
  switch (llm.provider) {
    case "openai":
      return `OpenAI-compatible model ${llm.model}${llm.baseURL ? ` at ${llm.baseURL}` : ""}`;
    case "azure":
      return `Azure OpenAI deployment ${llm.deployment} at ${llm.endpoint} (${llm.apiKey ? "API key" : "Microsoft Entra ID"})`;
    case "demo":
      return "offline demo model (no LLM configured: set OPENAI_API_KEY, OPENAI_BASE_URL or AZURE_OPENAI_ENDPOINT)";
  }
}
