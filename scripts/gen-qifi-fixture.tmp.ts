import { QifiAccount } from '../libs/qifi/src/account-engine';
const T0 = Date.parse('2025-03-27T01:30:00Z');
const a = new QifiAccount({
  accountCookie: '85678901',
  initCash: 1_000_000,
  tradingDay: '20250327',
  brokerName: 'simnow',
  investorName: '张三',
});
a.insertOrder(
  {
    order_id: 'strategy1.0001',
    exchange_id: 'SHFE',
    instrument_id: 'au2512',
    direction: 'BUY',
    offset: 'OPEN',
    volume: 2,
    limit_price: 600.02,
  },
  T0,
);
a.receiveDeal(
  'strategy1.0001',
  { price: 600.02, volume: 2, exchange_trade_id: '   12345' },
  T0 + 1500,
);
a.insertOrder(
  {
    order_id: 'strategy1.0002',
    exchange_id: 'DCE',
    instrument_id: 'm2505',
    direction: 'SELL',
    offset: 'OPEN',
    volume: 5,
    limit_price: 2990,
  },
  T0 + 2000,
);
a.receiveDeal('strategy1.0002', { price: 2990, volume: 3 }, T0 + 2500);
a.insertOrder(
  {
    order_id: 'strategy1.0003',
    exchange_id: 'SSE',
    instrument_id: '600000',
    direction: 'BUY',
    offset: 'OPEN',
    volume: 1000,
    limit_price: 10.01,
  },
  T0 + 3000,
);
a.updatePrice('SHFE.au2512', 601.5);
a.updatePrice('DCE.m2505', 2985);
a.transfer(50_000, T0 - 60_000);
const doc = a.toQifi('2025-03-27 09:30:05');
doc.password = 'secret';
doc.eventmq_ip = 'amqp://admin:admin@127.0.0.1:5672/';
doc.wsuri = 'ws://127.0.0.1:7988';
doc.pub_host = '127.0.0.1';
doc.trade_host = '127.0.0.1';
doc.banks = {
  '1': {
    id: '1',
    name: '工商银行',
    bank_account: '6222****1234',
    fetch_amount: 88888.8,
    qry_count: 2,
  },
};
doc.event = { '2025-03-27 09:29:58': '登录成功', '2025-03-27 09:30:01': '下单成功' };
doc.settlement = { '20250326': '交易结算单(盯市)\n客户号 85678901' };
doc.executions = {
  'exec-1': {
    exec_id: 'exec-1',
    account_cookie: '85678901',
    strategy_id: 'twap',
    instrument_id: 'rb2505',
    exchange_id: 'SHFE',
    direction: 'BUY',
    offset: 'OPEN',
    volume_total: 10,
    volume_filled: 4,
    price_limit: 3320,
    create_time: 1743039000000000000,
    start_time: 1743039001000000000,
    end_time: null,
    status: 'RUNNING',
    algorithm: 'TWAP',
    parameters: {
      slices: 5,
      interval: 60000000000,
      current_slice: 2,
      next_slice_time: 1743039121000000000,
    },
    order_ids: ['twap.1', 'twap.2'],
    avg_price: 3318.5,
    commission: 13.27,
    progress: 0.4,
    last_update_time: 1743039061000000000,
    is_paused: false,
    is_cancelling: false,
    metrics: { market_impact: 0.5, slippage: -1.5, arrival_price: 3317, vwap: 3318.2 },
  },
};
process.stdout.write(JSON.stringify(doc, null, 1));
