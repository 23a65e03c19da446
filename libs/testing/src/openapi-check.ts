import { createConfig, lintFromString } from '@redocly/openapi-core';
import openapiTS, { astToString } from 'openapi-typescript';

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
  const ast = await openapiTS(JSON.stringify(document));
  const source = astToString(ast);
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
