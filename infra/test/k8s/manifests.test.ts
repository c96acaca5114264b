// deploy/k8s agrees with the code (`make k8s-check`, after kubeconform has validated the schemas):
// every overlay, rendered by kustomize, runs the images `make images` builds, on the ports the config
// schemas and compose files use, probes /healthz and /readyz that the services serve, migrates with
// the compose files' migrate command, sets only environment variables the services read, ships
// config files their schemas accept, and gives SIGTERM enough time for the configured stop bound.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const KUSTOMIZE = process.env.KUSTOMIZE ?? join(ROOT, '.data/bin/kustomize');
const OVERLAYS = ['local', 'production'];

/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects and compose files are untyped YAML. */
type Obj = Record<string, any>;

const rendered = new Map(
  OVERLAYS.map((overlay) => {
    const text = execFileSync(KUSTOMIZE, ['build', join(ROOT, 'deploy/k8s/overlays', overlay)], {
      encoding: 'utf8',
    });
    return [overlay, parseAllDocuments(text).map((doc) => doc.toJS() as Obj)];
  }),
);

/** Every Deployment of the base is a service of backend/ (one, two, and any `make new-service` adds). */
const SERVICES = [
  ...new Set(
    [...rendered.values()].flatMap((objects) =>
      objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name as string),
    ),
  ),
];

function find(objects: Obj[], kind: string, name: string): Obj {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind} ${name} is rendered`);
  return found;
}

/** What backend/<service>/docker-compose.yml says: image name, HTTP port, migrate command. */
function compose(service: string) {
  const file = parse(readFileSync(join(ROOT, `backend/${service}/docker-compose.yml`), 'utf8'), {
    merge: true,
  }) as Obj;
  const app = file.services[service];
  return {
    image: app.image as string,
    port: Number(app.build.args.HTTP_PORT),
    /** Services with a database have a `<service>-migrate` compose service. */
    migrate: file.services[`${service}-migrate`]?.command as string[] | undefined,
  };
}

const source = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const importTs = async (path: string): Promise<Obj> =>
  (await import(pathToFileURL(join(ROOT, path)).href)) as Obj;

const { loadConfig } = await importTs('backend/pkg/config/src/index.ts');
/** The zod object schema each service's src/config.ts exports (configSchema, twoConfigSchema, …). */
const schemas: Record<string, Obj> = {};
for (const service of SERVICES) {
  const exports = await importTs(`backend/${service}/src/config.ts`);
  schemas[service] = Object.values(exports).find((value: Obj) => value?._zod?.def?.type === 'object') as Obj;
}

/** The zod schema at a config path (wrappers looked through), or undefined when it has no such key. */
function schemaAt(schema: Obj, path: string[]): Obj | undefined {
  let node: Obj | undefined = schema;
  for (const key of path) {
    while (node && node._zod.def.innerType) node = node._zod.def.innerType as Obj;
    node = node?._zod.def.type === 'object' ? (node._zod.def.shape as Obj)[key] : undefined;
  }
  return node;
}

/** `ONE_KAFKA__CLIENT_ID` → ['kafka', 'clientId'], as @pkg/config reads env names. */
const envPath = (prefix: string, name: string) =>
  name
    .slice(prefix.length + 1)
    .split('__')
    .map((part) => part.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));

const scratch = mkdtempSync(join(tmpdir(), 'k8s-check-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

for (const overlay of OVERLAYS) {
  const objects = rendered.get(overlay)!;
  const configMaps = (name: string) =>
    objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name)!;

  describe(`deploy/k8s/overlays/${overlay} agrees with the code`, () => {
    for (const service of SERVICES) {
      const prefix = service.toUpperCase().replace(/-/g, '_'); // one → ONE, new-thing → NEW_THING
      const expected = compose(service);
      const deployment = find(objects, 'Deployment', service);
      const pod = deployment.spec.template.spec;
      const container = pod.containers[0];
      const env: Obj[] = container.env ?? [];
      const fromConfigMaps = (container.envFrom ?? []).flatMap((ref: Obj) =>
        Object.keys(configMaps(ref.configMapRef.name).data),
      );

      it(`${service}: the image make images builds, its CMD, its port`, () => {
        assert.equal(container.image, expected.image);
        assert.equal(container.command, undefined, 'the image CMD runs the service');
        const http = container.ports.find((p: Obj) => p.name === 'http');
        assert.equal(http?.containerPort, expected.port);
        const portEnv = env.find((e) => e.name === `${prefix}_HTTP__PORT`);
        assert.equal(portEnv?.value, String(expected.port));
        assert.equal(schemaAt(schemas[service]!, ['http', 'port'])!._zod.def.defaultValue, expected.port);
        const svc = find(objects, 'Service', service);
        assert.deepEqual(svc.spec.ports, [{ name: 'http', port: expected.port, targetPort: 'http' }]);
      });

      it(`${service}: liveness on /healthz and readiness on /readyz, paths the service serves`, () => {
        assert.deepEqual(container.livenessProbe.httpGet, { path: '/healthz', port: 'http' });
        assert.deepEqual(container.readinessProbe.httpGet, { path: '/readyz', port: 'http' });
        const code = execFileSync(
          'grep',
          ['-rhoE', "'/(healthz|readyz)'", join(ROOT, `backend/${service}/src`)],
          {
            encoding: 'utf8',
          },
        );
        assert.match(code, /'\/healthz'/);
        assert.match(code, /'\/readyz'/);
      });

      it(`${service}: a migration Job runs the compose files' migrate command in the same image, if it has one`, () => {
        const jobs = objects.filter((o) => o.kind === 'Job' && o.metadata.name === `${service}-migrate`);
        assert.equal(jobs.length, expected.migrate ? 1 : 0);
        if (!expected.migrate) return;
        const job = find(objects, 'Job', `${service}-migrate`).spec.template.spec.containers[0];
        assert.equal(job.image, expected.image);
        assert.deepEqual(job.command, expected.migrate);
        assert.ok(job.env.some((e: Obj) => e.name === `${prefix}_DATABASE_URL` && e.valueFrom?.secretKeyRef));
      });

      it(`${service}: every environment variable is one the service reads`, () => {
        const main = source(`backend/${service}/src/main.ts`);
        for (const name of [...env.map((e) => e.name as string), ...fromConfigMaps]) {
          const readByMain = main.includes(`env.${name}`);
          const inSchema =
            name.startsWith(`${prefix}_`) && schemaAt(schemas[service]!, envPath(prefix, name)) !== undefined;
          const otel = name.startsWith('OTEL_'); // the OpenTelemetry SDK's own variables
          assert.ok(
            readByMain || inSchema || otel,
            `${name} is read by ${service} (main.ts or its config schema)`,
          );
        }
      });

      it(`${service}: secrets come from Secret references, never values`, () => {
        for (const e of env.filter((e) => /SECRET|DATABASE_URL|PASSWORD|TOKEN$/.test(e.name))) {
          assert.equal(e.value, undefined, `${e.name} has no literal value`);
          assert.ok(e.valueFrom?.secretKeyRef, `${e.name} comes from a Secret`);
        }
      });

      /** The service's configuration as its own loader reads it in the pod (Secrets as placeholders). */
      const loadInPod = (): Obj => {
        const volume = pod.volumes.find((v: Obj) => v.name === 'config');
        const file = join(scratch, `${overlay}-${service}.yaml`);
        writeFileSync(file, configMaps(volume.configMap.name).data['config.yaml']);
        const mount = container.volumeMounts.find((m: Obj) => m.name === 'config');
        assert.equal(
          env.find((e) => e.name === `${prefix}_CONFIG_FILE`)?.value,
          `${mount.mountPath}/config.yaml`,
        );
        const values = Object.fromEntries(
          env
            .filter((e) => e.name !== `${prefix}_CONFIG_FILE`)
            .map((e) => [e.name, e.value ?? 'https://placeholder.invalid/from-a-secret']),
        );
        return loadConfig({
          schema: schemas[service],
          envPrefix: prefix,
          file,
          env: values,
          argv: [],
        }) as Obj;
      };

      it(`${service}: the config file and the env load with the service's own config loader`, () => {
        assert.equal(loadInPod().http.port, expected.port);
      });

      it(`${service}: terminationGracePeriodSeconds covers preStop + the configured stop bound`, () => {
        const config = loadInPod();
        const stopMs = (config.shutdown?.timeoutMs ?? config.shutdownTimeoutMs) as number;
        assert.equal(typeof stopMs, 'number', 'shutdown.timeoutMs or shutdownTimeoutMs');
        const preStopMs = (container.lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000;
        assert.ok(
          pod.terminationGracePeriodSeconds * 1000 > preStopMs + stopMs,
          `${pod.terminationGracePeriodSeconds} s > ${preStopMs} ms + ${stopMs} ms`,
        );
      });

      it(`${service}: non-root (the image's user node, uid 1000), read-only root filesystem, no capabilities`, () => {
        assert.equal(pod.securityContext.runAsNonRoot, true);
        assert.equal(pod.securityContext.runAsUser, 1000);
        assert.match(source('backend/Dockerfile'), /^USER node$/m);
        assert.equal(container.securityContext.readOnlyRootFilesystem, true);
        assert.equal(container.securityContext.allowPrivilegeEscalation, false);
        assert.deepEqual(container.securityContext.capabilities.drop, ['ALL']);
        assert.ok(container.resources.requests.cpu && container.resources.limits.memory);
      });
    }
  });
}
