/**
 * The commands a null_resource's local-exec may run (today: the AMI command's bake), with the actions each needs:
 * they act with the deployer's credentials, so every one is mapped here.
 */
import { AMI_MARKER, AMI_MARKER_TAG } from '../../../contracts/naming';
import { KnownCommand } from '../types';
import { ec2, ec2Global, star } from './arns';

const marker = `aws:ResourceTag/${AMI_MARKER_TAG}`;
const markerOnCreate = `aws:RequestTag/${AMI_MARKER_TAG}`;

/**
 * null_resource commands the generator knows. A null_resource whose command matches none of these fails the
 * generator: a command run by Terraform acts with the deployer's credentials, so its actions must be mapped.
 */
export const KNOWN_COMMANDS: readonly KnownCommand[] = [
  {
    name: 'npm run -s ami -- bake (tools/ami: builder instance, image, prune)',
    pattern: /^npm run -s ami -- bake\b/,
    grants: [
      // The builder instance and its volume carry the AMI marker tag from RunInstances on.
      {
        sid: 'AmiBuilderLaunch',
        actions: ['ec2:RunInstances'],
        resources: [ec2('instance'), ec2('volume')],
        condition: { StringEquals: { [markerOnCreate]: AMI_MARKER }, StringEqualsIfExists: { [marker]: AMI_MARKER } },
      },
      {
        sid: 'AmiBuilderNetwork',
        actions: ['ec2:RunInstances'],
        resources: [ec2('subnet'), ec2('security-group')],
        condition: { StringEquals: { 'aws:ResourceTag/project': '{project}' } },
      },
      {
        sid: 'AmiBuilderNetworkInterface',
        actions: ['ec2:RunInstances'],
        resources: [ec2('network-interface')],
        condition: {
          Bool: { 'ec2:AssociatePublicIpAddress': 'false' },
          StringEqualsIfExists: { 'aws:ResourceTag/project': '{project}' },
        },
      },
      // Canonical's Ubuntu base image (tools/ami DEFAULT_BASE_IMAGE), or an image of this account the AMI command baked.
      {
        sid: 'AmiBaseImage',
        actions: ['ec2:RunInstances'],
        resources: [ec2Global('image'), ec2Global('snapshot')],
        condition: {
          StringEquals: { 'ec2:Owner': ['099720109477', '{account}'] },
          StringEqualsIfExists: { [marker]: AMI_MARKER },
        },
      },
      {
        sid: 'AmiTagOnCreate',
        actions: ['ec2:CreateTags'],
        resources: [ec2('instance'), ec2('volume'), ec2Global('image')],
        condition: { StringEquals: { 'ec2:CreateAction': ['RunInstances', 'CreateImage'] } },
      },
      {
        sid: 'AmiManaged',
        actions: [
          'ec2:StopInstances',
          'ec2:TerminateInstances',
          'ec2:CreateImage',
          'ec2:CreateTags',
          'ec2:DeregisterImage',
          'ec2:DeleteSnapshot',
        ],
        resources: [ec2('instance'), ec2Global('image'), ec2Global('snapshot')],
        condition: { StringEquals: { [marker]: AMI_MARKER } },
      },
      {
        sid: 'AmiImageCreate',
        actions: ['ec2:CreateImage'],
        resources: [ec2Global('image'), ec2Global('snapshot')],
        condition: { StringEquals: { [markerOnCreate]: AMI_MARKER }, StringEqualsIfExists: { [marker]: AMI_MARKER } },
      },
      star('Ec2Read', ['ec2:DescribeImages', 'ec2:DescribeInstances', 'ec2:DescribeSnapshots']),
    ],
    // The builder runs with the instance profile the construct names on the command line.
    passesRoles: [{ flag: '--instance-profile', service: 'ec2.amazonaws.com', via: 'instance-profile' }],
  },
];
