// How much this process's memory grows while `work` runs, collecting garbage as it goes.
// V8 frees external memory (pipe chunks already read) late, and later still in a warm test
// worker whose heap earlier files grew: sampled RSS alone measures that laziness, not what
// the code under test keeps.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

export async function peakRssGrowth(work: () => Promise<void>, everyMs = 250): Promise<number> {
  collectGarbage();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
  const sampler = setInterval(() => {
    collectGarbage();
    sample();
  }, everyMs);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  sample();
  return peak - before;
}
