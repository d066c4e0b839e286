/**
 * Register only the ECharts parts GainLab draws with (tree-shaken build; no `import 'echarts'`).
 * Import this module once before any <VChart> mounts (main.ts does).
 */
import { getInstanceByDom, registerUpdateLifecycle, use } from 'echarts/core';
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

type InstallRegisters = Parameters<typeof CanvasRenderer>[0];
type PainterClass = Parameters<InstallRegisters['registerPainter']>[1];

/**
 * The canvas painter, made safe to dispose mid-paint. zrender paints an "incremental" layer over
 * several animation frames (15 ms of drawing per frame), and its next-frame callback reads the
 * painter's layers, which `dispose` has set to null: a chart closed mid-paint threw "Cannot read
 * properties of null (reading 'layerStack')" from a later frame. ECharts 6.1's heatmap puts every
 * cell into such a layer even with progressive rendering off (HeatmapView's render path passes no
 * `useIncremental`, so `getIncrementalId` defaults it to true), so the analyses' and Fig. 2's rate
 * maps (4 000 cells, 20–40 ms to paint here) were painted over 2–3 frames and could be closed
 * between them (the lifecycle hook below now takes heatmap cells out of that layer; this painter
 * stays for any other path to a multi-frame paint). The callback first checks that its paint is
 * still the painter's latest (`_redrawId`); dispose starts a new one, so a pending frame returns
 * before touching anything.
 * The subclass is registered through CanvasRenderer's own install, so it extends exactly the
 * painter ECharts would use. e2e/charts.spec.ts closes a chart in the middle of such a paint.
 */
function disposeSafe(Painter: PainterClass): PainterClass {
  const Base = Painter as unknown as new (...args: unknown[]) => { dispose(): void };
  class DisposeSafeCanvasPainter extends Base {
    override dispose(): void {
      (this as unknown as { _redrawId: number })._redrawId = Number.NaN; // no pending paint matches NaN
      super.dispose();
    }
  }
  return DisposeSafeCanvasPainter as unknown as PainterClass;
}

function DisposeSafeCanvasRenderer(registers: InstallRegisters): void {
  CanvasRenderer({ ...registers, registerPainter: (name, Painter) => registers.registerPainter(name, disposeSafe(Painter)) });
}

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
  DisposeSafeCanvasRenderer,
  SVGRenderer,
]);

/**
 * Animation frames a chart keeps running after it last drew something (zrender's default: 10).
 * While a job runs, its charts update a few times a second, and each update kept the page's frame
 * loop going for ten more frames (~170 ms): the loop never stopped, and each frame cost a commit of
 * the page. GainLab's charts do not animate (animation: false everywhere), so nothing is drawn in
 * those frames; a chart's next update, or a hover, starts the loop again.
 */
export const STILL_FRAMES_BEFORE_SLEEP = 1;

/**
 * The heatmap's cells painted in one frame, as any other series' shapes. ECharts 6.1's heatmap marks
 * every cell "incremental" even when it renders the whole series at once (see disposeSafe above),
 * so zrender painted a 4 000-cell rate map 15 ms per animation frame: it appeared in two or three
 * steps, and a PNG export on a HiDPI screen caught it half-painted. After each render, the cells of
 * a heatmap that is not rendered progressively (none are: CHART_THEME) leave the incremental layer.
 * e2e/charts.spec.ts checks that a 20 000-cell heatmap is whole after its first paint.
 */
registerUpdateLifecycle('series:afterupdate', (ecModel, api) => {
  api.getZr().setSleepAfterStill(STILL_FRAMES_BEFORE_SLEEP); // see above
  ecModel.eachSeriesByType('heatmap', (series) => {
    if (series.pipelineContext?.progressiveRender) return;
    const view = (api as unknown as { getViewOfSeriesModel(s: typeof series): { group: { traverse(cb: (el: { incremental?: number }) => void): void } } | undefined }).getViewOfSeriesModel(series);
    view?.group.traverse((el) => {
      if (el.incremental) el.incremental = 0;
    });
  });
});

/**
 * Every chart's theme (main.ts provides it to every <VChart>; plot export uses it too), the one
 * place progressive rendering is turned off: ECharts paints a series of more than 3 000 items
 * (scatter, heatmap, custom, boxplot) over several animation frames, each frame repainting what
 * was drawn so far, and a chart disposed before the last frame (a view closed, a plot card
 * replaced) threw "Cannot read properties of null (reading 'layerStack')" from the next frame.
 * GainLab's largest series (Supp. 3g: 5 000 points; an N = 1 000 spectrum) paint in one frame of
 * a few ms. e2e/charts.spec.ts disposes a 20 000-point chart mid-paint; e2e/visual.spec.ts audits
 * every chart for progressive series. (A heatmap's cells ignored this setting: the
 * 'series:afterupdate' hook above paints them in one frame too.)
 */
export const CHART_THEME = { progressive: 0 } as const;

/**
 * The chart instance behind a chart's element: the visual e2e spec (e2e/visual.spec.ts) reads each
 * chart's axis titles and the tick labels ECharts actually drew through it. Read-only use.
 */
(globalThis as { __gainlabChartOf?: typeof getInstanceByDom }).__gainlabChartOf = getInstanceByDom;
