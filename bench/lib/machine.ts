// What the figures were measured on: printed with every run, since they mean little without it.

import { cpus, loadavg, release, totalmem, type as osType } from "node:os";

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** 1-minute load average when the run started and ended: other work on the machine skews figures. */
  readonly loadAtStart: number;
  loadAtEnd?: number;
}

export function describeMachine(): MachineInfo {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? "unknown",
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${osType()} ${release()}`,
    node: process.version,
    loadAtStart: loadavg()[0] ?? 0,
  };
}

export function currentLoad(): number {
  return loadavg()[0] ?? 0;
}
