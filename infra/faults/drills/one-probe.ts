// What one says about itself, read the way a load balancer and a Prometheus scrape read it.
export interface OneProbe {
  readyzStatus: number;
  kafkaCheck: string | undefined;
  /** one_outbox_backlog and one_outbox_backlog_age_seconds; undefined when not exported. */
  backlog: number | undefined;
  backlogAgeSeconds: number | undefined;
}

export async function probeOne(oneUrl: string): Promise<OneProbe> {
  const readyz = await fetch(`${oneUrl}/readyz`, { signal: AbortSignal.timeout(5_000) }).catch(
    () => undefined,
  );
  const checks = readyz
    ? ((await readyz.json().catch(() => ({}))) as { checks?: { kafka?: string } }).checks
    : undefined;
  const metrics = await metricsText(oneUrl);
  return {
    readyzStatus: readyz?.status ?? 0,
    kafkaCheck: checks?.kafka,
    backlog: sample(metrics, 'one_outbox_backlog'),
    backlogAgeSeconds: sample(metrics, 'one_outbox_backlog_age_seconds'),
  };
}

export async function metricsText(oneUrl: string): Promise<string> {
  const response = await fetch(`${oneUrl}/metrics`, { signal: AbortSignal.timeout(5_000) }).catch(
    () => undefined,
  );
  return response?.ok ? response.text() : '';
}

/** The sum of a metric's series whose labels contain `labels` (e.g. `outcome="applied"`). */
export function sample(text: string, name: string, labels = ''): number | undefined {
  const pattern = new RegExp(`^${name}(\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm');
  let total: number | undefined;
  for (const match of text.matchAll(pattern))
    if ((match[1] ?? '').includes(labels)) total = (total ?? 0) + Number(match[2]);
  return total;
}
