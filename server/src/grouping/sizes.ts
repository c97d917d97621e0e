/** The smallest group the engine makes unless the organizer allows smaller (`minGroupSize`). */
export const defaultMinGroupSize = 3;

/**
 * How many groups, and of which sizes, a pool of people splits into for a target size. The rule,
 * in order: no group smaller than `min` while the pool has `min` people or more; every size within
 * target ± 1 where the count allows it; as many groups of exactly the target as possible; the
 * others one more or one less (never both: sizes in a pool differ by at most one); then the split
 * nearest the target overall.
 */
export function groupSizes(count: number, target: number, min = defaultMinGroupSize): number[] {
  if (count <= 0) return [];
  return evenSizes(count, bestGroupCount(count, target, min));
}

/** The narrowest size a well-split group may have: one under the target, and never under `min`. */
export function lowestWellSize(target: number, min = defaultMinGroupSize): number {
  return Math.max(min, target - 1);
}

/**
 * True when the count splits into groups whose sizes all lie within target ± 1 and are at least
 * `min` (or is empty).
 */
export function splitsWell(count: number, target: number, min = defaultMinGroupSize): boolean {
  if (count === 0) return true;
  const groups = Math.ceil(count / (target + 1));
  return groups * lowestWellSize(target, min) <= count;
}

export function evenSizes(count: number, groups: number): number[] {
  const base = Math.floor(count / groups);
  const larger = count % groups;
  return Array.from({ length: groups }, (_, i) => base + (i < larger ? 1 : 0));
}

function bestGroupCount(count: number, target: number, min: number): number {
  // The best count is always near count/target, or tiny when the pool is; the tests check it
  // against the exhaustive search below.
  const near = Math.floor(count / target);
  const candidates = [1, 2, 3, near - 1, near, near + 1, near + 2].filter((g) => g >= 1 && g <= count);
  let best = 1;
  let bestKey: number[] = costKey(count, 1, target, min);
  for (const groups of candidates) {
    const key = costKey(count, groups, target, min);
    if (lexLess(key, bestKey)) {
      best = groups;
      bestKey = key;
    }
  }
  return best;
}

/** The exhaustive search the fast one must agree with; exported for the tests. */
export function groupCountByExhaustiveSearch(count: number, target: number, min = defaultMinGroupSize): number {
  let best = 1;
  let bestKey: number[] = costKey(count, 1, target, min);
  for (let groups = 2; groups <= count; groups++) {
    const key = costKey(count, groups, target, min);
    if (lexLess(key, bestKey)) {
      best = groups;
      bestKey = key;
    }
  }
  return best;
}

/**
 * Ordered criteria: no avoidable group under the minimum, then the worst deviation beyond ± 1,
 * then the most groups of exactly the target, then the spread of deviations, then fewer groups.
 */
function costKey(count: number, groups: number, target: number, min: number): number[] {
  const small = Math.floor(count / groups);
  const large = Math.ceil(count / groups);
  const tooSmall = small < min && count >= min ? 1 : 0;
  const worst = Math.max(Math.abs(small - target), Math.abs(large - target));
  return [tooSmall, Math.max(0, worst - 1), -exactGroups(count, groups, target), spreadOf(count, groups, target), groups];
}

/** How many groups of an even split have exactly the target size. */
export function exactGroups(count: number, groups: number, target: number): number {
  const base = Math.floor(count / groups);
  const larger = count % groups;
  return (base === target ? groups - larger : 0) + (base + 1 === target ? larger : 0);
}

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x !== y) return x < y;
  }
  return false;
}

/** Sizes for every language pool, each split by the rule of `groupSizes`. */
export function poolSizes(counts: number[], target: number, min = defaultMinGroupSize): number[][] {
  return counts.map((count) => groupSizes(count, target, min));
}

/** Σ (size − target)² over the groups of an even split. */
export function spreadOf(count: number, groups: number, target: number): number {
  const base = Math.floor(count / groups);
  const larger = count % groups;
  return (groups - larger) * (base - target) ** 2 + larger * (base + 1 - target) ** 2;
}
