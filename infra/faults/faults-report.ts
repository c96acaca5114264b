// The Markdown summary of a faults run (docs/faults/faults.md).
import type { MachineReport, VersionsReport } from '../bench/harness/machine.js';
import type { DrillResult } from './drills/drill.js';

export interface FaultsReport {
  startedAt: string;
  profile: string;
  machine: MachineReport;
  versions: VersionsReport;
  drills: DrillResult[];
}

export function faultsMarkdown(r: FaultsReport): string {
  const [l1, l5, l15] = r.machine.loadAverageAtStart;
  const sections = r.drills.map(
    (d) => `## ${d.pass ? 'PASS' : 'FAIL'} — ${d.drill} (${d.seconds} s)

Rule: ${d.rule}.

| count | value |
|---|---|
${Object.entries(d.counts)
  .map(([key, value]) => `| ${key} | ${String(value) || '—'} |`)
  .join('\n')}
`,
  );
  return `# Fault drills (${r.profile})

${r.startedAt} · ${r.machine.nproc} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB · load average at start
${l1} / ${l5} / ${l15} · Node ${r.versions.node}, PostgreSQL ${r.versions.postgres}, Kafka ${r.versions.kafka}.
Private PostgreSQL and Kafka (own ports and data dir), one and two as child processes, the stub
third party counting calls per Idempotency-Key. Reproduce: \`make faults\` (or \`make faults-quick\`).

| drill | result |
|---|---|
${r.drills.map((d) => `| ${d.drill} | ${d.pass ? 'PASS' : '**FAIL**'} |`).join('\n')}

${sections.join('\n')}`;
}
