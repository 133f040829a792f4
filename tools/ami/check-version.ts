import { boundedRequest, classifyFetchError, HttpProblem } from '../../lib/bounded-http';
import { AmiError, EXIT, oneLine } from './errors';
import { compareVersions, parseVersion, releaseLine } from './versions';

/** Maven Central's version list for the Community aggregate, the same numbers as the Debian packages of both editions. */
export const DEFAULT_SOURCE_URL = 'https://repo1.maven.org/maven2/org/neo4j/neo4j/maven-metadata.xml';

export type VersionStatus = 'up-to-date' | 'newer-available' | 'not-published';

export interface VersionCheck {
  readonly configured: string;
  /** "5.26" for the 5.26 LTS line, "calendar" for 2025.x and later. */
  readonly line: string;
  readonly status: VersionStatus;
  /** Newest published release in the configured version's line (undefined when the line has none). */
  readonly newestInLine?: string;
  /** Newest published release of any line (information: moving lines is a deliberate upgrade). */
  readonly newestOverall?: string;
  readonly source: string;
  readonly exitCode: 0 | 10 | 11;
}

/** The plain release numbers (x.y.z) listed in a maven-metadata.xml; milestones and release candidates are left out. */
export function parseMavenMetadata(xml: string): string[] {
  const versions = [...xml.matchAll(/<version>\s*([^<\s]+)\s*<\/version>/g)].map((m) => m[1]);
  return versions.filter((v) => parseVersion(v) !== undefined);
}

/** Compares the configured version with the newest in the same line. Pure: testable without a network. */
export function judgeVersion(configured: string, published: readonly string[], source: string): VersionCheck {
  const line = releaseLine(configured);
  const sorted = [...published].sort(compareVersions);
  const inLine = sorted.filter((v) => releaseLine(v) === line);
  const newestInLine = inLine[inLine.length - 1];
  const newestOverall = sorted[sorted.length - 1];
  let status: VersionStatus;
  if (!published.includes(configured)) status = 'not-published';
  else if (newestInLine && compareVersions(newestInLine, configured) > 0) status = 'newer-available';
  else status = 'up-to-date';
  const exitCode =
    status === 'up-to-date' ? EXIT.OK : status === 'newer-available' ? EXIT.NEWER_AVAILABLE : EXIT.NOT_PUBLISHED;
  return { configured, line, status, newestInLine, newestOverall, source, exitCode };
}

export function describeCheck(c: VersionCheck): string {
  const lineName = c.line === 'calendar' ? 'calendar-versioned' : `${c.line}`;
  const overall = c.newestOverall && c.newestOverall !== c.newestInLine ? ` (newest overall: ${c.newestOverall})` : '';
  switch (c.status) {
    case 'up-to-date':
      return `Neo4j ${c.configured} is the newest ${lineName} release${overall}`;
    case 'newer-available':
      return `Neo4j ${c.newestInLine} is available; configured ${c.configured} (${lineName} line)${overall}`;
    case 'not-published':
      return `Neo4j ${c.configured} is not a published release${
        c.newestInLine ? `; newest ${lineName} release: ${c.newestInLine}` : ''
      }${overall}`;
  }
}

/** Bytes of the release list read at most (Maven Central's list for org.neo4j:neo4j is about 20 KB). */
export const MAX_METADATA_BYTES = 1024 * 1024;

/**
 * Fetches the release list and judges `version`; unreachable source (refused, timed out, TLS) -> exit 3, unusable
 * answer (HTTP error, larger than MAX_METADATA_BYTES, no versions) -> exit 1. The request, body included, ends
 * within `timeoutMs`.
 */
export async function checkVersion(version: string, sourceUrl: string, timeoutMs = 15_000): Promise<VersionCheck> {
  let answer;
  try {
    answer = await boundedRequest(sourceUrl, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/xml, text/xml' },
      maxBodyBytes: MAX_METADATA_BYTES,
    });
  } catch (e) {
    const problem = e instanceof HttpProblem ? e : classifyFetchError(e, sourceUrl);
    const what = problem.kind === 'error' ? 'cannot read' : 'cannot reach';
    const reason = problem.kind === 'timeout' ? `timed out after ${Math.round(timeoutMs / 1000)} s` : problem.reason;
    throw new AmiError({ kind: 'unreachable', message: `${what} the release source ${sourceUrl}: ${oneLine(reason)}` });
  }
  if (answer.status < 200 || answer.status > 299)
    throw new AmiError({
      kind: 'failed',
      message: `release source ${sourceUrl} answered HTTP ${answer.status}`,
      httpStatus: answer.status,
    });
  if (answer.cut)
    throw new AmiError({
      kind: 'failed',
      message: `release source ${sourceUrl} sent more than ${MAX_METADATA_BYTES} bytes (too large; cut there)`,
    });
  const published = parseMavenMetadata(answer.body);
  if (published.length === 0)
    throw new AmiError({ kind: 'failed', message: `release source ${sourceUrl} lists no release versions` });
  return judgeVersion(version, published, sourceUrl);
}
