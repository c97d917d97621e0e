import type { LanguagePlan } from './pools';
import { RoleCode, type Problem } from './problem';

/** Groups as flat arrays: which language each is held in, how many seats, and who sits where. */
export interface Layout {
  groupLanguage: Int32Array;
  capacity: Int32Array;
  groupOf: Int32Array;
}

/** Orders the units of one class (facilitators, note takers, the rest) before they are dealt. */
export type DealOrder = (units: number[]) => number[];

/**
 * Deals each pool's people round-robin into its groups: units that must stay together first (they
 * need the most room), then facilitators and note takers to groups still lacking one, then everyone
 * else. Round-robin over an ordered list puts neighbours in different groups, which is what makes a
 * sorted deal a good start for diversity.
 */
export function dealGroups(p: Problem, plan: LanguagePlan, order: DealOrder): Layout {
  const languageOf: number[] = [];
  const capacity: number[] = [];
  const firstGroup: number[] = [];
  plan.sizes.forEach((sizes, l) => {
    firstGroup.push(capacity.length);
    for (const s of sizes) {
      languageOf.push(l);
      capacity.push(s);
    }
  });
  const G = capacity.length;
  const fill = new Int32Array(G);
  const hasRole = [new Uint8Array(G), new Uint8Array(G), new Uint8Array(G)];
  const groupOf = new Int32Array(p.n).fill(-1);

  const unitsByPool = plan.sizes.map(() => [] as number[]);
  p.units.forEach((unit, u) => unitsByPool[plan.poolOf[unit[0] as number] as number]!.push(u));

  unitsByPool.forEach((poolUnits, l) => {
    const first = firstGroup[l] as number;
    const count = (plan.sizes[l] as number[]).length;
    if (poolUnits.length === 0) return;
    const unitRole = (u: number) => {
      const unit = p.units[u] as number[];
      if (unit.some((i) => p.role[i] === RoleCode.Facilitator)) return RoleCode.Facilitator;
      if (unit.some((i) => p.role[i] === RoleCode.Notetaker)) return RoleCode.Notetaker;
      return RoleCode.Participant;
    };
    const multi = poolUnits.filter((u) => (p.units[u] as number[]).length > 1).sort((a, b) => (p.units[b] as number[]).length - (p.units[a] as number[]).length);
    const single = poolUnits.filter((u) => (p.units[u] as number[]).length === 1);
    const classes = [
      multi,
      order(single.filter((u) => unitRole(u) === RoleCode.Facilitator)),
      order(single.filter((u) => unitRole(u) === RoleCode.Notetaker)),
      order(single.filter((u) => unitRole(u) === RoleCode.Participant)),
    ];
    let cursor = 0;
    const conflicts = (unit: number[], g: number) =>
      unit.some((i) => (p.apart[i] as number[]).some((j) => groupOf[j] === g));
    for (const list of classes) {
      for (const u of list) {
        const unit = p.units[u] as number[];
        const role = unitRole(u);
        const fits = (g: number, needRole: boolean, needPeace: boolean) =>
          (capacity[g] as number) - (fill[g] as number) >= unit.length &&
          (!needRole || role === RoleCode.Participant || hasRole[role]![g] === 0) &&
          (!needPeace || !conflicts(unit, g));
        let chosen = -1;
        for (const [needRole, needPeace] of [[true, true], [false, true], [true, false], [false, false]] as const) {
          for (let k = 0; k < count && chosen < 0; k++) {
            const g = first + ((cursor + k) % count);
            if (fits(g, needRole, needPeace)) chosen = g;
          }
          if (chosen >= 0) break;
        }
        if (chosen < 0) {
          // Only a unit larger than every remaining gap gets here; put it where the gap is widest.
          chosen = first;
          for (let g = first; g < first + count; g++) if ((capacity[g] as number) - (fill[g] as number) > (capacity[chosen] as number) - (fill[chosen] as number)) chosen = g;
        }
        cursor = (chosen - first + 1) % count;
        for (const i of unit) {
          groupOf[i] = chosen;
          hasRole[p.role[i] as number]![chosen] = 1;
        }
        fill[chosen] = (fill[chosen] as number) + unit.length;
      }
    }
  });
  // Record the seats actually used, so the search's size bookkeeping matches reality.
  return { groupLanguage: Int32Array.from(languageOf), capacity: fill, groupOf };
}
