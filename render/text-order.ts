// One order for strings on every machine. `localeCompare` follows the locale of whoever runs the
// command (in Czech, "ch" sorts after "h"), so output sorted with it differed between machines;
// it also starts ICU's collator on first use (~8 ms of every render).

/** Compares by UTF-16 code units, as `Array.prototype.sort()` without a comparator does. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
