import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from './generated/payments.js';

export const SERVICE_NAME = 'payments.v1.PaymentsService';

// Sources run from src/, the build from dist/src/: look for proto/ one or two levels up.
const protoRoot = ['../proto/', '../../proto/']
  .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
  .find((dir) => existsSync(dir));

/**
 * Loads the .proto at runtime (no protoc binary, no native build step). The static types in
 * src/generated/ come from the same file via `npm run generate`, so handlers and clients are typed.
 */
export function loadPaymentsProto() {
  if (protoRoot === undefined) throw new Error('proto/ directory not found next to the package');
  const packageDefinition = protoLoader.loadSync('payments/v1/payments.proto', {
    includeDirs: [protoRoot],
    keepCase: false,
    longs: String, // int64 as decimal strings: numbers would silently lose precision
    enums: String,
    defaults: true, // proto3 semantics: absent fields arrive as zero values, not undefined
    oneofs: true,
  });
  const proto = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;
  return { packageDefinition, proto };
}
