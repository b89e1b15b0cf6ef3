package dev.kiln.api.request;

import dev.kiln.registry.credentials.CredentialSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything one build needs to know, with buildx's meanings: the CLI and the Maven plugin both
 * produce one of these and hand it to the builder. Immutable; see {@link Builder}.
 *
 * @param credentials registry credentials given explicitly (by an API caller, a Maven plugin's
 *     settings, a future {@code --registry-auth}); they are asked first, before Docker's and
 *     podman's auth files, which the build still reads; {@link CredentialSource#NONE} by default
 * @param plainHttpCredentialHosts registries ({@code host[:port]}) that may receive credentials
 *     over plain HTTP; kiln never sends them unencrypted otherwise, even to an insecure registry
 * @param allowed the entitlements granted with {@code --allow}; see {@link #allows} for the one a
 *     flag implies
 * @param sign {@code --sign}: the key every pushed image is signed with (cosign's format)
 * @param attestations {@code --sbom}, {@code --provenance}, {@code --attest}: at most one of each
 *     type
 * @param checkOnly buildx's {@code --check} ({@code --call=check}): run the build checks, report
 *     their warnings, and build nothing
 * @param pull {@code --pull}: when base images are looked up in their registry though kiln's local
 *     store holds them; {@link PullPolicy#NEWER} by default
 * @param extraHosts {@code --add-host}: lines added to every RUN step's {@code /etc/hosts}
 * @param ulimits {@code --ulimit}: resource limits of every RUN step's process
 * @param shmSize {@code --shm-size}: the size of RUN's {@code /dev/shm} in bytes; 0 for the default
 *     (64 MiB, as Docker)
 * @param debug {@code --debug}: notes on how the build runs (which sandbox, which snapshotter) are
 *     said on every build, not only the first time a store sees them
 * @param scopedAnnotations {@code --annotation}s for the index, for descriptors, or for one
 *     platform's manifest ({@code annotations} holds those of every platform's manifest)
 */
public record BuildRequest(
    Path context,
    Optional<Path> dockerfile,
    Optional<byte[]> dockerfileContent,
    Map<String, String> buildArgs,
    Optional<String> target,
    List<String> platforms,
    List<String> tags,
    Map<String, String> labels,
    Map<String, String> annotations,
    List<OutputSpec> outputs,
    List<CacheSpec> cacheFrom,
    List<CacheSpec> cacheTo,
    boolean noCache,
    Set<String> noCacheFilter,
    List<SecretSpec> secrets,
    List<SshSpec> ssh,
    String network,
    Set<Entitlement> allowed,
    String isolation,
    String snapshotter,
    Map<String, NamedContext> buildContexts,
    Optional<Long> sourceDateEpoch,
    Set<String> insecureRegistries,
    CredentialSource credentials,
    Set<String> plainHttpCredentialHosts,
    int maxParallelism,
    Optional<Path> cacheDir,
    Optional<Path> iidFile,
    Optional<Path> metadataFile,
    Map<String, RegistryLogin> registryLogins,
    Map<String, String> environment,
    Optional<SignSpec> sign,
    List<AttestationSpec> attestations,
    boolean checkOnly,
    PullPolicy pull,
    List<HostMapping> extraHosts,
    List<Ulimit> ulimits,
    long shmSize,
    boolean debug,
    List<ImageAnnotation> scopedAnnotations) {

  public BuildRequest {
    buildArgs = Map.copyOf(buildArgs);
    platforms = List.copyOf(platforms);
    tags = List.copyOf(tags);
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    scopedAnnotations = List.copyOf(scopedAnnotations);
    outputs = List.copyOf(outputs);
    cacheFrom = List.copyOf(cacheFrom);
    cacheTo = List.copyOf(cacheTo);
    noCacheFilter = Set.copyOf(noCacheFilter);
    secrets = List.copyOf(secrets);
    ssh = List.copyOf(ssh);
    allowed = Set.copyOf(allowed);
    buildContexts = Map.copyOf(buildContexts);
    insecureRegistries = Set.copyOf(insecureRegistries);
    registryLogins = Map.copyOf(registryLogins);
    environment = Map.copyOf(environment);
    attestations = List.copyOf(attestations);
    java.util.Objects.requireNonNull(credentials, "credentials");
    plainHttpCredentialHosts = Set.copyOf(plainHttpCredentialHosts);
    java.util.Objects.requireNonNull(pull, "pull");
    extraHosts = List.copyOf(extraHosts);
    ulimits = List.copyOf(ulimits);
    if (shmSize < 0) {
      throw new RequestException("--shm-size must not be negative", "e.g. --shm-size 64m");
    }
    if (maxParallelism < 1) {
      throw new RequestException(
          "--max-parallelism must be at least 1, not " + maxParallelism,
          "omit it to use one per core");
    }
  }

  /**
   * Whether steps may use {@code entitlement}: it was granted with {@code --allow}, or, as buildx
   * does, {@code --network=host} was asked for the whole build, which grants {@link
   * Entitlement#NETWORK_HOST}.
   */
  public boolean allows(Entitlement entitlement) {
    return allowed.contains(entitlement)
        || (entitlement == Entitlement.NETWORK_HOST && network.equals("host"));
  }

  /** The attestation of {@code type} asked for, if any. */
  public Optional<AttestationSpec> attestation(AttestationSpec.Type type) {
    return attestations.stream().filter(a -> a.type() == type).findFirst();
  }

  public static Builder builder(Path context) {
    return new Builder(context);
  }

  /** Collects a request field by field; every setter validates its input. */
  public static final class Builder {
    private final Path context;
    private Path dockerfile;
    private byte[] dockerfileContent;
    private final Map<String, String> buildArgs = new LinkedHashMap<>();
    private String target;
    private final List<String> platforms = new ArrayList<>();
    private final List<String> tags = new ArrayList<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final Map<String, String> annotations = new LinkedHashMap<>();
    private final List<ImageAnnotation> scopedAnnotations = new ArrayList<>();
    private final List<OutputSpec> outputs = new ArrayList<>();
    private final List<CacheSpec> cacheFrom = new ArrayList<>();
    private final List<CacheSpec> cacheTo = new ArrayList<>();
    private boolean noCache;
    private PullPolicy pull = PullPolicy.NEWER;
    private boolean checkOnly;
    private final Set<String> noCacheFilter = new LinkedHashSet<>();
    private final List<SecretSpec> secrets = new ArrayList<>();
    private final List<SshSpec> ssh = new ArrayList<>();
    private String network = "default";
    private final List<HostMapping> extraHosts = new ArrayList<>();
    private final Map<String, Ulimit> ulimits = new LinkedHashMap<>();
    private long shmSize;
    private final Set<Entitlement> allowed = EnumSet.noneOf(Entitlement.class);
    private String isolation = "auto";
    private String snapshotter = "auto";
    private final Map<String, NamedContext> buildContexts = new LinkedHashMap<>();
    private Long sourceDateEpoch;
    private final Set<String> insecureRegistries = new LinkedHashSet<>();
    private CredentialSource credentials = CredentialSource.NONE;
    private final Set<String> plainHttpCredentialHosts = new LinkedHashSet<>();
    private int maxParallelism = Runtime.getRuntime().availableProcessors();
    private Path cacheDir;
    private Path iidFile;
    private Path metadataFile;
    private final Map<String, RegistryLogin> registryLogins = new LinkedHashMap<>();
    private Map<String, String> environment = System.getenv();
    private SignSpec sign;
    private final Map<AttestationSpec.Type, AttestationSpec> attestations =
        new java.util.EnumMap<>(AttestationSpec.Type.class);
    private boolean debug;

    private Builder(Path context) {
      this.context = context;
    }

    public Builder dockerfile(Path file) {
      this.dockerfile = file;
      return this;
    }

    /** The Dockerfile's bytes when it does not come from a file ({@code -f -}). */
    public Builder dockerfileContent(byte[] content) {
      this.dockerfileContent = content.clone();
      return this;
    }

    public Builder buildArg(String name, String value) {
      buildArgs.put(name, value);
      return this;
    }

    public Builder target(String stage) {
      this.target = stage;
      return this;
    }

    /**
     * Target platforms, comma-separated; buildx's shorthands ({@code local}, {@code amd64}, {@code
     * linux}) are expanded against this machine.
     */
    public Builder platform(String platform) {
      for (String p : platform.split(",")) {
        if (!p.isBlank()) {
          platforms.add(PlatformShorthand.expand(p, dev.kiln.registry.model.Platform.host()));
        }
      }
      return this;
    }

    public Builder tag(String reference) {
      tags.add(reference);
      return this;
    }

    public Builder label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    public Builder annotation(String key, String value) {
      annotations.put(key, value);
      return this;
    }

    /**
     * An annotation of {@code --annotation TYPE[PLATFORM]:K=V}: one of every platform's manifest
     * goes with {@link #annotation(String, String)}, the others are kept by where they go.
     */
    public Builder annotation(ImageAnnotation annotation) {
      if (annotation.place() == ImageAnnotation.Place.MANIFEST && annotation.platform().isEmpty()) {
        annotations.put(annotation.key(), annotation.value());
      } else {
        scopedAnnotations.add(annotation);
      }
      return this;
    }

    public Builder output(OutputSpec output) {
      outputs.add(output);
      return this;
    }

    public Builder cacheFrom(CacheSpec spec) {
      cacheFrom.add(spec);
      return this;
    }

    public Builder cacheTo(CacheSpec spec) {
      cacheTo.add(spec);
      return this;
    }

    public Builder noCache(boolean value) {
      this.noCache = value;
      return this;
    }

    /** When base images are looked up in their registry ({@code --pull}). */
    public Builder pull(PullPolicy value) {
      this.pull = java.util.Objects.requireNonNull(value, "pull");
      return this;
    }

    /** Run the build checks only (buildx's {@code --check}). */
    public Builder checkOnly(boolean value) {
      this.checkOnly = value;
      return this;
    }

    public Builder noCacheFilter(String stage) {
      noCacheFilter.add(stage);
      return this;
    }

    public Builder secret(SecretSpec spec) {
      secrets.add(spec);
      return this;
    }

    public Builder ssh(SshSpec spec) {
      ssh.add(spec);
      return this;
    }

    public Builder network(String mode) {
      if (!Set.of("default", "host", "none").contains(mode)) {
        throw new RequestException(
            "unknown --network '" + mode + "'", "use --network=default, host or none");
      }
      this.network = mode;
      return this;
    }

    /** One {@code --add-host} ({@code HOST:IP}); repeatable. */
    public Builder addHost(String mapping) {
      extraHosts.add(HostMapping.parse(mapping));
      return this;
    }

    /** One {@code --ulimit NAME=SOFT[:HARD]}; repeatable, a later one of a name replaces it. */
    public Builder ulimit(String spec) {
      Ulimit u = Ulimit.parse(spec);
      ulimits.remove(u.name());
      ulimits.put(u.name(), u);
      return this;
    }

    /** {@code --shm-size}, e.g. {@code 64m} or {@code 2g}; 0 keeps the default. */
    public Builder shmSize(String size) {
      this.shmSize = ByteSize.parse(size, "--shm-size");
      return this;
    }

    /**
     * Grants the entitlements named in {@code names} ({@code --allow}): one name or several
     * separated by commas; repeatable.
     *
     * @throws RequestException for an unknown name
     */
    public Builder allow(String names) {
      allowed.addAll(Entitlement.parseList(names));
      return this;
    }

    public Builder allow(Entitlement entitlement) {
      allowed.add(entitlement);
      return this;
    }

    public Builder isolation(String mode) {
      if (!Set.of("auto", "oci", "chroot").contains(mode)) {
        throw new RequestException(
            "unknown --isolation '" + mode + "'", "use --isolation=auto, oci or chroot");
      }
      this.isolation = mode;
      return this;
    }

    /**
     * How RUN steps get their root filesystem: {@code overlay} (overlayfs over the layers), {@code
     * copy} (a copied tree, diffed by a stat walk) or {@code auto} (overlay when a test mount
     * works).
     */
    public Builder snapshotter(String kind) {
      if (!Set.of("auto", "overlay", "copy").contains(kind)) {
        throw new RequestException(
            "unknown snapshotter '" + kind + "'", "use auto, overlay or copy");
      }
      this.snapshotter = kind;
      return this;
    }

    public Builder buildContext(NamedContext named) {
      buildContexts.put(named.name(), named);
      return this;
    }

    public Builder sourceDateEpoch(long seconds) {
      if (seconds < 0) {
        throw new RequestException(
            "SOURCE_DATE_EPOCH must be seconds since 1970, not " + seconds,
            "e.g. $(git log -1 --format=%ct)");
      }
      this.sourceDateEpoch = seconds;
      return this;
    }

    public Builder insecureRegistry(String host) {
      insecureRegistries.add(host);
      return this;
    }

    /** Credentials to try before the auth files (see {@link BuildRequest#credentials()}). */
    public Builder credentials(CredentialSource source) {
      this.credentials = java.util.Objects.requireNonNull(source, "credentials");
      return this;
    }

    /** Lets credentials travel to {@code hostPort} over plain HTTP (a local test registry). */
    public Builder plainHttpCredentials(String hostPort) {
      plainHttpCredentialHosts.add(hostPort);
      return this;
    }

    public Builder maxParallelism(int value) {
      this.maxParallelism = value;
      return this;
    }

    public Builder cacheDir(Path dir) {
      this.cacheDir = dir;
      return this;
    }

    public Builder iidFile(Path file) {
      this.iidFile = file;
      return this;
    }

    public Builder metadataFile(Path file) {
      this.metadataFile = file;
      return this;
    }

    /** Credentials for {@code registry} ({@code host[:port]}), tried before credential files. */
    public Builder registryLogin(String registry, RegistryLogin login) {
      registryLogins.put(registry, login);
      return this;
    }

    /**
     * The environment secrets ({@code --secret id=x,env=VAR}), SSH agents and credential files are
     * looked up in (default: this process's).
     */
    public Builder environment(Map<String, String> env) {
      this.environment = Map.copyOf(env);
      return this;
    }

    /** Signs every pushed image with this key ({@code --sign key=FILE}). */
    public Builder sign(SignSpec spec) {
      this.sign = spec;
      return this;
    }

    /** Attaches this attestation; a later one of the same type replaces it (as in buildx). */
    public Builder attest(AttestationSpec spec) {
      attestations.put(spec.type(), spec);
      return this;
    }

    /** Drops the attestation of {@code type} ({@code --sbom=false} after an earlier flag). */
    public Builder noAttestation(AttestationSpec.Type type) {
      attestations.remove(type);
      return this;
    }

    /** Whether notes said before in this store are said again ({@code --debug}). */
    public Builder debug(boolean value) {
      this.debug = value;
      return this;
    }

    public BuildRequest build() {
      return new BuildRequest(
          context,
          Optional.ofNullable(dockerfile),
          Optional.ofNullable(dockerfileContent),
          buildArgs,
          Optional.ofNullable(target),
          platforms,
          tags,
          labels,
          annotations,
          outputs,
          cacheFrom,
          cacheTo,
          noCache,
          noCacheFilter,
          secrets,
          ssh,
          network,
          allowed,
          isolation,
          snapshotter,
          buildContexts,
          Optional.ofNullable(sourceDateEpoch),
          insecureRegistries,
          credentials,
          plainHttpCredentialHosts,
          maxParallelism,
          Optional.ofNullable(cacheDir),
          Optional.ofNullable(iidFile),
          Optional.ofNullable(metadataFile),
          registryLogins,
          environment,
          Optional.ofNullable(sign),
          List.copyOf(attestations.values()),
          checkOnly,
          pull,
          extraHosts,
          List.copyOf(ulimits.values()),
          shmSize,
          debug,
          scopedAnnotations);
    }
  }
}
