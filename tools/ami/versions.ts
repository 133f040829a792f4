/** Neo4j release numbers: 5.26.19 (LTS line 5.26) and 2025.10.1 (calendar releases, one continuous line). */

export function parseVersion(version: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** Numeric comparison: negative when a < b. Unparsable versions sort first. */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (!pa || !pb) return (pa ? 1 : 0) - (pb ? 1 : 0);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/** Calendar versions (2025.x and later) replaced the numbered majors after 5.26. */
export function isCalendarVersion(version: string): boolean {
  const p = parseVersion(version);
  return !!p && p[0] >= 2025;
}

/**
 * The release line a version receives patch updates in: "5.26" for 5.26.19, "4.4" for 4.4.40,
 * and "calendar" for 2025.10.1 (each calendar release supersedes the previous one).
 */
export function releaseLine(version: string): string {
  const p = parseVersion(version);
  if (!p) return 'unknown';
  return isCalendarVersion(version) ? 'calendar' : `${p[0]}.${p[1]}`;
}
