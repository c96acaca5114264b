// Static checks of the observability stack: everything that can be proven without a Docker engine.
// What each check proves, and what it cannot catch, is in observability/README.md ("Checks").
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

const observability = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const repoRoot = resolve(observability, '..');
const at = (...parts: string[]) => join(observability, ...parts);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesUnder(path, keep);
    return keep(entry.name) ? [path] : [];
  });
}

const readYaml = (path: string): Json => parse(readFileSync(path, 'utf8')) as Json;
const compose = readYaml(at('docker-compose.yml'));
const services = compose.services as Record<string, Json>;
const datasources = (readYaml(at('grafana/provisioning/datasources/datasources.yaml')).datasources ??
  []) as Json[];
const provisionedUids = new Set(datasources.map((source) => String(source.uid)));
const dashboardFiles = filesUnder(at('grafana/dashboards'), (name) => name.endsWith('.json'));

/** Every value stored under a `datasource` key anywhere in a dashboard (panels, targets, variables). */
function datasourceRefs(node: unknown, found: unknown[] = []): unknown[] {
  if (Array.isArray(node)) node.forEach((item) => datasourceRefs(item, found));
  else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'datasource') found.push(value);
      else datasourceRefs(value, found);
    }
  }
  return found;
}

/** Panels at every depth (rows may hold collapsed panels). */
function allPanels(panels: unknown): Json[] {
  if (!Array.isArray(panels)) return [];
  return panels.filter(isObject).flatMap((panel) => [panel, ...allPanels(panel.panels)]);
}

/** Prometheus queries of a dashboard, with Grafana's variables replaced so PromQL parsers accept them. */
function promQueries(dashboard: Json): { panel: string; expr: string }[] {
  return allPanels(dashboard.panels).flatMap((panel) =>
    (Array.isArray(panel.targets) ? panel.targets.filter(isObject) : [])
      .filter((target) => isObject(target.datasource) && target.datasource.type === 'prometheus')
      .map((target) => ({
        panel: String(panel.title),
        expr: String(target.expr)
          .replaceAll('$__rate_interval', '1m')
          .replaceAll('$__range', '1h')
          .replaceAll('$ingest_path', 'otlp'),
      })),
  );
}

function promtool(...args: string[]): { missing: boolean; status: number | null; output: string } {
  const run = spawnSync('promtool', args, { encoding: 'utf8' });
  const missing = (run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { missing, status: run.status, output: `${run.stdout ?? ''}${run.stderr ?? ''}` };
}
const promtoolMissing = promtool('--version').missing;
// A missing promtool fails these checks rather than skipping them: `make tools` installs it.
function requirePromtool(): void {
  if (promtoolMissing)
    throw new Error("promtool is not on PATH: run 'make tools' (Debian: apt-get install prometheus)");
}

describe('observability configuration files', () => {
  it('parses every YAML file under observability/ without errors or warnings', () => {
    const files = filesUnder(observability, (name) => /\.ya?ml$/.test(name));
    assert.ok(files.length >= 10, `expected the stack's YAML files, found ${files.length}`);
    for (const file of files) {
      for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
        const problems = [...document.errors, ...document.warnings].map((problem) => problem.message);
        assert.deepEqual(problems, [], `${relative(repoRoot, file)} does not parse cleanly`);
      }
    }
  });
});

describe('observability/docker-compose.yml', () => {
  const pinned = new Map(
    readFileSync(join(repoRoot, 'infra/versions.env'), 'utf8')
      .split('\n')
      .map((line) => /^([A-Z0-9_]+)=(.+)$/.exec(line.trim()))
      .filter((match) => match !== null)
      .map((match) => [match[1]!, match[2]!]),
  );

  it('runs the collector, Tempo, Loki, Prometheus and Grafana', () => {
    assert.deepEqual(Object.keys(services).sort(), [
      'grafana',
      'loki',
      'otel-collector',
      'prometheus',
      'tempo',
    ]);
  });

  it('takes every image from a variable pinned in infra/versions.env, and only from one', () => {
    for (const [name, service] of Object.entries(services)) {
      const match = /^\$\{([A-Z0-9_]+_IMAGE)\}$/.exec(String(service.image));
      assert.ok(match, `${name}: image must be exactly \${SOMETHING_IMAGE}, got ${String(service.image)}`);
      assert.ok(pinned.has(match[1]!), `${name}: ${match[1]} is not defined in infra/versions.env`);
    }
  });

  it('mounts only files that exist, by paths relative to the repository root', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of (service.volumes ?? []) as string[]) {
        const source = volume.split(':')[0]!;
        if (!source.startsWith('.') && !source.startsWith('/')) continue; // a named volume
        assert.ok(
          source.startsWith('./observability/'),
          `${name}: ${source} must start with ./observability/ (paths resolve from the first -f file, the repo root)`,
        );
        assert.ok(existsSync(join(repoRoot, source)), `${name}: ${source} does not exist`);
      }
    }
  });

  it('publishes the documented ports on 127.0.0.1 only', () => {
    const published = Object.values(services).flatMap((service) => (service.ports ?? []) as string[]);
    for (const port of published) assert.match(port, /^127\.0\.0\.1:/, `${port} must bind 127.0.0.1`);
    assert.deepEqual(published.map((port) => port.split(':')[1]).sort(), [
      '3000',
      '3100',
      '3200',
      '4317',
      '4318',
      '9090',
    ]);
  });

  it('gives every service that has a shell a healthcheck', () => {
    for (const name of ['tempo', 'loki', 'prometheus', 'grafana']) {
      assert.ok(isObject(services[name]?.healthcheck), `${name} has no healthcheck`);
    }
  });

  it('starts Prometheus with the OTLP receiver, the remote-write receiver and exemplar storage', () => {
    const flags = services.prometheus?.command as string[];
    for (const flag of [
      '--web.enable-otlp-receiver',
      '--web.enable-remote-write-receiver',
      '--enable-feature=exemplar-storage',
    ]) {
      assert.ok(flags.includes(flag), `prometheus is missing ${flag}`);
    }
  });
});

describe('OpenTelemetry Collector configuration', () => {
  // The collector deep-merges its --config files in order: maps merge key by key, anything else
  // (lists included) is replaced by the later file. This reproduces that merge.
  const merge = (base: unknown, over: unknown): unknown =>
    isObject(base) && isObject(over)
      ? Object.fromEntries(
          [...new Set([...Object.keys(base), ...Object.keys(over)])].map((key) => [
            key,
            key in over ? merge(base[key], over[key]) : base[key],
          ]),
        )
      : over;
  const configFiles = (services['otel-collector']?.command as string[])
    .filter((arg) => arg.startsWith('--config='))
    .map((arg) => at('collector', arg.replace('--config=/etc/otelcol/', '')));
  const config = configFiles.reduce<unknown>((merged, file) => merge(merged, readYaml(file)), {}) as Json;
  const service = config.service as Json;
  const pipelines = service.pipelines as Record<string, Record<string, string[]>>;

  const available = new Map<string, Set<string>>();
  for (const line of readFileSync(at('collector/otelcol-contrib-0.115.1-components.txt'), 'utf8').split(
    '\n',
  )) {
    const [kind, type] = line.trim().split(/\s+/);
    if (!kind || kind.startsWith('#') || !type) continue;
    available.set(kind, (available.get(kind) ?? new Set()).add(type));
  }
  const sections = {
    receivers: 'receiver',
    processors: 'processor',
    exporters: 'exporter',
    extensions: 'extension',
    connectors: 'connector',
  } as const;

  it('reads every --config file the compose command names, and each exists', () => {
    assert.ok(configFiles.length >= 2);
    for (const file of configFiles)
      assert.ok(existsSync(file), `${file} is named in the compose command but missing`);
  });

  it('names only components that exist in otelcol-contrib 0.115.1', () => {
    assert.ok((available.get('receiver')?.size ?? 0) > 50, 'the component list looks truncated');
    for (const [section, kind] of Object.entries(sections)) {
      for (const id of Object.keys((config[section] ?? {}) as Json)) {
        const type = id.split('/')[0]!; // "otlphttp/loki" is an instance of type "otlphttp"
        assert.ok(
          available.get(kind)?.has(type),
          `${section}.${id}: no ${kind} "${type}" in otelcol-contrib 0.115.1`,
        );
      }
    }
  });

  it('has one pipeline per signal, each referencing only components defined in the config', () => {
    assert.deepEqual(Object.keys(pipelines).sort(), ['logs', 'metrics', 'traces']);
    const connectors = Object.keys((config.connectors ?? {}) as Json);
    for (const [name, pipeline] of Object.entries(pipelines)) {
      for (const section of ['receivers', 'processors', 'exporters'] as const) {
        const defined = new Set([
          ...Object.keys((config[section] ?? {}) as Json),
          ...(section === 'processors' ? [] : connectors),
        ]);
        for (const id of pipeline[section] ?? []) {
          assert.ok(
            defined.has(id),
            `pipeline ${name} uses ${section.slice(0, -1)} "${id}" that is not defined`,
          );
        }
      }
      assert.ok(
        (pipeline.receivers ?? []).length > 0 && (pipeline.exporters ?? []).length > 0,
        `pipeline ${name} is incomplete`,
      );
    }
    for (const id of (service.extensions ?? []) as string[]) {
      assert.ok(
        id in ((config.extensions ?? {}) as Json),
        `service.extensions names undefined extension "${id}"`,
      );
    }
  });

  it('puts memory_limiter first and batch last in every pipeline', () => {
    for (const [name, pipeline] of Object.entries(pipelines)) {
      const processors = pipeline.processors ?? [];
      assert.equal(processors[0], 'memory_limiter', `pipeline ${name}`);
      assert.equal(processors.at(-1), 'batch', `pipeline ${name}`);
    }
  });

  it('sends traces to Tempo, metrics to Prometheus and logs to Loki', () => {
    const exporters = config.exporters as Record<string, Json>;
    const endpointsOf = (signal: string) =>
      (pipelines[signal]?.exporters ?? []).map((id) => String(exporters[id]?.endpoint));
    assert.deepEqual(endpointsOf('traces'), ['tempo:4317']);
    assert.deepEqual(endpointsOf('metrics'), ['http://prometheus:9090/api/v1/otlp']);
    assert.deepEqual(endpointsOf('logs'), ['http://loki:3100/otlp']);
  });
});

describe('Prometheus configuration', () => {
  it('passes promtool check config', () => {
    requirePromtool();
    const result = promtool('check', 'config', at('prometheus/prometheus.yml'));
    assert.equal(result.status, 0, result.output);
  });

  it('scrapes one:8099 and two:8082 directly', () => {
    const prometheus = readYaml(at('prometheus/prometheus.yml'));
    const targets = ((prometheus.scrape_configs ?? []) as Json[]).flatMap((job) =>
      ((job.static_configs ?? []) as Json[]).flatMap((group) => group.targets as string[]),
    );
    assert.ok(targets.includes('one:8099') && targets.includes('two:8082'), `targets: ${targets.join(', ')}`);
  });
});

describe('Grafana provisioning', () => {
  it('provisions Prometheus, Tempo and Loki under the fixed uids the dashboards and links use', () => {
    assert.deepEqual([...provisionedUids].sort(), ['loki', 'prometheus', 'tempo']);
  });

  it('links traces to logs, logs to traces and exemplars to traces through provisioned uids', () => {
    const byUid = new Map(datasources.map((source) => [String(source.uid), source.jsonData as Json]));
    const tempo = byUid.get('tempo')!;
    assert.equal((tempo.tracesToLogsV2 as Json).datasourceUid, 'loki');
    const derived = (byUid.get('loki')!.derivedFields as Json[]).find(
      (field) => field.matcherType === 'label',
    );
    assert.equal(derived?.matcherRegex, 'trace_id');
    assert.equal(derived?.datasourceUid, 'tempo');
    const exemplars = byUid.get('prometheus')!.exemplarTraceIdDestinations as Json[];
    assert.deepEqual(
      exemplars.map((destination) => destination.datasourceUid),
      ['tempo'],
    );
  });

  it('finds the three dashboards, each valid JSON with a unique uid', () => {
    const dashboards = dashboardFiles.map((file) => JSON.parse(readFileSync(file, 'utf8')) as Json);
    assert.deepEqual(dashboards.map((dashboard) => dashboard.title).sort(), [
      'End-to-end latency',
      'Service one',
      'Service two',
    ]);
    assert.equal(new Set(dashboards.map((dashboard) => dashboard.uid)).size, dashboards.length);
  });

  for (const file of dashboardFiles) {
    const name = relative(observability, file);
    const dashboard = JSON.parse(readFileSync(file, 'utf8')) as Json;

    it(`${name}: panel ids are unique`, () => {
      const ids = allPanels(dashboard.panels).map((panel) => panel.id);
      assert.ok(
        ids.every((id) => Number.isInteger(id)),
        'every panel needs a numeric id',
      );
      assert.equal(new Set(ids).size, ids.length, `duplicate panel ids: ${ids.join(', ')}`);
    });

    it(`${name}: references only provisioned datasource uids`, () => {
      const refs = datasourceRefs(dashboard);
      assert.ok(refs.length > 0);
      for (const ref of refs) {
        assert.ok(isObject(ref), `datasource must be {type, uid}, got ${JSON.stringify(ref)}`);
        assert.ok(provisionedUids.has(String(ref.uid)), `unknown datasource uid ${JSON.stringify(ref.uid)}`);
      }
    });

    it(`${name}: every PromQL query parses (promtool check rules)`, () => {
      requirePromtool();
      const queries = promQueries(dashboard);
      const dir = mkdtempSync(join(tmpdir(), 'dashboard-promql-'));
      try {
        const rules = {
          groups: [
            {
              name: 'dashboard',
              rules: queries.map((query, index) => ({ record: `panel:query_${index}`, expr: query.expr })),
            },
          ],
        };
        writeFileSync(join(dir, 'rules.json'), JSON.stringify(rules)); // JSON is YAML
        const result = promtool('check', 'rules', join(dir, 'rules.json'));
        assert.equal(result.status, 0, result.output);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it(`${name}: uses only metric names listed in observability/metrics.md`, () => {
      const table = readFileSync(at('metrics.md'), 'utf8');
      const listed = new Set([...table.matchAll(/^\|\s*`([a-z_:]+)`/gm)].map((match) => match[1]));
      for (const { panel, expr } of promQueries(dashboard)) {
        // Names from the services' contract: one_*, two_*, http_server_*; histograms are listed by base name.
        for (const [metric] of expr.matchAll(/\b(?:one|two|http_server)_[a-z_]+/g)) {
          const base = metric.replace(/_(bucket|count|sum)$/, '');
          assert.ok(
            listed.has(metric) || listed.has(base),
            `panel "${panel}" uses ${metric}, missing from metrics.md`,
          );
        }
      }
    });
  }
});

describe('links from metrics to traces', () => {
  const byUid = new Map(datasources.map((source) => [String(source.uid), (source.jsonData ?? {}) as Json]));
  const dashboards = dashboardFiles.map((file) => ({
    name: relative(observability, file),
    dashboard: JSON.parse(readFileSync(file, 'utf8')) as Json,
  }));
  // Who writes exemplars into Prometheus, and under which trace-id label. Tempo's metrics generator
  // labels them `traceID` (fixed in Tempo) when its remote write sends exemplars. The services'
  // Node.js metrics SDK records none, on OTLP or on /metrics: their histograms carry no exemplars.
  const tempoRemoteWrites = ((readYaml(at('tempo/tempo.yaml')).metrics_generator as Json).storage as Json)
    .remote_write as Json[];
  const exemplarLabels = tempoRemoteWrites.some((write) => write.send_exemplars === true) ? ['traceID'] : [];
  /** Metrics that can have exemplars: what Tempo derives from spans (span metrics, service graph). */
  const hasExemplars = (metric: string) => /^traces_(spanmetrics|service_graph)_/.test(metric);
  const metricsOf = (expr: string) =>
    [...expr.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{/g)].map((match) => match[1]!);
  const serviceMetric = /^(one|two|http_server)_/;

  it("maps exactly the exemplar trace-id labels that are written (Tempo's traceID) to Tempo", () => {
    const destinations = (byUid.get('prometheus')!.exemplarTraceIdDestinations ?? []) as Json[];
    assert.deepEqual(
      destinations.map((destination) => [destination.name, destination.datasourceUid]).sort(),
      exemplarLabels.map((label) => [label, 'tempo']),
    );
  });

  for (const { name, dashboard } of dashboards) {
    it(`${name}: asks for exemplars only on queries of metrics that have them`, () => {
      for (const panel of allPanels(dashboard.panels)) {
        for (const target of (Array.isArray(panel.targets) ? panel.targets : []).filter(isObject)) {
          if (target.exemplar !== true) continue;
          const metrics = metricsOf(String(target.expr));
          assert.ok(
            metrics.length > 0 && metrics.every(hasExemplars),
            `panel "${String(panel.title)}" asks for exemplars of ${metrics.join(', ')}, which carry none`,
          );
        }
      }
    });

    it(`${name}: promises exemplars only where a query asks for them`, () => {
      const variables = ((dashboard.templating as Json | undefined)?.list ?? []) as Json[];
      for (const variable of variables) {
        assert.doesNotMatch(
          String(variable.description ?? ''),
          /exemplar/i,
          `variable ${String(variable.name)}`,
        );
      }
      for (const panel of allPanels(dashboard.panels)) {
        const asks = (Array.isArray(panel.targets) ? panel.targets : []).some(
          (target) => isObject(target) && target.exemplar === true,
        );
        if (!asks) {
          assert.doesNotMatch(
            String(panel.description ?? ''),
            /exemplar|diamond/i,
            `panel "${String(panel.title)}" promises exemplars but none of its queries asks for them`,
          );
        }
      }
    });
  }

  describe('traces to metrics (Tempo datasource)', () => {
    const queries = ((byUid.get('tempo')!.tracesToMetrics as Json).queries ?? []) as Json[];

    it('filters one ingest path on every service metric, so no rate is counted twice', () => {
      assert.ok(queries.length > 0);
      for (const query of queries) {
        const expr = String(query.query);
        for (const selector of expr.matchAll(/\b([a-z_:][a-z0-9_:]*)\s*\{([^}]*)\}/g)) {
          if (!serviceMetric.test(selector[1]!)) continue;
          assert.match(
            selector[2]!,
            /\bingest_path\s*=\s*"(otlp|scrape)"/,
            `"${String(query.name)}": ${expr}`,
          );
        }
      }
    });

    it("offers a query on each service's own metrics, so a span of either service finds some", () => {
      const metrics = queries.flatMap((query) => metricsOf(String(query.query)));
      for (const [service, own] of [
        ['one', /^(one|http_server)_/],
        ['two', /^two_/],
      ] as const) {
        assert.ok(
          metrics.some((metric) => own.test(metric)),
          `no traces-to-metrics query on ${service}'s metrics`,
        );
      }
    });

    it("selects the span's service through $__tags (service.name → job)", () => {
      const tags = (byUid.get('tempo')!.tracesToMetrics as Json).tags as Json[];
      assert.deepEqual(tags, [{ key: 'service.name', value: 'job' }]);
      for (const query of queries) assert.match(String(query.query), /\$\$?__tags/, String(query.name));
    });
  });
});

describe('observability/README.md', () => {
  it('gives an Explore URL example that opens a trace id on the provisioned Tempo datasource', () => {
    const readme = readFileSync(at('README.md'), 'utf8');
    const example = /^http:\/\/127\.0\.0\.1:3000\/explore\?\S+$/m.exec(readme);
    assert.ok(example, 'README.md has no Explore URL example on a line of its own');
    const url = new URL(example[0]);
    assert.equal(url.searchParams.get('schemaVersion'), '1');
    const panes = JSON.parse(url.searchParams.get('panes') ?? '{}') as Record<string, Json>;
    const [pane] = Object.values(panes);
    const [query] = (pane?.queries ?? []) as Json[];
    assert.ok(provisionedUids.has(String(pane?.datasource)) && pane?.datasource === 'tempo');
    assert.deepEqual(query?.datasource, { type: 'tempo', uid: 'tempo' });
    assert.equal(query?.queryType, 'traceql');
    assert.match(String(query?.query), /^[0-9a-f]{32}$/);
  });
});
