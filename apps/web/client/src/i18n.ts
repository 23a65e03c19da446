import { createContext, useContext } from 'react';

export type Lang = 'zh' | 'en';

const EN = {
  appName: 'QAUTLRA',
  signIn: 'Sign in',
  signOut: 'Sign out',
  user: 'User',
  password: 'Password',
  demoHint: 'Demo account',
  market: 'Market',
  trade: 'Trading',
  connected: 'connected',
  connecting: 'connecting…',
  reconnecting: 'reconnecting…',
  degraded: 'source down',
  signedOut: 'signed out',
  watchlist: 'Market watch',
  addInstrument: 'Add instrument (code or name)…',
  remove: 'Remove',
  instrument: 'Instrument',
  last: 'Last',
  change: 'Chg %',
  bid: 'Bid',
  ask: 'Ask',
  bidVol: 'Bid vol',
  askVol: 'Ask vol',
  volume: 'Volume',
  openInterest: 'Open int.',
  upperLimit: 'Limit up',
  lowerLimit: 'Limit down',
  orderBook: 'Order book',
  ticks: 'Ticks',
  candles: 'Candles',
  noHistory: 'No recorded history yet: bars grow from live ticks.',
  buy: 'Buy',
  sell: 'Sell',
  open: 'Open',
  close: 'Close',
  closeToday: 'Close today',
  limit: 'Limit',
  marketOrder: 'Market',
  price: 'Price',
  lots: 'Lots',
  place: 'Place order',
  account: 'Account',
  balance: 'Balance',
  available: 'Available',
  margin: 'Margin',
  riskRatio: 'Risk ratio',
  floatProfit: 'Float PnL',
  closeProfit: 'Closed PnL',
  positions: 'Positions',
  orders: 'Orders',
  trades: 'Trades',
  direction: 'Side',
  offset: 'Offset',
  status: 'Status',
  filled: 'Filled',
  time: 'Time',
  cancel: 'Cancel',
  long: 'Long',
  short: 'Short',
  today: 'Today',
  history: 'Yd',
  avgPrice: 'Avg price',
  none: 'Nothing here yet.',
  theme: 'Theme',
  dark: 'Dark',
  light: 'Light',
  apis: 'APIs',
  orderSent: 'Order sent',
  selectInstrument: 'Select an instrument in the market watch.',
  alive: 'ALIVE',
  finished: 'FINISHED',
  loginFailed: 'Sign-in failed',
  funds: 'Funds',
  convention: 'Convention',
  benchmark: 'Benchmark',
  noBenchmark: 'none',
  compare: 'Compare',
  importNav: 'Import NAV…',
  importing: 'Importing…',
  imported: 'Imported',
  importRejected: 'Nothing imported',
  sheet: 'Sheet',
  row: 'Row',
  column: 'Column',
  reason: 'Problem',
  fundsDown: 'Fund analytics is not reachable',
  noFunds: 'No products yet: import an Excel or CSV file of NAVs.',
  product: 'Product',
  navPoints: 'Points',
  cumulative: 'Cumulative',
  cagr: 'CAGR',
  sharpe: 'Sharpe',
  sortino: 'Sortino',
  maxDrawdown: 'Max DD',
  volatilityAnn: 'Volatility',
  calmar: 'Calmar',
  tearSheet: 'Tear sheet',
  comparisonSheet: 'Comparison',
  openNewTab: 'Open in a new tab ↗',
  pickFund: 'Pick a product to see its tear sheet.',
} as const;

export type Key = keyof typeof EN;

const ZH: Record<Key, string> = {
  appName: 'QAUTLRA',
  signIn: '登录',
  signOut: '退出',
  user: '用户名',
  password: '密码',
  demoHint: '演示账户',
  market: '行情',
  trade: '交易',
  connected: '已连接',
  connecting: '连接中…',
  reconnecting: '重连中…',
  degraded: '行情源断开',
  signedOut: '未登录',
  watchlist: '自选行情',
  addInstrument: '添加合约（代码或名称）…',
  remove: '删除',
  instrument: '合约',
  last: '最新价',
  change: '涨跌幅',
  bid: '买价',
  ask: '卖价',
  bidVol: '买量',
  askVol: '卖量',
  volume: '成交量',
  openInterest: '持仓量',
  upperLimit: '涨停',
  lowerLimit: '跌停',
  orderBook: '五档盘口',
  ticks: '分时',
  candles: 'K线',
  noHistory: '暂无历史数据：K线由实时行情生成。',
  buy: '买入',
  sell: '卖出',
  open: '开仓',
  close: '平仓',
  closeToday: '平今',
  limit: '限价',
  marketOrder: '市价',
  price: '价格',
  lots: '手数',
  place: '下单',
  account: '账户',
  balance: '动态权益',
  available: '可用资金',
  margin: '保证金',
  riskRatio: '风险度',
  floatProfit: '浮动盈亏',
  closeProfit: '平仓盈亏',
  positions: '持仓',
  orders: '委托',
  trades: '成交',
  direction: '方向',
  offset: '开平',
  status: '状态',
  filled: '已成交',
  time: '时间',
  cancel: '撤单',
  long: '多',
  short: '空',
  today: '今',
  history: '昨',
  avgPrice: '均价',
  none: '暂无数据',
  theme: '主题',
  dark: '深色',
  light: '浅色',
  apis: '接口文档',
  orderSent: '委托已发送',
  selectInstrument: '请在自选行情中选择合约。',
  alive: '未完成',
  finished: '已完成',
  loginFailed: '登录失败',
  funds: '基金',
  convention: '口径',
  benchmark: '基准',
  noBenchmark: '无',
  compare: '对比',
  importNav: '导入净值…',
  importing: '导入中…',
  imported: '已导入',
  importRejected: '未导入',
  sheet: '工作表',
  row: '行',
  column: '列',
  reason: '问题',
  fundsDown: '基金分析服务不可用',
  noFunds: '暂无产品：请导入净值 Excel 或 CSV 文件。',
  product: '产品',
  navPoints: '净值数',
  cumulative: '累计收益',
  cagr: '年化收益',
  sharpe: '夏普',
  sortino: '索提诺',
  maxDrawdown: '最大回撤',
  volatilityAnn: '年化波动',
  calmar: '卡玛',
  tearSheet: '业绩报告',
  comparisonSheet: '产品对比',
  openNewTab: '新窗口打开 ↗',
  pickFund: '选择一个产品查看业绩报告。',
};

export const DICTIONARIES: Record<Lang, Record<Key, string>> = { en: EN, zh: ZH };

/** Pre-trade risk rules (libs/risk) in plain words. */
export const RULES: Record<string, Record<Lang, string>> = {
  INSUFFICIENT_FUNDS: { en: 'Not enough available funds for this order.', zh: '可用资金不足。' },
  POSITION_LIMIT: { en: 'The order would exceed your position limit.', zh: '超过持仓限额。' },
  ORDER_VOLUME: {
    en: 'The order is larger than the per-order volume limit.',
    zh: '超过单笔委托数量上限。',
  },
  ORDER_NOTIONAL: {
    en: 'The order value is above the per-order limit.',
    zh: '超过单笔委托金额上限。',
  },
  SELF_TRADE: {
    en: 'It would trade against your own resting order.',
    zh: '可能与自己的挂单成交（自成交）。',
  },
  INSTRUMENT_NOT_FOUND: { en: 'Unknown instrument.', zh: '合约不存在。' },
  INVALID_ORDER: { en: 'The order is not valid.', zh: '委托参数无效。' },
  ACCOUNT_HALTED: { en: 'Trading is halted for this account.', zh: '账户已暂停交易。' },
  ACCOUNT_REDUCING: { en: 'This account may only reduce positions.', zh: '账户只允许减仓。' },
  DUPLICATE_ORDER_ID: { en: 'This order was already sent.', zh: '重复的委托编号。' },
  NOT_TRADING: { en: 'The market is closed for this instrument.', zh: '当前不在交易时间。' },
  PRICE_TICK: { en: 'The price is not on the tick grid.', zh: '价格不是最小变动价位的整数倍。' },
  PRICE_LIMIT: { en: 'The price is outside the daily limits.', zh: '价格超出涨跌停板。' },
  INSUFFICIENT_POSITION: { en: 'Not enough position to close.', zh: '可平仓位不足。' },
  T_PLUS_ONE: {
    en: 'Shares bought today can be sold tomorrow (T+1).',
    zh: '当日买入的股票次日才能卖出（T+1）。',
  },
  ORDER_RATE: { en: 'Too many orders per second: slow down.', zh: '下单过于频繁。' },
  CANCEL_RATE: { en: 'Too many cancels per second: slow down.', zh: '撤单过于频繁。' },
  DAILY_ORDER_CAP: { en: 'The daily order count is used up.', zh: '已达当日委托次数上限。' },
  DAILY_CANCEL_CAP: { en: 'The daily cancel count is used up.', zh: '已达当日撤单次数上限。' },
};

/**
 * A trade-server notice in plain words: `下单失败: RULE: detail` becomes the rule's sentence
 * (the detail kept after it); other texts pass unchanged.
 */
export function plainNotice(text: string, lang: Lang): string {
  const match = /^(下单失败|撤单失败):\s*([A-Z_]+):\s*(.*)$/.exec(text);
  if (!match) return serverText(text, lang);
  const [, what, rule, detail] = match;
  const sentence = RULES[rule!]?.[lang];
  const prefix = lang === 'zh' ? what! : what === '下单失败' ? 'Order refused' : 'Cancel refused';
  return sentence ? `${prefix}: ${sentence} (${detail})` : `${prefix}: ${rule}: ${detail}`;
}

/**
 * The trade server's own Chinese status texts (DIFF `last_msg` and notifies, as the original and
 * OTG write them) in English; in Chinese they stay as they are. Longest prefix first.
 */
const SERVER_TEXTS: readonly (readonly [string, string])[] = [
  ['已撤单: 收盘撤单', 'Cancelled at the close'],
  ['已撤单', 'Cancelled'],
  ['全部成交', 'Filled'],
  ['部分成交', 'Partly filled'],
  ['已报', 'Accepted'],
  ['登录成功', 'Logged in'],
  ['用户登录失败', 'Login failed'],
  ['修改密码成功', 'Password changed'],
  ['转账成功', 'Transfer done'],
  ['转账失败', 'Transfer refused'],
  ['结算完成', 'Settled'],
  ['下单失败', 'Order refused'],
  ['撤单失败', 'Cancel refused'],
];

/** A server status text in the page's language (unknown texts pass unchanged). */
export function serverText(text: string, lang: Lang): string {
  if (lang === 'zh') return text;
  const known = SERVER_TEXTS.find(
    ([zh]) => text === zh || text.startsWith(`${zh}:`) || text.startsWith(`${zh}：`),
  );
  return known ? `${known[1]}${text.slice(known[0].length)}` : text;
}

/** An order's `last_msg` with a risk rule (`ORDER_NOTIONAL: detail`) in plain words. */
export function plainReason(text: string, lang: Lang): string {
  const match = /^([A-Z_]+):\s*(.*)$/.exec(text);
  const sentence = match ? RULES[match[1]!]?.[lang] : undefined;
  return sentence ? `${sentence} (${match![2]})` : serverText(text, lang);
}

export const LangContext = createContext<{ lang: Lang; t: (key: Key) => string }>({
  lang: 'zh',
  t: (key) => ZH[key],
});

export const useI18n = () => useContext(LangContext);

/** The colour theme: charts read their colours from the theme's CSS variables and redraw on a change. */
export const ThemeContext = createContext<'dark' | 'light'>('dark');
