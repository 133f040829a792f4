/**
 * The exit codes of every command (policy-check, verify, deploy-and-verify, ami, iam:policy, bench). One meaning per
 * number across commands; each command's --help lists the ones it uses.
 *
 * 2 means "no verdict": the command could not run to a conclusion, because of its command line, its input, or an
 * internal error (a bug). 1 always means the command ran and something it checks or does failed. So a CI step can
 * tell "the gate found a problem" (1) from "the gate itself did not run" (2), as ESLint and Ruff do.
 */
export const ExitCode = {
  /** Done: no deny finding, every step passed, files up to date, image built or present, version newest. */
  OK: 0,
  /** A check failed (deny finding, failed verify step, stale generated file, bench goal missed) or the operation failed (AMI bake, deploy). */
  FAILED: 1,
  /** No verdict: usage error (unknown option, missing value), unusable input (missing file, invalid JSON, unknown stack, no synthesized stacks) or internal error. */
  USAGE: 2,
  /** ami: the EC2 endpoint or the release source could not be reached (refused, timed out, DNS). */
  UNREACHABLE: 3,
  /** ami bake: the pinned base image does not exist (or is not visible) in the region. */
  BASE_IMAGE_MISSING: 4,
  /** ami check-version: a newer release exists in the configured version's line. */
  NEWER_AVAILABLE: 10,
  /** ami check-version: the configured version is not a published release. */
  NOT_PUBLISHED: 11,
  /** Interrupted by SIGINT or SIGTERM (128 + SIGINT's 2, as shells report it); cleanup done where there was any. */
  INTERRUPTED: 130,
} as const;

export type ExitCodeName = keyof typeof ExitCode;
export type ExitCodeValue = (typeof ExitCode)[ExitCodeName];
