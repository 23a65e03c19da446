import { INTEGER, objectOf, ref, Schemas, STRING } from '@qautlra/platform';

export const PLATFORM_INFO_SCHEMAS: Schemas = {
  Component: objectOf(
    {
      app: STRING,
      original: { ...STRING, description: 'the qautlra-rs component it rebuilds' },
      state: { type: 'string', enum: ['planned', 'partial', 'working'] },
      url: STRING,
      docs: STRING,
      websocket: STRING,
      process: objectOf(
        {
          state: {
            type: 'string',
            enum: ['waiting', 'starting', 'running', 'restarting', 'stopped'],
          },
          pid: INTEGER,
          restarts: INTEGER,
          last_exit: { ...STRING, example: 'exit 1' },
          since: { ...INTEGER, description: 'epoch ms of the last state change' },
        },
        { optional: ['pid', 'last_exit'] },
      ),
    },
    { optional: ['url', 'docs', 'websocket', 'process'] },
  ),
  PlatformInfo: objectOf({
    name: STRING,
    description: STRING,
    database: { type: 'string', enum: ['postgres', 'pglite'] },
    health: STRING,
    metrics: STRING,
    docs: STRING,
    components: { type: 'array', items: ref('Component') },
  }),
};
