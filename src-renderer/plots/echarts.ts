/**
 * Register only the ECharts parts GainLab draws with (tree-shaken build; no `import 'echarts'`).
 * Import this module once before any <VChart> mounts (main.ts does).
 */
import { getInstanceByDom, use } from 'echarts/core';
// CustomChart: the workspace's rate map is one image over the plot area (RateHeatmap.vue)
import { BarChart, BoxplotChart, CustomChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  MarkLineComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
// SVG: the analyses' plot export renders each plot again with the SVG renderer
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';

use([
  LineChart,
  HeatmapChart,
  CustomChart,
  BarChart,
  BoxplotChart,
  ScatterChart,
  MarkLineComponent,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  VisualMapComponent,
  CanvasRenderer,
  SVGRenderer,
]);

/**
 * Every chart's theme (main.ts provides it to every <VChart>): ECharts paints a series of more
 * than 3 000 items (scatter, heatmap, custom, boxplot) over several animation frames, and a chart
 * disposed before the last frame (a view closed, a plot card replaced) throws "Cannot read
 * properties of null (reading 'layerStack')" from the next frame. GainLab's largest series
 * (Supp. 3g: 5 000 points; an N = 1 000 spectrum) paint in one frame of a few ms, so every series
 * paints in one frame. e2e/charts.spec.ts disposes a 20 000-point chart mid-paint.
 */
export const CHART_THEME = { progressive: 0 } as const;

/**
 * The chart instance behind a chart's element: the visual e2e spec (e2e/visual.spec.ts) reads each
 * chart's axis titles and the tick labels ECharts actually drew through it. Read-only use.
 */
(globalThis as { __gainlabChartOf?: typeof getInstanceByDom }).__gainlabChartOf = getInstanceByDom;
