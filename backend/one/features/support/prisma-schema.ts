// Reads the parts of prisma/schema.prisma the schema-agreement feature compares with the
// database: models (table, fields, column names, types, optionality, native types, defaults),
// enums, indexes and relations. Deliberately small: it understands the constructs this schema
// uses and fails loudly on a line it cannot read, so a new construct gets a check, not a pass.
import { readFileSync } from 'node:fs';

export interface PrismaField {
  name: string;
  column: string;
  type: string;
  optional: boolean;
  list: boolean;
  nativeType: string | undefined;
  hasDefault: boolean;
  isId: boolean;
  /** For a relation field: our columns and the referenced model's fields, and the delete rule. */
  relation: { fields: string[]; references: string[]; onDelete: string | undefined } | undefined;
}

export interface PrismaModel {
  name: string;
  table: string;
  fields: PrismaField[];
  indexes: string[][];
}

export interface PrismaSchema {
  models: PrismaModel[];
  enums: Map<string, string[]>;
}

const BLOCK = /^(model|enum)\s+(\w+)\s*\{([^}]*)\}/gm;
const FIELD = /^(\w+)\s+(\w+)(\[\])?(\?)?(?:\s+(.*))?$/;

export function readPrismaSchema(path: string): PrismaSchema {
  // Comments first: a `}` in a doc comment must not end a block.
  const text = readFileSync(path, 'utf8').replace(/\/\/.*$/gm, '');
  const schema: PrismaSchema = { models: [], enums: new Map() };
  for (const [, kind, name, body] of text.matchAll(BLOCK)) {
    const lines = body!
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    if (kind === 'enum') schema.enums.set(name!, lines);
    else schema.models.push(readModel(name!, lines));
  }
  return schema;
}

function readModel(name: string, lines: string[]): PrismaModel {
  const model: PrismaModel = { name, table: name, fields: [], indexes: [] };
  for (const line of lines) {
    if (line.startsWith('@@map(')) model.table = stringArgument(line);
    else if (line.startsWith('@@index(')) model.indexes.push(listArgument(line, 'index'));
    else if (line.startsWith('@@')) throw new Error(`schema.prisma: unsupported block attribute ${line}`);
    else model.fields.push(readField(line));
  }
  // @@index lists field names; the database knows columns.
  const columnOf = (field: string) =>
    model.fields.find((candidate) => candidate.name === field)?.column ?? field;
  model.indexes = model.indexes.map((fields) => fields.map(columnOf));
  return model;
}

function readField(line: string): PrismaField {
  const match = FIELD.exec(line);
  if (!match) throw new Error(`schema.prisma: cannot read field line ${JSON.stringify(line)}`);
  const [, name, type, list, optional, attributes = ''] = match;
  const relation = /@relation\(([^)]*)\)/.exec(attributes)?.[1];
  return {
    name: name!,
    column: /@map\("([^"]+)"\)/.exec(attributes)?.[1] ?? name!,
    type: type!,
    optional: optional === '?',
    list: list === '[]',
    nativeType: /@db\.(\w+)/.exec(attributes)?.[1],
    hasDefault: attributes.includes('@default('),
    isId: /@id\b/.test(attributes),
    relation: relation
      ? {
          fields: listArgument(relation, 'fields'),
          references: listArgument(relation, 'references'),
          onDelete: /onDelete:\s*(\w+)/.exec(relation)?.[1],
        }
      : undefined,
  };
}

function stringArgument(text: string): string {
  const value = /\("([^"]+)"\)/.exec(text)?.[1];
  if (!value) throw new Error(`schema.prisma: expected a string argument in ${text}`);
  return value;
}

function listArgument(text: string, what: string): string[] {
  const pattern = what === 'index' ? /\[([^\]]*)\]/ : new RegExp(`${what}:\\s*\\[([^\\]]*)\\]`);
  const list = pattern.exec(text)?.[1];
  if (list === undefined) throw new Error(`schema.prisma: expected a ${what} list in ${text}`);
  return list.split(',').map((item) => item.trim());
}

/** The information_schema data_type PostgreSQL reports for a Prisma scalar (with its native type). */
export function expectedDataType(field: PrismaField, enums: Map<string, string[]>): string {
  if (enums.has(field.type)) return 'USER-DEFINED';
  switch (field.type) {
    case 'String':
      return field.nativeType === 'VarChar' ? 'character varying' : 'text';
    case 'BigInt':
      return 'bigint';
    case 'Int':
      return 'integer';
    case 'Boolean':
      return 'boolean';
    case 'Json':
      return 'jsonb';
    case 'DateTime':
      return field.nativeType === 'Timestamptz' ? 'timestamp with time zone' : 'timestamp without time zone';
    default:
      throw new Error(`no PostgreSQL type mapping for Prisma type ${field.type}`);
  }
}
