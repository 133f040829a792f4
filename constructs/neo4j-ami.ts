import { DataAwsAmi } from '@cdktf/provider-aws/lib/data-aws-ami';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { Construct } from 'constructs';
import { Neo4jEdition } from '../config';
import { neo4jAmiBuilderName } from '../contracts/naming';
import {
  amiCommand,
  BASE_IMAGE,
  TAG_BASE_IMAGE,
  IMAGE_TESTED_VALUE,
  MANAGED_BY_VALUE,
  TAG_BUILD_SCRIPT_HASH,
  TAG_IMAGE_TESTED,
  TAG_MANAGED_BY,
  TAG_NEO4J_EDITION,
  TAG_NEO4J_VERSION,
} from '../contracts/ami';
import { ServiceRole } from './iam-role';

export interface Neo4jAmiProps {
  readonly environment: string;
  readonly region: string;
  readonly edition: Neo4jEdition;
  /** Exact Neo4j version, e.g. 5.26.19. */
  readonly version: string;
  /** sha256 of tools/ami/install-neo4j.sh: a changed script bakes a new image. main.ts computes it. */
  readonly buildScriptHash: string;
  /** Images kept per edition by the bake's retention step. @default 3 */
  readonly keep?: number;
  /** Private subnet (with NAT egress) the builder instance runs in. */
  readonly builderSubnetId: string;
  readonly permissionsBoundaryArn: string;
}

/**
 * The seed's `null_resource.neo4j_ami_management`: bakes (or reuses) the Neo4j image for this version and
 * edition by running the project's AMI command at apply time, then looks the image up by its tags.
 * Hosts use `imageId`; the lookup waits for the bake (depends_on), so a new version means a new image first.
 */
export class Neo4jAmi extends Construct {
  public readonly bake: NullResource;
  public readonly image: DataAwsAmi;
  public readonly imageId: string;

  constructor(scope: Construct, id: string, props: Neo4jAmiProps) {
    super(scope, id);
    const name = neo4jAmiBuilderName(props.environment);
    // The builder reports its progress by tagging itself; that is all its role may do.
    const role = new ServiceRole(this, 'builder-role', {
      name,
      servicePrincipal: 'ec2.amazonaws.com',
      permissionsBoundaryArn: props.permissionsBoundaryArn,
      statements: [
        {
          sid: 'TagOwnBuilderInstance',
          actions: ['ec2:CreateTags'],
          resources: [`arn:aws:ec2:${props.region}:*:instance/*`],
          conditions: [
            { test: 'StringEquals', variable: `aws:ResourceTag/${TAG_MANAGED_BY}`, values: [MANAGED_BY_VALUE] },
          ],
        },
      ],
    });
    const profile = new IamInstanceProfile(this, 'builder-profile', { name, role: role.role.name });

    this.bake = new NullResource(this, 'neo4j_ami_management', {
      triggers: {
        neo4j_version: props.version,
        neo4j_edition: props.edition,
        build_script_sha256: props.buildScriptHash,
        // a base-image bump rebakes (and the filter below then finds only the new image)
        base_image: BASE_IMAGE.name,
      },
      provisioners: [
        {
          type: 'local-exec',
          command: amiCommand({
            edition: props.edition,
            version: props.version,
            region: props.region,
            keep: props.keep ?? 3,
            subnetId: props.builderSubnetId,
            instanceProfile: profile.name,
          }),
        },
      ],
    });

    this.image = new DataAwsAmi(this, 'image', {
      owners: ['self'],
      mostRecent: true,
      filter: [
        { name: `tag:${TAG_NEO4J_VERSION}`, values: [props.version] },
        { name: `tag:${TAG_NEO4J_EDITION}`, values: [props.edition] },
        // exactly the image the bake made or reused, even after the install script is reverted
        { name: `tag:${TAG_BUILD_SCRIPT_HASH}`, values: [props.buildScriptHash] },
        { name: `tag:${TAG_BASE_IMAGE}`, values: [BASE_IMAGE.name] },
        // only an image whose test instance proved Neo4j answers with this version and edition (tools/ami/image-test-phase.ts)
        { name: `tag:${TAG_IMAGE_TESTED}`, values: [IMAGE_TESTED_VALUE] },
        { name: 'state', values: ['available'] },
      ],
      dependsOn: [this.bake],
    });
    this.imageId = this.image.id;
  }
}
