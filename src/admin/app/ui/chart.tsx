import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface Series {
  label: string;
  values: Array<number | null>;
  color: string;
}

/**
 * A line or bar chart (uPlot: canvas, about 20 KB gzipped). A canvas is invisible to screen readers, so every
 * chart comes with its figures as a table in a <details> under it, and the canvas is labelled with the caption.
 */
export function Chart({
  caption,
  labels,
  series,
  format = String,
  bars = false,
  height = 240,
}: {
  caption: string;
  labels: string[];
  series: Series[];
  format?: (value: number) => string;
  bars?: boolean;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const xs = labels.map((_label, index) => index);
    const plot = new uPlot(
      {
        width: Math.max(element.clientWidth, 280),
        height,
        // Bars start at zero (uPlot fits the range to the data otherwise) and keep half a slot at each end.
        scales: bars
          ? {
              x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] },
              y: { range: (_u, min, max) => [Math.min(0, min), Math.max(0, max) * 1.05 || 1] },
            }
          : { x: { time: false } },
        axes: [
          { values: (_u, ticks) => ticks.map((tick) => labels[tick] ?? "") },
          { values: (_u, ticks) => ticks.map((tick) => format(tick)), size: 80 },
        ],
        series: [
          {},
          ...series.map((one) => ({
            label: one.label,
            stroke: one.color,
            fill: bars ? one.color : undefined,
            width: 2,
            paths: bars ? uPlot.paths.bars?.({ size: [0.6, 40] }) : undefined,
            value: (_u: uPlot, value: number | null) => (value === null ? "—" : format(value)),
          })),
        ],
        legend: { show: true },
        cursor: { show: true },
      },
      [xs, ...series.map((one) => one.values)],
      element,
    );
    plot.root.querySelector("canvas")?.setAttribute("aria-hidden", "true");
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(element.clientWidth, 280), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [labels, series, format, bars, height]);

  return (
    <figure className="chart">
      <figcaption>{caption}</figcaption>
      <div ref={box} role="img" aria-label={caption} />
      <details>
        <summary>Figures</summary>
        <div className="overflow-auto">
          <table>
            <thead>
              <tr>
                <th scope="col">Label</th>
                {series.map((one) => (
                  <th scope="col" key={one.label}>
                    {one.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {labels.map((label, index) => (
                <tr key={`${index}-${label}`}>
                  <th scope="row">{label}</th>
                  {series.map((one) => (
                    <td key={one.label}>
                      {one.values[index] === null || one.values[index] === undefined ? "—" : format(one.values[index])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
