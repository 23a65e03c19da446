/**
 * The tear sheets' language and colour convention. `en` (the default) reads like quantstats' report,
 * gains in green; `zh` is in Chinese with gains in red and losses in green, as Chinese fund reports
 * and trading screens colour them.
 */
export type SheetLang = 'en' | 'zh';

export const SHEET_LANGS: readonly SheetLang[] = ['en', 'zh'];

/** The period words per frequency, in both languages (see `periodWords`). */
const PERIOD_ZH: Record<string, string> = {
  Daily: '日',
  Day: '日',
  Weekly: '周',
  Week: '周',
  Monthly: '月',
  Month: '月',
  Quarterly: '季',
  Quarter: '季',
  Yearly: '年',
  Year: '年',
};

/** "Best Day" → 最好单日, but "Best Month" → 最好月份 as the calendar row of that name. */
const SINGLE_ZH: Record<string, string> = {
  Day: '单日',
  Week: '单周',
  Month: '月份',
  Quarter: '季度',
  Year: '年份',
};

/** Fixed texts of the sheets: headings, report rows (quantstats' names), table heads. */
const ZH: Record<string, string> = {
  // Report row groups and rows (metric-rows.ts).
  'Period and exposure': '区间与持仓',
  'Start Period': '起始日期',
  'End Period': '截止日期',
  'Risk-Free Rate': '无风险利率',
  'Time in Market': '持仓时间占比',
  'Cumulative Return': '累计收益',
  'CAGR﹪': '年化收益（CAGR）',
  'Risk-adjusted ratios': '风险调整收益',
  Sharpe: '夏普比率',
  'Prob. Sharpe Ratio': '概率夏普比率',
  'Smart Sharpe': '智能夏普比率',
  Sortino: '索提诺比率',
  'Smart Sortino': '智能索提诺比率',
  'Sortino/√2': '索提诺/√2',
  'Smart Sortino/√2': '智能索提诺/√2',
  Omega: 'Omega 比率',
  Drawdown: '回撤',
  'Max Drawdown': '最大回撤',
  'Max DD Date': '最大回撤日',
  'Max DD Period Start': '最大回撤开始',
  'Max DD Period End': '最大回撤结束',
  'Longest DD Days': '最长回撤天数',
  'Avg. Drawdown Days': '平均回撤天数',
  'Volatility and distribution': '波动与分布',
  'Volatility (ann.)': '年化波动率',
  'R²': 'R²（拟合优度）',
  'Information Ratio': '信息比率',
  Calmar: '卡玛比率',
  Skew: '偏度',
  Kurtosis: '峰度',
  'Other risk-adjusted measures': '其他风险调整指标',
  'Ulcer Performance Index': '溃疡绩效指数',
  'Risk-Adjusted Return': '风险调整收益率',
  'Risk-Return Ratio': '收益风险比',
  Stability: '稳定性',
  'Average returns': '平均收益',
  'Avg. Return': '平均收益',
  'Avg. Win': '平均盈利',
  'Avg. Loss': '平均亏损',
  'Win/Loss Ratio': '盈亏比',
  'Profit Ratio': '收益比率',
  'Expected returns and tail risk': '预期收益与尾部风险',
  'Expected Monthly': '预期月收益',
  'Expected Yearly': '预期年收益',
  'Kelly Criterion': '凯利比例',
  'Risk of Ruin': '破产风险',
  'Expected Shortfall (cVaR)': '条件风险价值（CVaR）',
  Streaks: '连续盈亏',
  'Max Consecutive Wins': '最长连续盈利',
  'Max Consecutive Losses': '最长连续亏损',
  'Trade-quality ratios': '收益质量',
  'Gain/Pain Ratio': '收益痛苦比',
  'Gain/Pain (1M)': '收益痛苦比（月）',
  'Payoff Ratio': '赔率',
  'Profit Factor': '盈利因子',
  'Common Sense Ratio': '常识比率',
  'CPC Index': 'CPC 指数',
  'Tail Ratio': '尾部比率',
  'Outlier Win Ratio': '极端盈利比',
  'Outlier Loss Ratio': '极端亏损比',
  'Period returns': '区间收益',
  MTD: '本月以来',
  '3M': '近 3 月',
  '6M': '近 6 月',
  YTD: '今年以来',
  '1Y': '近 1 年',
  '3Y (ann.)': '近 3 年（年化）',
  '5Y (ann.)': '近 5 年（年化）',
  '10Y (ann.)': '近 10 年（年化）',
  'All-time (ann.)': '成立以来（年化）',
  'Best and worst': '最好与最差',
  'Best Month': '最好月份',
  'Worst Month': '最差月份',
  'Best Year': '最好年份',
  'Worst Year': '最差年份',
  'Averages and win rates by period': '各周期均值与胜率',
  'Avg. Up Month': '上涨月平均',
  'Avg. Down Month': '下跌月平均',
  'Win Month': '月胜率',
  'Win Quarter': '季胜率',
  'Win Year': '年胜率',
  Benchmark: '基准',
  Beta: '贝塔',
  Alpha: '阿尔法',
  Correlation: '相关系数',
  'Treynor Ratio': '特雷诺比率',
  'Up Capture': '上行捕获率',
  'Down Capture': '下行捕获率',
  'Tracking Error': '跟踪误差',
  Other: '其他',
  'Serenity Index': '宁静指数',
  'Recovery Factor': '恢复因子',
  'Ulcer Index': '溃疡指数',
  // Sheet texts (tear-sheet.ts).
  Cumulative: '累计收益',
  CAGR: '年化收益',
  'Max drawdown': '最大回撤',
  Volatility: '年化波动',
  'Cumulative return': '累计收益',
  'Cumulative return vs benchmark': '累计收益与基准',
  'Drawdown (underwater)': '回撤（水下曲线）',
  'Monthly returns': '月度收益',
  'Yearly returns': '年度收益',
  'Worst drawdowns': '最大的几次回撤',
  Started: '开始',
  Valley: '谷底',
  Recovered: '修复',
  Depth: '幅度',
  Days: '天数',
  'not recovered': '未修复',
  'No drawdown in the range.': '区间内没有回撤。',
  'Key performance metrics': '主要业绩指标',
  Metric: '指标',
  Year: '年份',
  'Rolling statistics': '滚动指标',
  'The series is shorter than one rolling window.': '序列短于一个滚动窗口。',
  Metrics: '指标',
  Product: '产品',
  'Prob. Sharpe': '概率夏普',
  'Max DD': '最大回撤',
  'Win rate': '胜率',
  'Info. ratio': '信息比率',
  'Correlation of returns': '收益相关性',
  'tear sheet': '业绩报告',
  'in the order asked': '按请求顺序',
  'highest first': '从高到低',
  'lowest first': '从低到高',
};

const MONTHS_EN = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

/** What a sheet says and how it colours, in one language. */
export interface SheetWords {
  lang: SheetLang;
  /** A fixed text in the sheet's language (the English text is the key). */
  t(text: string): string;
  /** Row labels named after the series' frequency ("Expected Daily", "Best Day", "Win Days"…). */
  expected(adjective: string): string;
  valueAtRisk(adjective: string): string;
  best(noun: string): string;
  worst(noun: string): string;
  wins(noun: string): string;
  months: string[];
  observations(n: number): string;
  commonDates(n: number): string;
  benchmark(name: string): string;
  convention(name: string): string;
  rankedBy(key: string, order: string): string;
  comparisonOf(n: number): string;
  drawnOf(shown: number, total: number): string;
  rollingSharpe(window: number): string;
  rollingVolatility(window: number): string;
  lastMonths(n: number): string;
  firstOf(n: number): string;
  /** Text colours of gains and losses, and heat-map cell colours (r,g,b). */
  gain: string;
  loss: string;
  heatGain: string;
  heatLoss: string;
}

const ENGLISH: SheetWords = {
  lang: 'en',
  t: (text) => text,
  expected: (adjective) => `Expected ${adjective}`,
  valueAtRisk: (adjective) => `${adjective} Value-at-Risk`,
  best: (noun) => `Best ${noun}`,
  worst: (noun) => `Worst ${noun}`,
  wins: (noun) => `Win ${noun}s`,
  months: MONTHS_EN,
  observations: (n) => `${n} observations`,
  commonDates: (n) => `${n} common dates`,
  benchmark: (name) => `benchmark ${name}`,
  convention: (name) => `convention ${name}`,
  rankedBy: (key, order) => `ranked by ${key} (${order})`,
  comparisonOf: (n) => `Comparison of ${n} products`,
  drawnOf: (shown, total) => ` (the first ${shown} of ${total} drawn)`,
  rollingSharpe: (window) => `Rolling Sharpe (${window} periods)`,
  rollingVolatility: (window) => `Rolling volatility (${window} periods, ann.)`,
  lastMonths: (n) => `Monthly returns (last ${n} months) and yearly returns`,
  firstOf: (n) => ` (first ${n})`,
  gain: '#1a7f37',
  loss: '#cf222e',
  heatGain: '45,164,78',
  heatLoss: '207,34,46',
};

const zh = (text: string) => ZH[text] ?? text;

const CHINESE: SheetWords = {
  lang: 'zh',
  t: zh,
  expected: (adjective) => `预期${PERIOD_ZH[adjective] ?? adjective}收益`,
  valueAtRisk: (adjective) => `${PERIOD_ZH[adjective] ?? adjective}风险价值（VaR）`,
  best: (noun) => `最好${SINGLE_ZH[noun] ?? noun}`,
  worst: (noun) => `最差${SINGLE_ZH[noun] ?? noun}`,
  // The share of periods with a gain (the calendar rows "Win Month"… are 月胜率…).
  wins: (noun) => `盈利${PERIOD_ZH[noun] ?? noun}占比`,
  months: Array.from({ length: 12 }, (_, i) => `${i + 1}月`),
  observations: (n) => `${n} 个观测`,
  commonDates: (n) => `${n} 个共同日期`,
  benchmark: (name) => `基准 ${name}`,
  convention: (name) => `口径 ${name}`,
  rankedBy: (key, order) => `按 ${key} 排序（${order}）`,
  comparisonOf: (n) => `${n} 个产品对比`,
  drawnOf: (shown, total) => `（绘出 ${total} 个中的前 ${shown} 个）`,
  rollingSharpe: (window) => `滚动夏普比率（${window} 期）`,
  rollingVolatility: (window) => `滚动波动率（${window} 期，年化）`,
  lastMonths: (n) => `近 ${n} 个月的月度收益与年度收益`,
  firstOf: (n) => `（前 ${n} 个）`,
  gain: '#cf222e',
  loss: '#1a7f37',
  heatGain: '207,34,46',
  heatLoss: '45,164,78',
};

/** Which colour gains take: green (the English default) or red (the Chinese default, and the trading screen's). */
export type GainColours = 'green' | 'red';

/**
 * The words of a sheet and its gain/loss colours: by default gains green in English and red in
 * Chinese; `gains` overrides (the web terminal passes its own, so a sheet beside its tables agrees).
 */
export function sheetWords(lang: SheetLang = 'en', gains?: GainColours): SheetWords {
  const words = lang === 'zh' ? CHINESE : ENGLISH;
  const wanted = gains ?? (lang === 'zh' ? 'red' : 'green');
  const isRed = words.gain === CHINESE.gain;
  if ((wanted === 'red') === isRed) return words;
  return {
    ...words,
    gain: words.loss,
    loss: words.gain,
    heatGain: words.heatLoss,
    heatLoss: words.heatGain,
  };
}

/** `gains=red|green` of a request (absent: by language). */
export function gainColours(value: unknown): GainColours | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (value !== 'red' && value !== 'green') throw new Error('gains must be red or green');
  return value;
}
