// The Grafana Explore link that opens one trace (format: observability/README.md, "The Explore URL
// for a trace id"): a TraceQL query that is a bare trace id, on the provisioned `tempo` datasource.

export function exploreUrlForTrace(traceId: string, grafanaUrl = 'http://127.0.0.1:3000'): string {
  if (!/^[0-9a-f]{32}$/.test(traceId)) throw new Error(`not a W3C trace id: ${JSON.stringify(traceId)}`);
  const panes = {
    trace: {
      datasource: 'tempo',
      queries: [
        { refId: 'A', datasource: { type: 'tempo', uid: 'tempo' }, queryType: 'traceql', query: traceId },
      ],
      range: { from: 'now-1h', to: 'now' },
    },
  };
  const base = grafanaUrl.replace(/\/+$/, '');
  return `${base}/explore?schemaVersion=1&orgId=1&panes=${encodeURIComponent(JSON.stringify(panes))}`;
}
