/**
 * Compiles a Vega-Lite spec and renders it to an SVG string in Node with Vega's headless
 * renderer (`renderer: 'none'`: no browser, no canvas). vega and vega-lite 6 are ESM-only, so
 * they are loaded with a dynamic `import()` here, which also works from the CommonJS build.
 *
 * @param spec a Vega-Lite (v6) specification, data inlined.
 * @returns the chart as a standalone SVG document.
 */
export async function renderVegaLiteToSvg(spec: Record<string, unknown>): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vegaLite.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
