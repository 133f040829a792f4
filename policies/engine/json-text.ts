/**
 * Checks on JSON text that JSON.parse cannot make: how deep it nests (refused before parsing, so time and stack stay
 * bounded) and whether an object repeats a key. JSON.parse keeps the last of two equal keys while Terraform keeps
 * both blocks (two top-level "resource" keys are two resource sections): judging the parsed object would judge less
 * than Terraform applies, so a repeated key anywhere makes the document unusable.
 */

/** Terraform JSON nests a few dozen levels; deeper input is refused before parsing (bounded time and stack). */
export const MAX_DEPTH = 512;

export type JsonTextProblem =
  | { readonly kind: 'deep'; readonly limit: number }
  | {
      readonly kind: 'duplicate';
      /** The key as JSON decodes it. */
      readonly key: string;
      /** Where the second occurrence starts (1-based line and column) and the line of the first. */
      readonly line: number;
      readonly column: number;
      readonly firstLine: number;
    };

/** One open object (its keys, with the line each was first seen on) or array (null) while scanning. */
type Frame = Map<string, number> | null;

/** The end of the string whose opening quote is at `start`: the index of its closing quote (or text.length). */
function stringEnd(text: string, start: number): number {
  let at = start;
  for (;;) {
    const quote = text.indexOf('"', at + 1);
    if (quote < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return quote;
    at = quote;
  }
}

/**
 * The first problem in JSON text, in one pass: nesting deeper than `maxDepth`, or an object with a repeated key
 * (`"a"` and `"\u0061"` are the same key). Invalid JSON is left to JSON.parse; the scan never throws.
 */
export function jsonTextProblem(text: string, maxDepth = MAX_DEPTH): JsonTextProblem | undefined {
  const stack: Frame[] = [];
  let expectKey = false;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const end = stringEnd(text, i);
      const top = stack.length > 0 ? stack[stack.length - 1] : null;
      if (expectKey && top) {
        let key = text.slice(i + 1, end);
        if (key.includes('\\')) {
          try {
            key = JSON.parse(text.slice(i, end + 1)) as string;
          } catch {
            // invalid escape: JSON.parse of the whole text reports it
          }
        }
        const first = top.get(key);
        if (first !== undefined) return { kind: 'duplicate', key, line, column: i - lineStart + 1, firstLine: first };
        top.set(key, line);
        expectKey = false;
      }
      i = end;
    } else if (c === 10) {
      line++;
      lineStart = i + 1;
    } else if (c === 123) {
      stack.push(new Map());
      if (stack.length > maxDepth) return { kind: 'deep', limit: maxDepth };
      expectKey = true;
    } else if (c === 91) {
      stack.push(null);
      if (stack.length > maxDepth) return { kind: 'deep', limit: maxDepth };
      expectKey = false;
    } else if (c === 125 || c === 93) {
      stack.pop();
      expectKey = false;
    } else if (c === 44) {
      expectKey = stack.length > 0 && stack[stack.length - 1] !== null;
    }
  }
  return undefined;
}
