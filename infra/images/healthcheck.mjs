// The images' HEALTHCHECK: exit 0 when the service's /healthz answers 200 within the timeout.
// The port is the one the service listens on: <SERVICE>_HTTP__PORT when set, else the image's
// default (DEFAULT_HTTP_PORT, from the build).
const service = process.env.SERVICE ?? '';
const port = process.env[`${service.toUpperCase()}_HTTP__PORT`] ?? process.env.DEFAULT_HTTP_PORT;
try {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_500) });
  process.exitCode = response.ok ? 0 : 1;
} catch {
  process.exitCode = 1;
}
