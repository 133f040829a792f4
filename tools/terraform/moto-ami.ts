/**
 * Stand-ins for the parts of the AMI bake that moto cannot play: moto runs no user data, so nothing on the builder
 * and test instances would ever tag them. While a moto apply runs, `playAmiInstances` does what the end of
 * tools/ami/install-neo4j.sh (builder: Neo4jBuild=ready) and of tools/ami/test-neo4j.sh (test instance:
 * Neo4jImageTest=passed) do. Everything else is the real command, run by Terraform's local-exec with the exact line
 * the stack holds: base image lookup, launch, waits, stop, CreateImage, image test, tags, prune.
 * This proves the command's flow, its tags and the data source that finds the image; never that Neo4j installs.
 */
import { CreateTagsCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { writeFileSync } from 'node:fs';
import { IMAGE_TESTED_VALUE, TAG_BUILD_STATE, TAG_IMAGE_TEST_STATE } from '../../contracts/ami';
import { DEFAULT_BASE_IMAGE } from '../ami/bake';

/** What the player did: the instance ids it tagged. */
export interface AmiPlay {
  readonly builders: string[];
  readonly tests: string[];
}

/**
 * Tags every pending builder ready and every pending test instance passed, until `signal` fires; resolves with what
 * it tagged. Errors of one round (moto busy) are retried at the next.
 */
export async function playAmiInstances(ec2: EC2Client, signal: AbortSignal, intervalMs = 500): Promise<AmiPlay> {
  const play: AmiPlay = { builders: [], tests: [] };
  const parts = [
    { tag: TAG_BUILD_STATE, value: 'ready', ids: play.builders },
    { tag: TAG_IMAGE_TEST_STATE, value: IMAGE_TESTED_VALUE, ids: play.tests },
  ];
  while (!signal.aborted) {
    for (const part of parts) {
      try {
        const out = await ec2.send(
          new DescribeInstancesCommand({
            Filters: [
              { Name: `tag:${part.tag}`, Values: ['pending'] },
              { Name: 'instance-state-name', Values: ['pending', 'running'] },
            ],
          }),
        );
        const ids = (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId!);
        if (ids.length > 0) {
          await ec2.send(new CreateTagsCommand({ Resources: ids, Tags: [{ Key: part.tag, Value: part.value }] }));
          part.ids.push(...ids);
        }
      } catch {
        // The next round asks again.
      }
    }
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, intervalMs);
      signal.addEventListener('abort', wake);
    });
  }
  return play;
}

/**
 * The base image the bake looks up (tools/ami/bake.ts DEFAULT_BASE_IMAGE: Canonical's owner id and the pinned
 * name), as a moto AMI file: start moto with MOTO_AMIS_PATH naming it, since an image registered through the API
 * is owned by moto's account, not Canonical's. Replaces moto's default images (none of them is used here).
 */
export function writeMotoBaseImages(file: string): void {
  const image = {
    ami_id: 'ami-0b5e0d0c2f1a9e001',
    name: DEFAULT_BASE_IMAGE.name,
    owner_id: DEFAULT_BASE_IMAGE.owner,
    description: 'stand-in for Canonical Ubuntu 24.04 LTS (noble), the bake’s pinned base image',
    state: 'available',
    public: true,
    image_type: 'machine',
    architecture: 'x86_64',
    virtualization_type: 'hvm',
    hypervisor: 'xen',
    root_device_type: 'ebs',
    root_device_name: '/dev/sda1',
    sriov: 'simple',
  };
  writeFileSync(file, JSON.stringify([image]));
}
