// The layer rule, as an ESLint rule of our own (no plugin to install): a service under backend/<name>
// never imports another service, and backend/pkg/* never imports a service. Services share code only
// through backend/pkg/* packages, and talk to each other only over Kafka or HTTP.
// Imports are checked both by package name (@services/<name>) and by relative path (../../two/src/…).
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** 'pkg' for backend/pkg/**, the service's name for backend/<name>/**, undefined elsewhere. */
function layerOf(file) {
  const parts = relative(ROOT, file).split(sep);
  if (parts[0] !== 'backend' || parts.length < 3) return undefined;
  return parts[1] === 'pkg' ? 'pkg' : parts[1];
}

/** The service an import specifier points into, or undefined when it is no service. */
function serviceOf(specifier, importer) {
  const named = /^@services\/([^/]+)/.exec(specifier);
  if (named) return named[1];
  if (!specifier.startsWith('.')) return undefined;
  const layer = layerOf(resolve(dirname(importer), specifier) + sep + 'x');
  return layer === 'pkg' ? undefined : layer;
}

const noCrossLayerImport = {
  meta: {
    type: 'problem',
    docs: { description: 'Services never import each other; backend/pkg never imports a service.' },
    schema: [],
    messages: {
      service:
        'Service {{from}} imports service {{to}}: share code through backend/pkg/*, talk over Kafka or HTTP.',
      pkg: 'backend/pkg imports service {{to}}: shared packages never depend on a service.',
    },
  },
  create(context) {
    const from = layerOf(context.filename);
    if (from === undefined) return {};
    const check = (node) => {
      if (node.source?.type !== 'Literal' || typeof node.source.value !== 'string') return;
      const to = serviceOf(node.source.value, context.filename);
      if (to === undefined || to === from) return;
      context.report({
        node: node.source,
        messageId: from === 'pkg' ? 'pkg' : 'service',
        data: { from, to },
      });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export const layers = { rules: { 'no-cross-layer-import': noCrossLayerImport } };
