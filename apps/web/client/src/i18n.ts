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
  if (!match) return text;
  const [, what, rule, detail] = match;
  const sentence = RULES[rule!]?.[lang];
  const prefix = lang === 'zh' ? what! : what === '下单失败' ? 'Order refused' : 'Cancel refused';
  return sentence ? `${prefix}: ${sentence} (${detail})` : `${prefix}: ${rule}: ${detail}`;
}

/** An order's `last_msg` with a risk rule (`ORDER_NOTIONAL: detail`) in plain words. */
export function plainReason(text: string, lang: Lang): string {
  const match = /^([A-Z_]+):\s*(.*)$/.exec(text);
  const sentence = match ? RULES[match[1]!]?.[lang] : undefined;
  return sentence ? `${sentence} (${match![2]})` : text;
}

export const LangContext = createContext<{ lang: Lang; t: (key: Key) => string }>({
  lang: 'zh',
  t: (key) => ZH[key],
});

export const useI18n = () => useContext(LangContext);

/** The colour theme: charts read their colours from the theme's CSS variables and redraw on a change. */
export const ThemeContext = createContext<'dark' | 'light'>('dark');
