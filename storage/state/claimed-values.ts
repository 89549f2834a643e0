/**
 * A superset, kept in memory, of the values some column holds within a scope (the public addresses
 * of a region), so that a fresh value is known to be unused without a query. A scope's set is read
 * from the rows on first use; from then on every value handed out is added before its row is written.
 * A value whose write was rolled back only stays taken. After `limit` claims the set is read again
 * from the rows, which by then have dropped expired resources: every earlier claim has been
 * written (or rolled back) by then, since a claim is followed by its row's write in the same
 * transaction.
 */
export class ClaimedValues {
  private readonly scopes = new Map<string, { values: Set<string>; claims: number }>();

  constructor(private readonly readScope: (scope: string) => Iterable<string>, private readonly limit = 65_536) {}

  /** Takes `value` in `scope`: true when no row held it (nor an earlier claim), false otherwise. */
  claim(scope: string, value: string): boolean {
    let claimed = this.scopes.get(scope);
    if (!claimed || claimed.claims >= this.limit) this.scopes.set(scope, (claimed = { values: new Set(this.readScope(scope)), claims: 0 }));
    if (claimed.values.has(value)) return false;
    claimed.values.add(value);
    claimed.claims++;
    return true;
  }

  /** After the rows were emptied or replaced (a reset). */
  clear(): void {
    this.scopes.clear();
  }
}
