/**
 * The AMI command's arguments, validated the same way by its CLI (usage errors, exit 2) and by amiCommand()
 * (synth-time errors, so a typo in config fails before apply).
 * Kept free of the AWS SDK so infrastructure code can import it cheaply.
 */

export const EDITIONS = ['community', 'enterprise'] as const;
export type Edition = (typeof EDITIONS)[number];

/** A full release number: 5.26.19 (LTS line) or 2025.10.1 (calendar releases). No ranges, no suffixes. */
export const VERSION_PATTERN = /^(0|[1-9]\d*)\.(\d+)\.(0|[1-9]\d*)$/;
/** af-south-1, us-gov-west-1, ... */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export function isEdition(value: string): value is Edition {
  return (EDITIONS as readonly string[]).includes(value);
}

/** Returns a one-line problem description, or undefined when the value is valid. */
export function editionProblem(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return `--edition is required (${EDITIONS.join(' or ')})`;
  if (!isEdition(value)) return `unknown edition "${value}": expected ${EDITIONS.join(' or ')}`;
  return undefined;
}

export function versionProblem(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return '--version is required (e.g. 5.26.19)';
  if (!VERSION_PATTERN.test(value))
    return `malformed version "${value}": expected a full release number such as 5.26.19`;
  return undefined;
}

export function regionProblem(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return '--region is required (e.g. af-south-1)';
  if (!REGION_PATTERN.test(value)) return `malformed region "${value}": expected a region name such as af-south-1`;
  return undefined;
}

export function keepProblem(value: number): string | undefined {
  if (!Number.isInteger(value) || value < 1 || value > 100)
    return `--keep must be a whole number from 1 to 100, got "${value}"`;
  return undefined;
}
