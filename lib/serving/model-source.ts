import { Token } from 'cdktf';
import { ConfigError } from '../core/errors';
import { validateDnsSubdomain } from '../core/naming';
import { parseS3Uri, S3Location } from '../core/s3-uri';

/** Values of {@link ModelSource.kind}. */
export const ModelSourceKinds = {
  S3: 's3',
  HUGGING_FACE: 'huggingface',
  PVC: 'pvc',
  OCI: 'oci',
  URI: 'uri',
} as const;

/** Options common to every {@link ModelSource}. */
export interface ModelSourceOptions {
  /**
   * Size of the model weights, GiB. Feeds the cold-start estimate (download and load time) and
   * sizes the KServe LocalModelCache of a warm start, which needs it.
   * @default - unknown: the cold-start estimate leaves the download and load out and says so
   */
  readonly sizeGiB?: number;
}

/** Options of {@link ModelSource.huggingFace}. */
export interface HuggingFaceModelOptions extends ModelSourceOptions {
  /**
   * Git revision (commit hash, branch or tag) of the repository. Pin a commit hash for
   * repeatable deploys.
   * @default - the default branch
   */
  readonly revision?: string;
}

const URI_SCHEMES = ['s3', 'gs', 'https', 'http', 'hf', 'pvc', 'oci', 'hdfs', 'webhdfs', 'azure'];

/**
 * Where an endpoint's model weights come from. Rendered as the KServe `storageUri` (the storage
 * initializer, a LocalModelCache or a modelcar fetches it), or as SageMaker model data.
 *
 * ```ts
 * ModelSource.s3('s3://acme-models/recs/v3/', { sizeGiB: 2 });
 * ModelSource.huggingFace('meta-llama/Llama-3.1-8B-Instruct', { revision: '0e9e39f2...', sizeGiB: 16 });
 * ```
 *
 * URIs are checked by the endpoint that uses them (with its construct path in the error).
 */
export class ModelSource {
  /**
   * Objects under an S3 prefix (`s3://bucket/prefix/`), or one archive (`.../model.tar.gz`). The
   * endpoint's service account gets read access to exactly that prefix.
   */
  public static s3(uri: string, options: ModelSourceOptions = {}): ModelSource {
    return new ModelSource(ModelSourceKinds.S3, uri, options);
  }

  /**
   * A Hugging Face Hub repository (`org/name`), rendered as KServe's `hf://org/name[:revision]`.
   * Gated repositories need a token, which this library does not wire yet.
   */
  public static huggingFace(repository: string, options: HuggingFaceModelOptions = {}): ModelSource {
    const uri = `hf://${repository}${options.revision ? `:${options.revision}` : ''}`;
    return new ModelSource(ModelSourceKinds.HUGGING_FACE, uri, options, repository, options.revision);
  }

  /**
   * A path on a PersistentVolumeClaim in the endpoint's namespace (`pvc://claim/path`): mounted,
   * not downloaded. Knative mode needs the `kubernetes.podspec-persistent-volume-claim` feature,
   * which the platform turns on.
   * @param claimName the PVC name
   * @param path path inside the volume; @default - the volume root
   */
  public static pvc(claimName: string, path?: string, options: ModelSourceOptions = {}): ModelSource {
    const clean = (path ?? '').replace(/^\/+/, '');
    return new ModelSource(ModelSourceKinds.PVC, `pvc://${claimName}${clean ? `/${clean}` : ''}`, options, claimName);
  }

  /**
   * An OCI image holding the model files (KServe "modelcar": the image is pulled like a container
   * image and shared with the server through the pod). Pin a tag or digest.
   * @param image image reference, e.g. `registry.example.com/models/recs:v3`
   */
  public static oci(image: string, options: ModelSourceOptions = {}): ModelSource {
    const ref = image.replace(/^oci:\/\//, '');
    return new ModelSource(ModelSourceKinds.OCI, `oci://${ref}`, options, ref);
  }

  /**
   * Any other storage URI the KServe storage initializer understands (`gs://`, `https://`,
   * `azure://`, ...). Its credentials are not managed by this library.
   */
  public static uri(uri: string, options: ModelSourceOptions = {}): ModelSource {
    return new ModelSource(ModelSourceKinds.URI, uri, options);
  }

  /** `s3`, `huggingface`, `pvc`, `oci` or `uri` (see {@link ModelSourceKinds}). */
  public readonly kind: string;
  /** The KServe `storageUri`, e.g. `s3://acme-models/recs/` or `hf://org/name`. */
  public readonly storageUri: string;
  /** Size of the weights, GiB, when given. */
  public readonly sizeGiB?: number;
  /** Hugging Face repository, PVC claim name or OCI image reference, depending on the kind. */
  public readonly reference?: string;
  /** Hugging Face revision, when given. */
  public readonly revision?: string;

  private constructor(kind: string, uri: string, options: ModelSourceOptions, reference?: string, revision?: string) {
    this.kind = kind;
    this.storageUri = uri;
    this.sizeGiB = options.sizeGiB;
    this.reference = reference;
    this.revision = revision;
  }

  /**
   * Check the source for the construct at `path`; returns the parsed S3 location of an S3 model.
   * @internal
   */
  public _validate(path: string, field: string): S3Location | undefined {
    if (this.sizeGiB !== undefined && !Token.isUnresolved(this.sizeGiB) && (typeof this.sizeGiB !== 'number' || !(this.sizeGiB > 0) || !Number.isFinite(this.sizeGiB))) {
      throw new ConfigError(path, `${field}.sizeGiB`, this.sizeGiB, 'a positive number of GiB (the size of the weights), or leave it unset');
    }
    if (Token.isUnresolved(this.storageUri)) {
      throw new ConfigError(path, field, this.storageUri, 'a literal model location: the platform derives permissions, caches and cold-start estimates from it at synth');
    }
    switch (this.kind) {
      case ModelSourceKinds.S3:
        return parseS3Uri(this.storageUri, path, field);
      case ModelSourceKinds.HUGGING_FACE:
        if (!/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/.test(this.reference ?? '')) {
          throw new ConfigError(path, field, this.reference, 'a Hugging Face repository "org/name", e.g. "meta-llama/Llama-3.1-8B-Instruct"');
        }
        if (this.revision !== undefined && !/^[\w./-]+$/.test(this.revision)) {
          throw new ConfigError(path, `${field}.revision`, this.revision, 'a commit hash, branch or tag of the repository');
        }
        return undefined;
      case ModelSourceKinds.PVC:
        validateDnsSubdomain(this.reference ?? '', path, `${field} (claim name)`);
        return undefined;
      case ModelSourceKinds.OCI:
        if (!/^[a-z0-9.-]+(:\d+)?\/[a-z0-9._\/-]+(:[\w.-]+|@sha256:[a-f0-9]{64})$/.test(this.reference ?? '')) {
          throw new ConfigError(path, field, this.storageUri, 'an OCI image with a registry and a pinned tag or digest, e.g. "oci://registry.example.com/models/recs:v3"');
        }
        return undefined;
      default: {
        const scheme = /^([a-z][a-z0-9+.-]*):\/\/./.exec(this.storageUri)?.[1];
        if (!scheme || !URI_SCHEMES.includes(scheme)) {
          throw new ConfigError(path, field, this.storageUri, `a storage URI with one of the schemes the KServe storage initializer reads: ${URI_SCHEMES.map((s) => `${s}://`).join(', ')}`);
        }
        if (scheme === 's3') return parseS3Uri(this.storageUri, path, field);
        return undefined;
      }
    }
  }

  public toString(): string {
    return this.storageUri;
  }
}
