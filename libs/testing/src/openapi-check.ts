import { createConfig, lintFromString } from '@redocly/openapi-core';
import Ajv from 'ajv';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

/** A served OpenAPI document, as much of it as the checks read. */
export interface OpenApiDocument {
  info: { title: string };
  paths: Record<string, Record<string, { responses?: Record<string, ResponseObject> }>>;
}

interface ResponseObject {
  description?: string;
  content?: Record<string, { schema?: unknown }>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/**
 * Redocly's `recommended` rules on a document: every problem (errors and warnings) as
 * `severity rule: message at pointer`.
 */
export async function lintOpenApi(document: OpenApiDocument): Promise<string[]> {
  const config = await createConfig({ extends: ['recommended'] });
  const problems = await lintFromString({
    source: JSON.stringify(document),
    absoluteRef: `${document.info.title}.json`,
    config,
  });
  return problems.map(
    (problem) =>
      `${problem.severity} ${problem.ruleId}: ${problem.message} at ${problem.location
        .map((location) => location.pointer)
        .join(', ')}`,
  );
}

/** Operations (`GET /api/x`) without a success response that has a typed body. */
export function untypedOperations(document: OpenApiDocument): string[] {
  const missing: string[] = [];
  for (const [path, item] of Object.entries(document.paths))
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const successes = Object.entries(operation.responses ?? {}).filter(([code]) =>
        /^[23]/.test(code),
      );
      const typed = successes.some(
        ([code, response]) =>
          code === '204' ||
          Object.values(response.content ?? {}).some((media) => media.schema !== undefined),
      );
      if (!typed) missing.push(`${method.toUpperCase()} ${path}`);
    }
  return missing;
}

/**
 * The TypeScript a generator (openapi-typescript) makes of the document, and each line of it that
 * types something as `unknown` or `any` — a field or body a typed client could not use.
 */
export async function generatedClientTypes(
  document: OpenApiDocument,
): Promise<{ source: string; untyped: string[] }> {
  // Its command line, as a user would run it (the library is an ES module Jest cannot require).
  const dir = mkdtempSync(join(tmpdir(), 'qautlra-openapi-'));
  let source: string;
  try {
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(document));
    await promisify(execFile)(
      process.execPath,
      [
        join(dirname(require.resolve('openapi-typescript')), '../bin/cli.js'),
        join(dir, 'openapi.json'),
        '--output',
        join(dir, 'client.d.ts'),
      ],
      { timeout: 60_000 },
    );
    source = readFileSync(join(dir, 'client.d.ts'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const lines = source.split('\n').map((line) => line.trim());
  const untyped = lines
    .map((line, index) => ({ line, index }))
    .filter(({ line }) => /(?<![\w"'.])(unknown|any)(?![\w"'])/.test(line))
    // Response headers are open-ended in every generated client; bodies and fields are what count.
    .filter(
      ({ line, index }) =>
        !(line === '[name: string]: unknown;' && lines[index - 1] === 'headers: {'),
    )
    .filter(({ line }) => !line.startsWith('*') && !line.startsWith('/'))
    .map(({ line, index }) => `line ${index + 1}: ${line}`);
  return { source, untyped };
}

/**
 * How a JSON body a route answered differs from the schema its document gives for that status —
 * an empty list when it conforms. `route` is the documented path (`/api/runs/{id}`).
 */
export function responseProblems(
  document: OpenApiDocument,
  method: string,
  route: string,
  status: number,
  body: unknown,
): string[] {
  const operation = document.paths[route]?.[method.toLowerCase()];
  if (!operation) return [`${method} ${route} is not documented`];
  const response = operation.responses?.[String(status)] ?? operation.responses?.default;
  const schema = response?.content?.['application/json']?.schema;
  if (schema === undefined) return [`${method} ${route} documents no JSON body for ${status}`];
  // OpenAPI 3.0 schemas: `nullable` is understood; `example`, `deprecated` are annotations.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ components: (document as { components?: unknown }).components }, 'doc');
  const validate = ajv.compile(rewriteRefs(schema));
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (error) => `${method} ${route} ${status}: ${error.instancePath || '/'} ${error.message ?? ''}`,
  );
}

/** A schema whose `#/components/…` references point into the document registered as `doc`. */
function rewriteRefs(value: unknown): Record<string, unknown> {
  const walk = (inner: unknown): unknown =>
    Array.isArray(inner)
      ? inner.map(walk)
      : typeof inner === 'object' && inner !== null
        ? Object.fromEntries(
            Object.entries(inner).map(([key, item]) => [
              key,
              key === '$ref' && typeof item === 'string' && item.startsWith('#/')
                ? `doc${item}`
                : walk(item),
            ]),
          )
        : inner;
  return walk(value) as Record<string, unknown>;
}
