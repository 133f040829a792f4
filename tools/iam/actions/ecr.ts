/** ECR: the shared repository ({repository}, created by the global stack) the environments pull from. */
import { ServiceActions } from '../types';
import { arn } from './arns';

/** The shared repository: the deploy workflows push the API image to it. */
export const ECR_REPOSITORY_ARN = arn('ecr', 'repository/{repository}');

export const ECR: ServiceActions = {
  'data.aws_ecr_repository': {
    note: 'reads the shared repository (created by the global stack)',
    grants: [
      {
        sid: 'EcrRead',
        actions: ['ecr:DescribeRepositories', 'ecr:DescribeImages', 'ecr:ListTagsForResource'],
        resources: [ECR_REPOSITORY_ARN],
      },
    ],
    // The API's execution role pulls the image.
    boundaryArns: [ECR_REPOSITORY_ARN],
  },
};
