import { ConfigError } from './errors';

/**
 * A Kubernetes minor version for a managed control plane (EKS), with the EKS core add-on versions
 * we pin for it.
 */
export class KubernetesVersion {
  public static readonly V1_32 = new KubernetesVersion('1.32');
  public static readonly V1_33 = new KubernetesVersion('1.33');
  public static readonly V1_34 = new KubernetesVersion('1.34');
  public static readonly V1_35 = new KubernetesVersion('1.35');
  /**
   * The version used when none is given: the newest minor this library pins add-ons for, in EKS
   * standard support at the library's data date (1.34 left standard support on 2026-12-02).
   */
  public static readonly DEFAULT = KubernetesVersion.V1_35;

  /** Any `1.<minor>` version (for versions newer than this library). */
  public static of(version: string): KubernetesVersion {
    if (!/^1\.\d{2}$/.test(version)) {
      throw new ConfigError('-', 'version', version, 'a Kubernetes minor version such as "1.35"');
    }
    // The same object as the constant, so that `===` comparisons hold.
    const known = [KubernetesVersion.V1_32, KubernetesVersion.V1_33, KubernetesVersion.V1_34, KubernetesVersion.V1_35]
      .find((v) => v.version === version);
    return known ?? new KubernetesVersion(version);
  }

  private constructor(public readonly version: string) {}

  /** Minor version number (33 for 1.33). */
  public get minor(): number {
    return Number(this.version.split('.')[1]);
  }

  public toString(): string {
    return this.version;
  }
}
