import { DiffProtocolError } from './diff-protocol.error';
import {
  DiffClientAid,
  DiffClientMessage,
  DIRECTIONS,
  OFFSETS,
  PRICE_TYPES,
  TIME_CONDITIONS,
  VOLUME_CONDITIONS,
} from './messages';

/** UTF-8 byte lengths (TextEncoder: the same in Node and browsers, which also use this library). */
const utf8 = new TextEncoder();

type FieldRule =
  | { kind: 'string'; optional?: boolean; maxBytes?: number }
  | { kind: 'number'; optional?: boolean; integer?: boolean; positive?: boolean }
  | { kind: 'enum'; values: readonly string[]; optional?: boolean };

const MESSAGE_RULES: Record<DiffClientAid, Record<string, FieldRule>> = {
  req_login: {
    bid: { kind: 'string' },
    user_name: { kind: 'string' },
    password: { kind: 'string' },
  },
  peek_message: {},
  insert_order: {
    user_id: { kind: 'string' },
    order_id: { kind: 'string', optional: true, maxBytes: 128 },
    account_id: { kind: 'string', optional: true },
    exchange_id: { kind: 'string' },
    instrument_id: { kind: 'string' },
    direction: { kind: 'enum', values: DIRECTIONS },
    offset: { kind: 'enum', values: OFFSETS },
    volume: { kind: 'number', integer: true, positive: true },
    price_type: { kind: 'enum', values: PRICE_TYPES },
    limit_price: { kind: 'number', optional: true },
    volume_condition: { kind: 'enum', values: VOLUME_CONDITIONS, optional: true },
    time_condition: { kind: 'enum', values: TIME_CONDITIONS, optional: true },
  },
  cancel_order: { user_id: { kind: 'string' }, order_id: { kind: 'string', maxBytes: 128 } },
  req_transfer: {
    bank_id: { kind: 'string' },
    future_account: { kind: 'string' },
    future_password: { kind: 'string' },
    bank_password: { kind: 'string' },
    currency: { kind: 'string' },
    amount: { kind: 'number' },
  },
  qry_settlement_info: { trading_day: { kind: 'number', integer: true } },
  qry_bankcapital: {
    bank_id: { kind: 'string' },
    future_account: { kind: 'string' },
    future_password: { kind: 'string' },
    bank_password: { kind: 'string' },
    currency: { kind: 'string' },
  },
  change_password: { old_password: { kind: 'string' }, new_password: { kind: 'string' } },
  subscribe_quote: { ins_list: { kind: 'string' } },
  set_chart: {
    chart_id: { kind: 'string' },
    ins_list: { kind: 'string' },
    duration: { kind: 'number', integer: true },
    view_width: { kind: 'number', integer: true },
  },
  ping: {},
};

function check(aid: string, name: string, rule: FieldRule, value: unknown): void {
  const fail = (expected: string): never => {
    throw new DiffProtocolError(
      'DIFF_INVALID_MESSAGE',
      `${aid}.${name}: expected ${expected}, got ${JSON.stringify(value) ?? 'nothing'}`,
      name,
    );
  };
  if (value === undefined || value === null) {
    if (rule.optional) return;
    fail(rule.kind === 'enum' ? `one of ${rule.values.join('/')}` : `a ${rule.kind}`);
  }
  switch (rule.kind) {
    case 'string':
      if (typeof value !== 'string') fail('a string');
      if (rule.maxBytes !== undefined && utf8.encode(value as string).length > rule.maxBytes)
        fail(`at most ${rule.maxBytes} bytes`);
      return;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) fail('a number');
      if (rule.integer && !Number.isInteger(value)) fail('an integer');
      if (rule.positive && (value as number) <= 0) fail('a positive number');
      return;
    case 'enum':
      if (typeof value !== 'string' || !rule.values.includes(value))
        fail(`one of ${rule.values.join('/')}`);
      return;
  }
}

/**
 * Parses and validates one client frame (JSON text or a parsed value). Extra fields are kept (the
 * protocol is open to additions). Throws `DiffProtocolError` naming the field.
 */
export function parseDiffClientMessage(input: unknown): DiffClientMessage {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new DiffProtocolError('DIFF_INVALID_JSON', `invalid JSON: ${(error as Error).message}`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DiffProtocolError('DIFF_INVALID_MESSAGE', 'a DIFF message must be a JSON object');
  }
  const record = value as Record<string, unknown>;
  const aid = record.aid;
  if (typeof aid !== 'string') {
    throw new DiffProtocolError('DIFF_INVALID_MESSAGE', 'missing "aid"', 'aid');
  }
  if (!Object.prototype.hasOwnProperty.call(MESSAGE_RULES, aid)) {
    throw new DiffProtocolError('DIFF_UNKNOWN_AID', `unknown aid ${JSON.stringify(aid)}`, 'aid');
  }
  const rules = MESSAGE_RULES[aid as DiffClientAid];
  for (const [name, rule] of Object.entries(rules)) check(aid, name, rule, record[name]);
  return record as unknown as DiffClientMessage;
}
