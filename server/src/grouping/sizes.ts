/**
 * How many groups, and of which sizes, a pool of people splits into for a target size.
 * Rules: sizes within a pool differ by at most one; as close to the target as the count allows;
 * a group of one or two only when the pool itself is that small.
 */
export function groupSizes(count: number, target: number): number[] {
  if (count <= 0) return [];
  const groups = bestGroupCount(count, target);
  return evenSizes(count, groups);
}

/**
 * True when the count splits into groups whose sizes all lie within target ± 1 and are at least 3
 * (or is empty): a group of two is never "well" split, even for a target of 3.
 */
export function splitsWell(count: number, target: number): boolean {
  if (count === 0) return true;
  const groups = Math.ceil(count / (target + 1));
  return groups * Math.max(3, target - 1) <= count;
}

export function evenSizes(count: number, groups: number): number[] {
  const base = Math.floor(count / groups);
  const larger = count % groups;
  return Array.from({ length: groups }, (_, i) => base + (i < larger ? 1 : 0));
}

function bestGroupCount(count: number, target: number): number {
  // The best count is always near count/target, or tiny when the pool is; the tests check it
  // against the exhaustive search below.
  const near = Math.floor(count / target);
  const candidates = [1, 2, 3, near - 1, near, near + 1, near + 2].filter((g) => g >= 1 && g <= count);
  let best = 1;
  let bestKey: number[] = costKey(count, 1, target);
  for (const groups of candidates) {
    const key = costKey(count, groups, target);
    if (lexLess(key, bestKey)) {
      best = groups;
      bestKey = key;
    }
  }
  return best;
}

/** The exhaustive search the fast one must agree with; exported for the tests. */
export function groupCountByExhaustiveSearch(count: number, target: number): number {
  let best = 1;
  let bestKey: number[] = costKey(count, 1, target);
  for (let groups = 2; groups <= count; groups++) {
    const key = costKey(count, groups, target);
    if (lexLess(key, bestKey)) {
      best = groups;
      bestKey = key;
    }
  }
  return best;
}

/** Ordered criteria: no avoidable tiny group, then the worst deviation, then the spread of deviations. */
function costKey(count: number, groups: number, target: number): number[] {
  const small = Math.floor(count / groups);
  const large = Math.ceil(count / groups);
  const tiny = small < 3 && count >= 3 ? 1 : 0;
  const worst = Math.max(Math.abs(small - target), Math.abs(large - target));
  return [tiny, worst, spreadOf(count, groups, target), groups];
}

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x !== y) return x < y;
  }
  return false;
}

/**
 * Sizes for every pool at once. When all pools can use one band of two adjacent sizes
 * (target−1..target or target..target+1), use it, so that sizes across the whole session differ by
 * at most one; otherwise each pool on its own.
 */
export function poolSizes(counts: number[], target: number): number[][] {
  let chosen: number[][] | null = null;
  let chosenSpread = Infinity;
  for (const low of target > 3 ? [target, target - 1] : [target]) {
    const plan: number[][] = [];
    let spread = 0;
    let fits = true;
    for (const count of counts) {
      if (count === 0) {
        plan.push([]);
        continue;
      }
      const groups = bandGroupCount(count, low, target);
      if (groups === null) {
        // A pool too small (or oddly sized) for any band keeps its own best split; the band is
        // still worth keeping for the others.
        if (!splitsWell(count, target)) {
          plan.push(groupSizes(count, target));
          continue;
        }
        fits = false;
        break;
      }
      spread += spreadOf(count, groups, target);
      plan.push(evenSizes(count, groups));
    }
    if (fits && spread < chosenSpread) {
      chosen = plan;
      chosenSpread = spread;
    }
  }
  return chosen ?? counts.map((count) => groupSizes(count, target));
}

/** A group count whose sizes fall in low..low+1, the one nearest the target on average, or null. */
function bandGroupCount(count: number, low: number, target: number): number | null {
  const fewest = Math.ceil(count / (low + 1));
  const most = Math.floor(count / low);
  if (fewest > most || low < 1) return null;
  // The spread is convex in the group count, smallest near count / target.
  const near = Math.min(most, Math.max(fewest, Math.round(count / target)));
  let best = near;
  for (const groups of [near - 1, near + 1]) {
    if (groups >= fewest && groups <= most && spreadOf(count, groups, target) < spreadOf(count, best, target)) best = groups;
  }
  return best;
}

/** Σ (size − target)² over the groups of an even split. */
function spreadOf(count: number, groups: number, target: number): number {
  const base = Math.floor(count / groups);
  const larger = count % groups;
  return (groups - larger) * (base - target) ** 2 + larger * (base + 1 - target) ** 2;
}
