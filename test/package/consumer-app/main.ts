// A user's program, as it would be written against the published package: compiled with --strict
// and skipLibCheck: false by test/package/consumer.test.ts in a temporary project that installed the
// packed tarball. Kept free of anything but the package's public API.
import { App } from 'cdktf';
import {
  Accelerator, AiPlatform, Capacity, ConfigError, Duration, GpuNodePool, GpuSharing, ModelSource, NodeProvisioner,
  ServerlessInferenceEndpoint, ServingRuntime,
} from 'cdktf-ai-infra';

const app = new App();
const platform = new AiPlatform(app, 'consumer', { tags: { team: 'ml' }, allowedRegions: ['us-east-1'] });
const cluster = platform.addEksCluster('prod', {
  region: 'us-east-1',
  availabilityZones: ['us-east-1a', 'us-east-1b'],
  // A first deploy needs who deploys and a path to the API (README, "First deploy").
  deployerPrincipalArn: 'arn:aws:iam::111122223333:role/ci-deployer',
  endpointPublicAccess: true,
  publicAccessCidrs: ['203.0.113.0/24'],
});
const pool: GpuNodePool = cluster.addGpuNodePool('l4', {
  provisioner: NodeProvisioner.MANAGED_NODE_GROUP,
  accelerator: Accelerator.NVIDIA_L4,
  capacity: Capacity.onDemand(),
  minNodes: 1,
  maxNodes: 2,
  sharing: GpuSharing.timeSlicing(2),
});
new ServerlessInferenceEndpoint(cluster, 'recs', {
  pool,
  model: ModelSource.s3('s3://consumer-models-111122223333/recs/current/', { sizeGiB: 2 }),
  runtime: ServingRuntime.TRITON,
  minReplicas: 1,
  maxReplicas: 2,
  targetConcurrency: 4,
  scaleToZeroAfter: Duration.minutes(15),
});

// Errors are typed: a user can catch a ConfigError and read its fields (in a scratch app: a construct
// whose constructor threw stays half-built in its tree).
try {
  const scratch = new AiPlatform(new App(), 'scratch', {});
  scratch.addEksCluster('c', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], deployerPrincipalArn: 'arn:aws:iam::111122223333:role/ci', privateAccessCidrs: ['10.0.0.0/24'] })
    .addGpuNodePool('bad', { accelerator: Accelerator.NVIDIA_L4, minNodes: 3, maxNodes: 1 });
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  const field: string = e.field;
  console.log(`caught ${e.name} on ${field}`);
}

app.synth();
