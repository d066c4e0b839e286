/**
 * Figures (src-shared/experiments/figureSpec.ts) → standalone SVG text by ECharts server-side
 * rendering: echarts.init(null, null, { renderer: 'svg', ssr: true, width, height }) and
 * renderToSVGString() need no DOM, so this runs in plain Node (the CLI). Animation is off so the
 * first frame is the final one.
 */
import * as echarts from 'echarts';
import type { FigureSpec } from '../../src-shared/experiments/figureSpec.js';
import { figureOption } from '../../src-shared/experiments/figureOption.js';

export { figureOption };

export interface SvgSize {
  width?: number;
  height?: number;
}

/** One figure as standalone SVG text. */
export function renderFigureSvg(figure: FigureSpec, size: SvgSize = {}): string {
  const width = size.width ?? (figure.kind === 'heatmap' ? 640 : 720);
  const height = size.height ?? (figure.kind === 'heatmap' ? 600 : 440);
  // ssr: true needs no DOM element; the cast is ECharts' documented SSR call.
  const chart = echarts.init(null as unknown as Parameters<typeof echarts.init>[0], null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(figureOption(figure) as echarts.EChartsOption);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
