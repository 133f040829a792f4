import {
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client,
  Image,
} from '@aws-sdk/client-ec2';
import {
  MANAGED_BY_VALUE,
  TAG_BUILDER,
  TAG_BASE_IMAGE,
  TAG_BUILD_SCRIPT_HASH,
  TAG_MANAGED_BY,
  TAG_NEO4J_EDITION,
  TAG_NEO4J_VERSION,
} from '../../contracts/ami';
import { call } from './ec2';
import { AmiError, fromAwsError } from './errors';
import { compareVersions } from './versions';
import { Edition } from '../../contracts/ami-arguments';

export function tagValue(
  tags: readonly { Key?: string; Value?: string }[] | undefined,
  key: string,
): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}

/** All images owned by this account for an edition (any version), as far as the command tagged them. */
export async function editionImages(ec2: EC2Client, edition: Edition, endpoint: string): Promise<Image[]> {
  const images: Image[] = [];
  let token: string | undefined;
  do {
    const page = await call(
      ec2.send(
        new DescribeImagesCommand({
          Owners: ['self'],
          Filters: [
            { Name: `tag:${TAG_NEO4J_EDITION}`, Values: [edition] },
            { Name: 'tag-key', Values: [TAG_NEO4J_VERSION] },
          ],
          NextToken: token,
        }),
      ),
      'DescribeImages',
      endpoint,
    );
    images.push(...(page.Images ?? []));
    token = page.NextToken;
  } while (token);
  return images;
}

/**
 * The available image for exactly this edition and version built by this install script, newest first,
 * or undefined. An image of the same version built by a different script does not count: the null_resource
 * re-runs bake when the script hash changes, and that must produce a new image.
 */
export async function findBakedImage(
  ec2: EC2Client,
  q: { edition: Edition; version: string; scriptHash: string; baseImageName: string },
  endpoint: string,
): Promise<{ match?: Image; otherScript?: Image }> {
  const sameVersion = sortNewestFirst(
    (await editionImages(ec2, q.edition, endpoint)).filter(
      (i) => tagValue(i.Tags, TAG_NEO4J_VERSION) === q.version && i.State === 'available',
    ),
  );
  return {
    // the same install script on the same base image; anything else is baked anew
    match: sameVersion.find(
      (i) =>
        tagValue(i.Tags, TAG_BUILD_SCRIPT_HASH) === q.scriptHash &&
        tagValue(i.Tags, TAG_BASE_IMAGE) === q.baseImageName,
    ),
    otherScript: sameVersion.find(
      (i) =>
        tagValue(i.Tags, TAG_BUILD_SCRIPT_HASH) !== q.scriptHash ||
        tagValue(i.Tags, TAG_BASE_IMAGE) !== q.baseImageName,
    ),
  };
}

/** Newest first by CreationDate; ties (same second) broken by Neo4j version, then image id. */
export function sortNewestFirst(images: Image[]): Image[] {
  return [...images].sort(
    (a, b) =>
      Date.parse(b.CreationDate ?? '') - Date.parse(a.CreationDate ?? '') ||
      compareVersions(tagValue(b.Tags, TAG_NEO4J_VERSION) ?? '', tagValue(a.Tags, TAG_NEO4J_VERSION) ?? '') ||
      (b.ImageId ?? '').localeCompare(a.ImageId ?? ''),
  );
}

/**
 * An unfinished image (tagged ManagedBy and Neo4jAmiBuilder at creation, never tagged with its version: its bake was
 * killed or failed before the end) counts as left behind once it is no longer pending or is older than this: no bake
 * of the command can still be working on it (DEFAULTS.deadlineSeconds of bake.ts, 2 h).
 */
export const UNFINISHED_IMAGE_AGE_MS = 2 * 60 * 60 * 1000;

/** Images of the edition the command created but never finished (no Neo4jVersion tag), found by ManagedBy. */
export async function unfinishedImages(
  ec2: EC2Client,
  edition: Edition,
  endpoint: string,
  now: number = Date.now(),
): Promise<Image[]> {
  const images: Image[] = [];
  let token: string | undefined;
  do {
    const page = await call(
      ec2.send(
        new DescribeImagesCommand({
          Owners: ['self'],
          Filters: [{ Name: `tag:${TAG_MANAGED_BY}`, Values: [MANAGED_BY_VALUE] }],
          NextToken: token,
        }),
      ),
      'DescribeImages (unfinished)',
      endpoint,
    );
    images.push(...(page.Images ?? []));
    token = page.NextToken;
  } while (token);
  return images.filter(
    (i) =>
      tagValue(i.Tags, TAG_NEO4J_VERSION) === undefined &&
      (tagValue(i.Tags, TAG_BUILDER) ?? '').startsWith(`${edition}-`) &&
      (i.State !== 'pending' || now - Date.parse(i.CreationDate ?? '') > UNFINISHED_IMAGE_AGE_MS),
  );
}

export interface PruneResult {
  readonly kept: string[];
  /** Older than the newest N but still used by an instance: kept, so that instance's image lookup still resolves. */
  readonly keptInUse: string[];
  readonly deregistered: { imageId: string; snapshots: string[] }[];
  /** Unfinished images (no version tag) of an interrupted or failed bake, deregistered too (also in `deregistered`). */
  readonly orphans: string[];
}

export interface PruneOptions {
  readonly edition: Edition;
  readonly keep: number;
  readonly endpoint: string;
  readonly log: (line: string) => void;
}

/**
 * Retention: keep the newest `keep` available images of the edition; deregister each older one that no instance
 * uses, then delete its snapshots (deregister first: a snapshot cannot be deleted while an image uses it).
 */
export async function pruneImages(ec2: EC2Client, opts: PruneOptions): Promise<PruneResult> {
  const images = sortNewestFirst(
    (await editionImages(ec2, opts.edition, opts.endpoint)).filter((i) => i.State === 'available'),
  );
  const kept = images.slice(0, opts.keep).map((i) => i.ImageId!);
  const result: PruneResult = { kept, keptInUse: [], deregistered: [], orphans: [] };
  const problems: string[] = [];
  const orphans = await unfinishedImages(ec2, opts.edition, opts.endpoint);
  const orphanIds = new Set(orphans.map((i) => i.ImageId));
  for (const image of [...images.slice(opts.keep), ...orphans]) {
    const imageId = image.ImageId!;
    const users = await call(
      ec2.send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: 'image-id', Values: [imageId] },
            { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
          ],
        }),
      ),
      'DescribeInstances',
      opts.endpoint,
    );
    const userIds = (users.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId);
    if (userIds.length > 0) {
      result.keptInUse.push(imageId);
      opts.log(
        `prune: keeping ${imageId} (${tagValue(image.Tags, TAG_NEO4J_VERSION)}): still used by ${userIds.join(', ')}`,
      );
      continue;
    }
    const snapshots = (image.BlockDeviceMappings ?? []).map((m) => m.Ebs?.SnapshotId).filter((s): s is string => !!s);
    await call(ec2.send(new DeregisterImageCommand({ ImageId: imageId })), `DeregisterImage ${imageId}`, opts.endpoint);
    const deleted: string[] = [];
    for (const snapshotId of snapshots) {
      try {
        await ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
        deleted.push(snapshotId);
      } catch (e) {
        problems.push(fromAwsError(e, `DeleteSnapshot ${snapshotId}`, opts.endpoint).message);
      }
    }
    result.deregistered.push({ imageId, snapshots: deleted });
    if (orphanIds.has(imageId)) result.orphans.push(imageId);
    opts.log(
      `prune: deregistered ${imageId} (${tagValue(image.Tags, TAG_NEO4J_VERSION) ?? 'unfinished'}, ${image.CreationDate}) and deleted ${
        deleted.length ? deleted.join(', ') : 'no snapshots'
      }`,
    );
  }
  if (problems.length > 0)
    throw new AmiError({
      kind: 'failed',
      message: `prune: ${problems.length} snapshot(s) left behind: ${problems.join('; ')}`,
    });
  return result;
}
