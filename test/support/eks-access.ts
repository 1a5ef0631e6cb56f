/**
 * What every EKS cluster of a test needs for a first deploy (issue 16): the deploying identity
 * (a cluster-admin access entry), a network path to the private API endpoint, and the choice about
 * the account's Spot service-linked role (false: the test accounts have it).
 */
export const EKS_ACCESS = {
  deployerPrincipalArn: 'arn:aws:iam::111122223333:role/ci-deployer',
  privateAccessCidrs: ['10.250.0.0/24'],
  createSpotServiceLinkedRole: false,
};
