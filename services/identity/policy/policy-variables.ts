/**
 * Policy variables (`${aws:username}`, `${aws:SourceAccount, 'default'}`) in Resource elements and
 * condition values, which the 2012-10-17 version of the language substitutes from the request's context.
 * A variable whose key is absent and has no default makes the text match nothing: undefined is returned.
 */
export function substituteVariables(text: string, lookup: (key: string) => string | string[] | undefined): string | undefined {
  if (!text.includes("${")) return text;
  let missing = false;
  const result = text.replace(/\$\{([^}]*)\}/g, (_whole, inner: string) => {
    if (inner === "*" || inner === "?" || inner === "$") return inner;
    const withDefault = /^\s*([^,]+?)\s*,\s*'([^']*)'\s*$/.exec(inner);
    const key = (withDefault ? withDefault[1]! : inner).trim();
    const value = lookup(key);
    const single = Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
    if (single !== undefined) return single;
    if (withDefault) return withDefault[2]!;
    missing = true;
    return "";
  });
  return missing ? undefined : result;
}
