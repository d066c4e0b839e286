/**
 * Register only the ECharts parts GainLab draws with (tree-shaken build; no `import 'echarts'`).
 * Import this module once before any <VChart> mounts (main.ts does).
 */
import { use } from 'echarts/core';
import { BarChart, BoxplotChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
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
