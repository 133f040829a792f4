/** ACM: the environment's certificate, found by domain. */
import { ServiceActions } from '../types';
import { arn, star } from './arns';

export const ACM: ServiceActions = {
  'data.aws_acm_certificate': {
    note: "finds the environment's ISSUED certificate by domain (the ARN has a generated id)",
    grants: [
      star('AcmList', ['acm:ListCertificates']),
      {
        sid: 'AcmRead',
        actions: ['acm:DescribeCertificate', 'acm:ListTagsForCertificate'],
        resources: [arn('acm', 'certificate/*')],
      },
    ],
  },
};
