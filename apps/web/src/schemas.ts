import { BOOLEAN, mapOf, objectOf, Schemas, STRING } from '@qautlra/platform';

const rest = (extra: Record<string, typeof STRING> = {}) => objectOf({ rest: STRING, ...extra });

/** `GET /api/web/config` (the `ClientConfig` of client-config.ts). */
export const WEB_SCHEMAS: Schemas = {
  ClientConfig: objectOf({
    demo: {
      ...objectOf({ user: STRING, password: STRING }),
      nullable: true,
      description: 'the demo login shown on the login page; null when this is not a demo',
    },
    market: rest({ socket_path: STRING, namespace: STRING }),
    trade: rest({ websocket: STRING, broker: STRING }),
    tsdb: rest({ stream: STRING }),
    fund: rest(),
    backtest: rest(),
    strategy: objectOf({ rest: STRING, enabled: BOOLEAN }),
    realtime: objectOf({ rest: STRING, socket_path: STRING, namespace: STRING }),
    docs: mapOf(STRING, 'API docs of each proxied app'),
  }),
};
