/**
 * Plot export: each plot is drawn again off screen from its option — with the SVG renderer for
 * .svg (ECharts' server-side string rendering, so the file is the chart's vectors, not a picture
 * of the screen) and with the canvas renderer at 2× for .png. Nothing on screen is touched. Both use
 * the app's chart theme: a progressive series would put only its first chunk into the PNG.
 */
import { init, type EChartsCoreOption } from 'echarts/core';
import { CHART_THEME } from './echarts.js';

export const EXPORT_WIDTH = 800;
export const EXPORT_HEIGHT = 500;

function forExport(option: EChartsCoreOption, title: string): EChartsCoreOption {
  // tooltips mean nothing in a file; a title says what the figure is
  return { ...option, animation: false, tooltip: undefined, title: undefined, backgroundColor: '#ffffff', aria: { enabled: true, label: { description: title } } };
}

export function plotToSvg(option: EChartsCoreOption, title: string, width = EXPORT_WIDTH, height = EXPORT_HEIGHT): string {
  const chart = init(null, CHART_THEME, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(forExport(option, title));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

// the DOM as far as the PNG export needs it (this module is also type-checked and tested under Node)
interface ExportHolder {
  style: { cssText: string };
  remove(): void;
}
interface ExportDocument {
  createElement(tag: 'div'): ExportHolder;
  body: { appendChild(node: ExportHolder): unknown };
}

export function plotToPngDataUrl(option: EChartsCoreOption, title: string, width = EXPORT_WIDTH, height = EXPORT_HEIGHT): string {
  const doc = (globalThis as unknown as { document: ExportDocument }).document;
  const holder = doc.createElement('div');
  holder.style.cssText = `position:fixed;left:-10000px;top:0;width:${width}px;height:${height}px;`;
  doc.body.appendChild(holder);
  // devicePixelRatio 1, below the export's 2: zrender then draws every shape into the image. At
  // the screen's ratio (2 on a HiDPI display) it composites the layers painted so far, and a
  // heatmap's cells paint over several frames (plots/echarts.ts): a third of them were missing.
  const chart = init(holder as unknown as Parameters<typeof init>[0], CHART_THEME, { renderer: 'canvas', width, height, devicePixelRatio: 1 });
  try {
    chart.setOption(forExport(option, title));
    return chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#ffffff' });
  } finally {
    chart.dispose();
    holder.remove();
  }
}

export function dataUrlBytes(url: string): Uint8Array {
  const base64 = url.slice(url.indexOf(',') + 1);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
