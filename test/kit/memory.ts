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

export async function peakRetainedGrowth(
  work: () => Promise<void>,
  everyMs = 500,
): Promise<number> {
  const before = retained();
  let peak = before;
  const sample = () => (peak = Math.max(peak, retained()));
  const sampler = setInterval(sample, everyMs);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  sample();
  return peak - before;
}
