import {
  ANALYSIS_SCHEMAS,
  arrayOf,
  BOOLEAN,
  INTEGER,
  NUMBER,
  objectOf,
  ref,
  Schemas,
  STRING,
  MAYBE_NUMBER,
  MAYBE_DATE,
  DATE,
  textEnum,
} from '@qautlra/platform';
import type { NavRecord } from '../import/nav-import';

/** A NAV point as clients see it: snake_case names. */
export function wireNav(record: NavRecord): {
  date: string;
  unit_nav: number;
  acc_nav?: number;
  adj_nav?: number;
} {
  return {
    date: record.date,
    unit_nav: record.unitNav,
    ...(record.accNav === undefined ? {} : { acc_nav: record.accNav }),
    ...(record.adjNav === undefined ? {} : { adj_nav: record.adjNav }),
  };
}

const NAV_FIELD = textEnum(['adj_nav', 'acc_nav', 'unit_nav']);

export const FUND_SCHEMAS: Schemas = {
  ...ANALYSIS_SCHEMAS,
  BenchmarkRef: objectOf({ code: STRING, name: STRING, nav_field: NAV_FIELD }),
  Analysis: {
    allOf: [
      ref('SeriesAnalysis'),
      objectOf(
        {
          code: STRING,
          name: STRING,
          nav_field: NAV_FIELD,
          start: MAYBE_DATE,
          end: MAYBE_DATE,
          benchmark: ref('BenchmarkRef'),
          alignment: {
            ...STRING,
            description: 'how product and benchmark were put on common dates',
          },
        },
        { optional: ['benchmark', 'alignment'] },
      ),
    ],
  },
  Comparison: objectOf(
    {
      convention: ref('Convention'),
      alignment: STRING,
      start: MAYBE_DATE,
      end: MAYBE_DATE,
      observations: INTEGER,
      computed: textEnum(['workers', 'inline']),
      products: arrayOf(
        objectOf({
          code: STRING,
          name: STRING,
          nav_field: NAV_FIELD,
          metrics: ref('Metrics'),
          drawdown: ref('Drawdown'),
          trailing: ref('Trailing'),
        }),
      ),
      benchmark: ref('BenchmarkRef'),
      ranking: objectOf({ by: STRING, order: textEnum(['asc', 'desc']), codes: arrayOf(STRING) }),
      correlation: arrayOf(arrayOf(MAYBE_NUMBER)),
    },
    { optional: ['benchmark', 'ranking'] },
  ),
  ProductSummary: objectOf({
    code: STRING,
    name: STRING,
    points: INTEGER,
    first: MAYBE_DATE,
    last: MAYBE_DATE,
  }),
  ProductNav: objectOf({
    code: STRING,
    name: STRING,
    nav: arrayOf(
      objectOf(
        { date: DATE, unit_nav: NUMBER, acc_nav: NUMBER, adj_nav: NUMBER },
        { optional: ['acc_nav', 'adj_nav'] },
      ),
    ),
  }),
  ImportResult: objectOf({
    dry_run: BOOLEAN,
    products: arrayOf(
      objectOf({
        code: STRING,
        name: STRING,
        created: { ...BOOLEAN, description: 'the product is new' },
        added: INTEGER,
        changed: INTEGER,
        unchanged: INTEGER,
      }),
    ),
  }),
};

export const HTML = {
  description: 'an HTML page',
  content: { 'text/html': { schema: { type: 'string' } } },
};
