const BARS = "▁▂▃▄▅▆▇█";

/** Values as one line of block characters, scaled to their maximum; at most `width` wide. */
export function sparkline(values: readonly number[], width = 40): string {
  if (values.length === 0) return "";
  // Too many values: each character shows the largest of its share (a spike stays visible).
  const per = Math.ceil(values.length / width);
  const buckets: number[] = [];
  for (let i = 0; i < values.length; i += per) buckets.push(Math.max(...values.slice(i, i + per)));
  const top = Math.max(...buckets);
  return buckets
    .map(
      (v) =>
        BARS[top <= 0 ? 0 : Math.min(BARS.length - 1, Math.floor((v / top) * (BARS.length - 1)))],
    )
    .join("");
}
