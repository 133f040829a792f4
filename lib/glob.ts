/**
 * The one glob matcher, for IAM's wildcards in actions and names: `*` is any run of characters, `?` one character,
 * everything else literal. IAM actions (`ec2:Describe*`) are matched with `within: ':'`, so a star never crosses
 * from the action's name into its service (as the gate's Rego does).
 */

export interface GlobOptions {
  /** A character the wildcards never match (e.g. ':' for actions). @default none */
  readonly within?: string;
  /** Case-insensitive (IAM actions are). @default false */
  readonly ignoreCase?: boolean;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The regular expression of a whole-string glob match. */
export function globRegExp(glob: string, options: GlobOptions = {}): RegExp {
  const any = options.within ? `[^${escape(options.within)}]` : '.';
  const source = glob
    .split(/([*?])/)
    .map((part) => (part === '*' ? `${any}*` : part === '?' ? any : escape(part)))
    .join('');
  return new RegExp(`^${source}$`, options.ignoreCase ? 'i' : '');
}

/** Whether `text` matches any of the globs. */
export function matchesAnyGlob(text: string, globs: readonly string[], options: GlobOptions = {}): boolean {
  return globs.some((glob) => globRegExp(glob, options).test(text));
}
