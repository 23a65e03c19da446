import * as echarts from 'echarts';

/** One line of a chart: its name, colour and values on the chart's dates (null = no value). */
export interface Line {
  name: string;
  values: readonly (number | null)[];
  color?: string;
  /** Fill the area between the line and zero (drawdowns). */
  area?: boolean;
}

export const PALETTE = [
  '#1f6feb',
  '#e36209',
  '#2da44e',
  '#8250df',
  '#bf3989',
  '#0598bc',
  '#9a6700',
  '#cf222e',
  '#57606a',
  '#116329',
  '#953800',
  '#0550ae',
];

/** Renders an ECharts option to an SVG string on the server (no DOM). */
function renderSvg(width: number, height: number, option: echarts.EChartsCoreOption): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  chart.setOption({ animation: false, ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/** The title every chart has, top left. */
const titleOf = (text: string) => ({
  text,
  left: 8,
  top: 6,
  textStyle: { fontSize: 13, fontWeight: 600, color: '#24292f' },
});

/** The legend: beside the title for two series, on its own line below it for more. */
const legendOf = (count: number) => ({
  show: count > 1,
  top: count > 2 ? 28 : 6,
  ...(count > 2 ? { left: 8 } : { right: 8 }),
  textStyle: { fontSize: 11, color: '#57606a' },
  itemWidth: 14,
  itemHeight: 8,
  type: 'plain',
});

const percent = (value: number) => `${(value * 100).toFixed(Math.abs(value) < 0.1 ? 1 : 0)}%`;

/**
 * A dated line chart rendered on the server to an SVG string (ECharts SSR): nothing runs in the
 * reader's browser, so the tear sheet is one self-contained HTML file that prints and mails well.
 */
export function lineChart(options: {
  title: string;
  dates: readonly string[];
  lines: readonly Line[];
  format: 'percent' | 'number';
  width?: number;
  height?: number;
  /** A horizontal reference line (0 for returns, drawdowns and ratios). */
  baseline?: number;
}): string {
  const width = options.width ?? 560;
  const height = options.height ?? 260;
  return renderSvg(width, height, {
    title: titleOf(options.title),
    legend: legendOf(options.lines.length),
    grid: {
      left: 56,
      right: 16,
      top: options.lines.length > 2 ? (width < 700 && options.lines.length > 4 ? 78 : 58) : 38,
      bottom: 28,
    },
    xAxis: {
      type: 'category',
      data: [...options.dates],
      boundaryGap: false,
      axisLabel: { color: '#57606a', fontSize: 10, hideOverlap: true },
      axisLine: { lineStyle: { color: '#d0d7de' } },
      axisTick: { show: false },
    },
    yAxis: {
      type: 'value',
      scale: options.format !== 'percent',
      axisLabel: {
        color: '#57606a',
        fontSize: 10,
        formatter: options.format === 'percent' ? percent : undefined,
      },
      splitLine: { lineStyle: { color: '#eaeef2' } },
    },
    series: options.lines.map((line, index) => ({
      name: line.name,
      type: 'line',
      data: [...line.values],
      showSymbol: false,
      connectNulls: false,
      lineStyle: { width: index === 0 ? 1.8 : 1.2, color: line.color ?? PALETTE[index % 12] },
      itemStyle: { color: line.color ?? PALETTE[index % 12] },
      ...(line.area ? { areaStyle: { opacity: 0.25 } } : {}),
      ...(index === 0 && options.baseline !== undefined
        ? {
            markLine: {
              silent: true,
              symbol: 'none',
              label: { show: false },
              lineStyle: { color: '#8c959f', type: 'dashed', width: 1 },
              data: [{ yAxis: options.baseline }],
            },
          }
        : {}),
    })),
  });
}

/** A bar chart by category (yearly returns), bars coloured by sign. */
export function barChart(options: {
  title: string;
  categories: readonly string[];
  bars: readonly { name: string; values: readonly (number | null)[]; color?: string }[];
  width?: number;
  height?: number;
}): string {
  return renderSvg(options.width ?? 560, options.height ?? 260, {
    title: titleOf(options.title),
    legend: legendOf(options.bars.length),
    grid: { left: 56, right: 16, top: 38, bottom: 28 },
    xAxis: {
      type: 'category',
      data: [...options.categories],
      axisLabel: { color: '#57606a', fontSize: 10 },
      axisLine: { lineStyle: { color: '#d0d7de' } },
    },
    yAxis: {
      type: 'value',
      axisLabel: { color: '#57606a', fontSize: 10, formatter: percent },
      splitLine: { lineStyle: { color: '#eaeef2' } },
    },
    series: options.bars.map((bar, index) => ({
      name: bar.name,
      type: 'bar',
      data: bar.values.map((value) =>
        options.bars.length === 1 && value !== null
          ? { value, itemStyle: { color: value >= 0 ? '#2da44e' : '#cf222e' } }
          : value,
      ),
      itemStyle: { color: bar.color ?? PALETTE[index % 12] },
      barMaxWidth: 28,
    })),
  });
}
