/**
 * Limits on free-form input that the schemas cannot express, checked before anything is stored. Each of these
 * used to be found by PostgreSQL or a serializer, deep inside a statement shared with other organizations' work
 * (lib/batcher.ts), and answered 500:
 * - nesting: JSON.stringify, React's reply decoder and PostgreSQL's jsonb parser all recurse per level;
 * - NUL: PostgreSQL text and jsonb cannot hold U+0000;
 * - lone UTF-16 surrogates (`"\ud800"` in JSON): not Unicode at all; jsonb refuses their escapes.
 */

/** The deepest a JSON body of the public API may nest (objects and arrays, the body itself is level 1). */
export const MAX_BODY_DEPTH = 64;
/** The deepest an event's `data` may nest (`data` itself is level 1). */
export const MAX_EVENT_DATA_DEPTH = 32;
/** Search boxes (Logs) read at most this many characters. */
export const MAX_SEARCH_LENGTH = 200;

/**
 * What is wrong with a parsed JSON value, as a sentence naming `what` ("the body", "the event data"), or undefined
 * when it is fine: nested deeper than `maxDepth`, or a string or key holding NUL or a lone surrogate. Iterative, so
 * a value nested 100,000 levels deep cannot overflow the stack here.
 */
export function jsonInputProblem(value: unknown, what: string, maxDepth: number): string | undefined {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop()!;
    if (typeof v === "string") {
      const problem = textProblem(v);
      if (problem) return `Text in ${what} ${problem}.`;
    } else if (v !== null && typeof v === "object") {
      if (depth + 1 > maxDepth) return `${capitalise(what)} nests deeper than ${maxDepth} levels of objects and arrays.`;
      if (Array.isArray(v)) {
        for (const item of v) stack.push({ value: item, depth: depth + 1 });
      } else {
        for (const [key, inner] of Object.entries(v)) {
          const problem = textProblem(key);
          if (problem) return `A key in ${what} ${problem}.`;
          stack.push({ value: inner, depth: depth + 1 });
        }
      }
    }
  }
  return undefined;
}

function textProblem(text: string): string | undefined {
  if (text.includes("\u0000")) return "cannot contain NUL (\\u0000) characters";
  if (!text.isWellFormed()) return "must be well-formed Unicode: it contains a lone UTF-16 surrogate (\\ud800-\\udfff without its pair)";
  return undefined;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * A search box's text made safe to compare in SQL: control characters (NUL above all, which PostgreSQL refuses)
 * become spaces, lone surrogates become U+FFFD, surrounding space goes, and at most MAX_SEARCH_LENGTH characters
 * stay. Whatever the visitor typed, the search then runs and at worst finds nothing.
 */
export function sanitiseSearch(text: string | null | undefined): string {
  if (!text) return "";
  return text.toWellFormed().replace(/[\u0000-\u001f\u007f]/g, " ").trim().slice(0, MAX_SEARCH_LENGTH).toWellFormed();
}
