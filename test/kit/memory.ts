// How much memory this process keeps while `work` runs: the JavaScript heap and the
// buffers outside it, each sample taken right after a full garbage collection. RSS would
// also count pipe chunks already read but not yet collected (hundreds of MB a second when
// a script floods its output), which says how lazy V8 is, not what the code under test keeps.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

function retained(): number {
  collectGarbage();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

/**
 * The peak growth of what is retained while `work` runs, sampled every `everyMs` (none with
 * null) and whenever `work` calls the `sample` it is handed. Each sample is a full collection
 * of the worker's whole heap: a flood of output is better sampled by its volume than by time.
 */
export async function peakRetainedGrowth(
  work: (sample: () => void) => Promise<void>,
  everyMs: number | null = 500,
): Promise<number> {
  const before = retained();
  let peak = before;
  const sample = () => {
    peak = Math.max(peak, retained());
  };
  const sampler = everyMs === null ? undefined : setInterval(sample, everyMs);
  try {
    await work(sample);
  } finally {
    clearInterval(sampler);
  }
  sample();
  return peak - before;
}
