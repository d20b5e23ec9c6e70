// Vega-Lite spec → static SVG string, in Node, at report time: compile to Vega, run the dataflow
// headless (renderer 'none'), serialize the scenegraph. No canvas, no network, no DOM.
import * as vega from 'vega';
import {compile, type TopLevelSpec} from 'vega-lite';

export const CHART_CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  view: {stroke: '#ddd'},
  axis: {labelFontSize: 11, titleFontSize: 12, gridColor: '#eee'},
  legend: {labelFontSize: 11, titleFontSize: 12, labelLimit: 260},
  title: {fontSize: 14, anchor: 'start' as const},
};

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const withConfig = {...spec, config: {...CHART_CONFIG, ...(spec.config ?? {})}} as TopLevelSpec;
  const vgSpec = compile(withConfig).spec;
  // Refuse any data loading: every chart's data is inlined, and a report must build offline.
  const loader = vega.loader();
  loader.load = async (uri: string) => {
    throw new Error(`chart tried to load '${uri}': reports never fetch data`);
  };
  const view = new vega.View(vega.parse(vgSpec), {renderer: 'none', loader});
  try {
    return withTitles(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/**
 * Hover text without script (the page's CSP runs none but the table sorter): every mark item vega
 * described for screen readers (aria-label, from the spec's `description` or tooltip fields) also
 * gets that text as an SVG <title>, which browsers show on hover. The text is vega's attribute
 * value, already entity-escaped, so it is as safe inside the element as it was in the attribute.
 */
export function withTitles(svg: string): string {
  return svg.replace(
    /<path ([^<>]*?)aria-label="([^"<>]*)"([^<>]*?)\/>/g,
    (_m, before: string, label: string, after: string) =>
      `<path ${before}aria-label="${label}"${after}><title>${label}</title></path>`,
  );
}
