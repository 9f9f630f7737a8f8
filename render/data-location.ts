// The line of a field in a data source (an environment's .ts file, a JSON data file), for error
// messages: the keys of the path searched for in order, each after the previous one. A heuristic
// (the sources are not parsed), good for the hand-written files it serves; undefined when lost.
// A field that is missing gets the line of its nearest parent that is there.

export function lineOfField(text: string, field: string): number | undefined {
  const segments = field.match(/[^.[\]]+|\[\d+\]/g) ?? [];
  let pos = 0;
  let found: number | undefined;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const index = /^\[(\d+)\]$/.exec(segment);
    if (index) {
      // The n-th element of a list of objects: the n-th occurrence of the key that follows.
      const next = segments[i + 1];
      if (next === undefined || next.startsWith('[')) return found === undefined ? undefined : lineAt(text, found);
      let at = pos;
      for (let n = 0; n <= Number(index[1]); n++) {
        const hit = keyAt(text, next, at);
        if (hit === undefined) return found === undefined ? undefined : lineAt(text, found);
        found = hit;
        at = hit + 1;
      }
      pos = found! + 1;
      i++;
      continue;
    }
    const hit = keyAt(text, segment, pos);
    if (hit === undefined) break;
    found = hit;
    pos = hit + 1;
  }
  return found === undefined ? undefined : lineAt(text, found);
}

/** Where `key:` (bare, 'quoted' or "quoted") next appears at or after `from`. */
function keyAt(text: string, key: string, from: number): number | undefined {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(^|[\\s{,])(['"]?)${escaped}\\2\\s*:`, 'gm');
  re.lastIndex = from;
  const m = re.exec(text);
  return m ? m.index + m[1]!.length : undefined;
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
