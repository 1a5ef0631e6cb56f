import { Token } from 'cdktf';
import { ConfigError } from './errors';
import { validateS3BucketName } from './naming';

/** A parsed `s3://bucket/prefix` location. */
export interface S3Location {
  readonly bucket: string;
  /** Key prefix without a leading slash; '' for the whole bucket. */
  readonly prefix: string;
  /** The URI as given. */
  readonly uri: string;
}

/** Parse and check an `s3://bucket/prefix/` URI. */
export function parseS3Uri(uri: string, path: string, field: string): S3Location {
  if (Token.isUnresolved(uri)) {
    throw new ConfigError(path, field, uri, 'a literal s3:// URI (the bucket and prefix scope IAM permissions, so they must be known at synth)');
  }
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new ConfigError(path, field, uri, 'an S3 URI such as "s3://my-models/recs/"');
  validateS3BucketName(m[1], path, `${field} (bucket)`);
  return { bucket: m[1], prefix: m[2], uri };
}

/** ARN of a bucket. `partition` defaults to `aws`. */
export function s3BucketArn(bucket: string, partition: string = 'aws'): string {
  return `arn:${partition}:s3:::${bucket}`;
}

/** ARN pattern of the objects under a location (`arn:aws:s3:::bucket/prefix*`). */
export function s3ObjectsArn(loc: S3Location, partition: string = 'aws'): string {
  return `arn:${partition}:s3:::${loc.bucket}/${loc.prefix}*`;
}
