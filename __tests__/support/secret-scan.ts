/** A finding of the secret scanner: where, and which pattern matched (never the matched value itself). */
export interface SecretFinding {
  readonly file: string;
  readonly line: number;
  readonly pattern: string;
}

const PATTERNS: readonly [string, RegExp][] = [
  ['AWS access key id', /\b(AKIA|ASIA)[A-Z0-9]{16}\b/],
  ['AWS secret access key', /aws_secret_access_key|secretAccessKey"\s*:\s*"[A-Za-z0-9/+=]{40}"/i],
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['JSON web token', /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/],
  ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{36}\b/],
  // A password/secret/token key whose value is a literal rather than a Terraform reference or a name.
  ['literal password', /\\?"[a-z_]*(pass(word)?|secret(_string)?|token|api_key)\\?"\s*:\s*\\?"(?!\$\{)[^"\\]{6,}\\?"/i],
  ['literal password in HCL expression', /"[a-z]*(pass(word)?)"\s*=\s*"(?!\$\{)[^"]{6,}"/i],
  ['Neo4j default password', /\bneo4j\/neo4j(?![.\w-])|NEO4J_AUTH=neo4j\/(?!\$)/i],
];

/** Keys whose literal values are names or descriptions, not secrets. */
const ALLOWED_KEYS = /"(name|name_prefix|description|secret_id|family|alarm_name|path|uniqueId|sid|password_length)"/;

/** Scans one text file; returns one finding per matching line and pattern. */
export function scanText(file: string, text: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  text.split('\n').forEach((line, i) => {
    for (const [pattern, regex] of PATTERNS) {
      if (regex.test(line) && !(pattern === 'literal password' && ALLOWED_KEYS.test(line)))
        findings.push({ file, line: i + 1, pattern });
    }
  });
  return findings;
}
