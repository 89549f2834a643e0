/**
 * EC2 filter value matching: `*` is any run of characters, `?` exactly one, `\` escapes the next character;
 * matching is case-sensitive and anchored at both ends (Using_Filtering: "Filter names and values are
 * case-sensitive"). Compiled once per value so a filter over many items costs one RegExp.
 */
export function wildcardMatcher(pattern: string): (value: string) => boolean {
  if (!/[*?\\]/.test(pattern)) return (value) => value === pattern;
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else if (c === "*") source += "[\\s\\S]*";
    else if (c === "?") source += "[\\s\\S]";
    else source += escapeRegExp(c);
  }
  const re = new RegExp(`^${source}$`);
  return (value) => re.test(value);
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}
