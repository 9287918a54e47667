// The doctor's findings: one line per check (ok, warning, problem, skipped), printed in plain words with the fix.

export type CheckStatus = "ok" | "warn" | "fail" | "skip";

export interface Finding {
  readonly area: string;
  readonly status: CheckStatus;
  /** One sentence: what was checked and what was found. */
  readonly message: string;
  /** How to fix it, for warnings and problems. */
  readonly fix?: string;
}

export class DoctorReport {
  readonly findings: Finding[] = [];

  constructor(private readonly area: string) {}

  ok(message: string): void {
    this.findings.push({ area: this.area, status: "ok", message });
  }
  warn(message: string, fix?: string): void {
    this.findings.push({ area: this.area, status: "warn", message, ...(fix === undefined ? {} : { fix }) });
  }
  fail(message: string, fix?: string): void {
    this.findings.push({ area: this.area, status: "fail", message, ...(fix === undefined ? {} : { fix }) });
  }
  skip(message: string): void {
    this.findings.push({ area: this.area, status: "skip", message });
  }
}

const MARKS: Readonly<Record<CheckStatus, { plain: string; color: string }>> = {
  ok: { plain: "ok  ", color: "\u001b[32m✓\u001b[0m" },
  warn: { plain: "warn", color: "\u001b[33m!\u001b[0m" },
  fail: { plain: "FAIL", color: "\u001b[31m✗\u001b[0m" },
  skip: { plain: "-   ", color: "\u001b[2m-\u001b[0m" },
};

/** The report as text: findings grouped by area, then a one-line verdict. */
export function formatFindings(findings: readonly Finding[], options: { color: boolean }): string {
  const lines: string[] = [];
  let area = "";
  for (const finding of findings) {
    if (finding.area !== area) {
      area = finding.area;
      lines.push(options.color ? `\u001b[1m${area}\u001b[0m` : area);
    }
    const mark = options.color ? MARKS[finding.status].color : MARKS[finding.status].plain;
    lines.push(`  ${mark} ${finding.message}`);
    if (finding.fix !== undefined) lines.push(`      fix: ${finding.fix}`);
  }
  const problems = findings.filter((f) => f.status === "fail").length;
  const warnings = findings.filter((f) => f.status === "warn").length;
  lines.push(
    "",
    problems === 0
      ? `All needed checks passed${warnings > 0 ? ` (${warnings} warning${warnings === 1 ? "" : "s"})` : ""}.`
      : `${problems} problem${problems === 1 ? "" : "s"}${warnings > 0 ? `, ${warnings} warning${warnings === 1 ? "" : "s"}` : ""}: Baton will not work until ${problems === 1 ? "it is" : "they are"} fixed.`,
  );
  return `${lines.join("\n")}\n`;
}
