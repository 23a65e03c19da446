import {
  generatedClientTypes,
  lintOpenApi,
  OpenApiDocument,
  responseProblems,
  untypedOperations,
} from './openapi-check';

const json = (schema: unknown) => ({
  description: 'ok',
  content: { 'application/json': { schema } },
});

/** A small document: one typed route, one without a body schema, one with an open object. */
function documentWith(paths: Record<string, unknown>, schemas: Record<string, unknown> = {}) {
  return {
    openapi: '3.0.0',
    info: {
      title: 'check',
      version: '1',
      license: { name: 'MIT', url: 'https://opensource.org/license/mit' },
    },
    servers: [{ url: '/' }],
    paths,
    components: { schemas },
  } as unknown as OpenApiDocument;
}

const ITEM = {
  type: 'object',
  required: ['id', 'price'],
  properties: { id: { type: 'string' }, price: { type: 'number', nullable: true } },
};

describe('OpenAPI checks (the docs test runs them on every app)', () => {
  const document = documentWith(
    {
      '/items/{id}': {
        get: {
          summary: 'one item',
          operationId: 'item',
          security: [],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': json({ $ref: '#/components/schemas/Item' }),
            '4XX': json({ type: 'object', properties: { message: { type: 'string' } } }),
          },
        },
      },
      '/bare': {
        get: {
          summary: 'no body schema',
          operationId: 'bare',
          security: [],
          responses: { '200': { description: 'ok' }, '4XX': { description: 'no' } },
        },
      },
    },
    { Item: ITEM },
  );

  it('accepts a body that matches its schema (nullable included), names what does not', () => {
    expect(responseProblems(document, 'GET', '/items/{id}', 200, { id: 'a', price: null })).toEqual(
      [],
    );
    expect(responseProblems(document, 'GET', '/items/{id}', 200, { id: 1, price: 'x' })).toEqual([
      'GET /items/{id} 200: /id must be string',
      'GET /items/{id} 200: /price must be number',
    ]);
    expect(responseProblems(document, 'GET', '/nowhere', 200, {})).toEqual([
      'GET /nowhere is not documented',
    ]);
  });

  it('finds routes whose success has no typed body', () => {
    expect(untypedOperations(document)).toEqual(['GET /bare']);
  });

  it('finds what a generated client would type as unknown', async () => {
    const typed = await generatedClientTypes(document);
    expect(typed.source).toContain('export interface paths');
    expect(typed.untyped).toEqual([]);
    const open = await generatedClientTypes(
      documentWith({}, { Loose: { type: 'object', additionalProperties: true } }),
    );
    expect(open.untyped).toEqual([expect.stringContaining('[key: string]: unknown')]);
  }, 60_000);

  it('lints with Redocly’s recommended rules', async () => {
    expect(await lintOpenApi(document)).toEqual([]);
    const bad = documentWith({ '/x': { get: { responses: { '200': json({ type: 'string' }) } } } });
    expect((await lintOpenApi(bad)).join('\n')).toMatch(/operation-summary/);
  }, 60_000);
});
