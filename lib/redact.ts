/**
 * Redaction of credentials that travel inside URLs (`https://user:password@host`): every text a command writes
 * (progress, errors, report files, job summary) goes through `redactText`, so a password given in --api-url or
 * found in an outputs file never reaches a log or an artifact.
 */

/** `scheme://user:password@` (also `//:password@` and a bare `//token@`) anywhere in a text. */
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>]*)@/gi;

/** The text with the user info of every URL in it replaced: `https://admin:***@host`, `https://***@host`. */
export function redactText(text: string): string {
  return text.replace(USERINFO, (_m, scheme: string, info: string) => {
    const colon = info.indexOf(':');
    if (colon < 0) return `${scheme}***@`;
    const user = info.slice(0, colon);
    return `${scheme}${user ? `${user}:` : ''}***@`;
  });
}

/** A URL with its password (or lone token) redacted, for display. */
export function redactUrl(url: string): string {
  return redactText(url);
}

/**
 * A URL without its user info plus the Authorization header that carries it (fetch refuses URLs with credentials;
 * HTTP Basic is what such a URL means).
 */
export function splitCredentials(url: string): { url: string; authorization?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url };
  }
  if (!parsed.username && !parsed.password) return { url };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

/** Deeply redacts every string of a JSON-like value (report objects). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
}
