/**
 * The AWS SDK's NodeVersionSupportWarning, which the commands leave on (issue 20): on Node < 22 every process that
 * builds an SDK client prints it once on stderr, a multi-line block. Tests of a command's own stderr lines drop that
 * block, and only that block, so they hold on Node 20 (this machine) and 22+ (CI, where it is not printed) alike.
 */
const ADVISORY =
  /^\(node:\d+\) (?:\[\S+\] )?Warning: NodeVersionSupportWarning: The AWS SDK for JavaScript \(v3\)\n(?:.*\n)*?\(Use `node --trace-warnings \.\.\.` to show where the warning was created\)\n/m;

/** `stderr` without the SDK's Node-version advisory (when present). */
export function withoutSdkAdvisory(stderr: string): string {
  return stderr.replace(ADVISORY, '');
}

/** Whether this Node is one the SDK advises against (it prints the advisory). */
export const SDK_ADVISES = Number(process.versions.node.split('.')[0]) < 22;
