/**
 * The security review's document: fragment F0 selects a list, and each F<i> spreads F<i-1> `spreads` times, so
 * F<levels> stands for spreads^levels copies of F0 in about 40 bytes per level.
 */
export function fanOutDocument({ levels, spreads = 2, operations = 1 }: { levels: number; spreads?: number; operations?: number }): string {
  const fragments = [`fragment F0 on Query { plans { name } }`];
  for (let i = 1; i <= levels; i++)
    fragments.push(`fragment F${i} on Query { ${Array.from({ length: spreads }, () => `...F${i - 1}`).join(" ")} }`);
  const queries = operations === 1 ? [`{ ...F${levels} }`] : Array.from({ length: operations }, (_, i) => `query Q${i} { ...F${levels} }`);
  return [...queries, ...fragments].join("\n");
}
