package dev.kiln.gradle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code kiln { }} block: the same settings as the Maven plugin's parameters, as plain
 * properties (a getter and a setter each, which every Gradle from 4.4 on understands), plus a few
 * methods that read well in a build script ({@code buildArg 'VERSION', version}). Files may be
 * given as anything {@code project.file()} takes. A Gradle property {@code kiln.NAME} ({@code
 * -Pkiln.image=…}, {@code gradle.properties}) overrides the setting of the same name; see {@link
 * KilnSettings}.
 */
public class KilnExtension {
  private String image;
  private List<String> tags = new ArrayList<String>();
  private Object dockerfile = "Dockerfile";
  private Object context = ".";
  private Map<String, String> buildArgs = new LinkedHashMap<String, String>();
  private String target;
  private List<String> platforms = new ArrayList<String>();
  private Map<String, String> labels = new LinkedHashMap<String, String>();
  private Map<String, String> annotations = new LinkedHashMap<String, String>();
  private List<String> typedAnnotations = new ArrayList<String>();
  private String sourceDateEpoch;
  private Object cacheDir;
  private List<String> cacheFrom = new ArrayList<String>();
  private List<String> cacheTo = new ArrayList<String>();
  private boolean noCache;
  private List<String> outputs = new ArrayList<String>();
  private List<String> secrets = new ArrayList<String>();
  private List<String> allow = new ArrayList<String>();
  private List<String> ssh = new ArrayList<String>();
  private String network = "default";
  private List<String> addHosts = new ArrayList<String>();
  private List<String> ulimits = new ArrayList<String>();
  private String shmSize;
  private String pull;
  private List<String> buildContexts = new ArrayList<String>();
  private List<String> noCacheFilter = new ArrayList<String>();
  private String isolation = "auto";
  private Integer maxParallelism;
  private String compression = "gzip";
  private Integer compressionLevel;
  private boolean forceCompression;
  private boolean store;
  private boolean sbom;
  private String provenance;
  private Object signingKey;
  private String signingKeyPasswordEnv;
  private List<String> insecureRegistries = new ArrayList<String>();
  private List<String> plainHttpCredentialHosts = new ArrayList<String>();
  private final Map<String, RegistryCredentials> auth =
      new LinkedHashMap<String, RegistryCredentials>();
  private String format = "oci";
  private Object tarFile;
  private Object layoutDirectory;
  private Object digestFile;
  private Object metadataFile;
  private String source;
  private String sourceTag;
  private String platform;
  private boolean skip;
  private Object javaHome;
  private boolean fork;
  private String imageDigest;
  private String written;

  /** The image's name, e.g. {@code registry.example.com/team/app:1.0}. */
  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  /**
   * More names: a plain tag ({@code latest}) applies to {@code image}'s repository, anything else
   * is a full reference.
   */
  public List<String> getTags() {
    return tags;
  }

  public void setTags(List<String> tags) {
    this.tags = new ArrayList<String>(tags);
  }

  /** The Dockerfile (default: {@code Dockerfile} in the project directory). */
  public Object getDockerfile() {
    return dockerfile;
  }

  public void setDockerfile(Object dockerfile) {
    this.dockerfile = dockerfile;
  }

  /** The build context (default: the project directory); its {@code .dockerignore} is honoured. */
  public Object getContext() {
    return context;
  }

  public void setContext(Object context) {
    this.context = context;
  }

  /** Build arguments ({@code ARG}); a null value takes the variable from the environment. */
  public Map<String, String> getBuildArgs() {
    return buildArgs;
  }

  public void setBuildArgs(Map<String, String> buildArgs) {
    this.buildArgs = new LinkedHashMap<String, String>(buildArgs);
  }

  /** Adds one build argument; {@code value} is turned into a string ({@code project.version}). */
  public void buildArg(String name, Object value) {
    buildArgs.put(name, value == null ? null : value.toString());
  }

  /** The stage to build (default: the last). */
  public String getTarget() {
    return target;
  }

  public void setTarget(String target) {
    this.target = target;
  }

  /** Target platforms, e.g. {@code linux/arm64} (default: this machine's). */
  public List<String> getPlatforms() {
    return platforms;
  }

  public void setPlatforms(List<String> platforms) {
    this.platforms = new ArrayList<String>(platforms);
  }

  /** Image labels. */
  public Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = new LinkedHashMap<String, String>(labels);
  }

  public void label(String name, Object value) {
    labels.put(name, value == null ? "" : value.toString());
  }

  /** Manifest annotations. */
  public Map<String, String> getAnnotations() {
    return annotations;
  }

  public void setAnnotations(Map<String, String> annotations) {
    this.annotations = new LinkedHashMap<String, String>(annotations);
  }

  /**
   * Annotations of the index, of descriptors, or of one platform's manifest, in the CLI's {@code
   * --annotation} syntax: {@code index:KEY=VALUE}, {@code manifest[linux/arm64]:KEY=VALUE}, {@code
   * manifest-descriptor:KEY=VALUE}, {@code index-descriptor:KEY=VALUE}, or several types at once
   * ({@code index,manifest:KEY=VALUE}); a plain {@code KEY=VALUE} goes on every manifest.
   */
  public List<String> getTypedAnnotations() {
    return typedAnnotations;
  }

  public void setTypedAnnotations(List<String> typedAnnotations) {
    this.typedAnnotations = new ArrayList<String>(typedAnnotations);
  }

  /** Adds one annotation in {@code --annotation} syntax, e.g. {@code 'index:KEY=VALUE'}. */
  public void typedAnnotation(String spec) {
    typedAnnotations.add(spec);
  }

  /**
   * Clamp file times and set the image's creation time to this: seconds since 1970 or an ISO-8601
   * date-time ({@code 2024-01-01T00:00:00Z}). Default: the {@code SOURCE_DATE_EPOCH} environment
   * variable.
   */
  public String getSourceDateEpoch() {
    return sourceDateEpoch;
  }

  public void setSourceDateEpoch(String sourceDateEpoch) {
    this.sourceDateEpoch = sourceDateEpoch;
  }

  /** kiln's content store and build cache (default: {@code $KILN_CACHE_DIR} or ~/.cache/kiln). */
  public Object getCacheDir() {
    return cacheDir;
  }

  public void setCacheDir(Object cacheDir) {
    this.cacheDir = cacheDir;
  }

  /** Build cache to import: {@code type=registry,ref=REF} or {@code type=local,src=DIR}. */
  public List<String> getCacheFrom() {
    return cacheFrom;
  }

  public void setCacheFrom(List<String> cacheFrom) {
    this.cacheFrom = new ArrayList<String>(cacheFrom);
  }

  /**
   * Build cache to export: {@code type=registry,ref=REF[,mode=max]} or {@code type=local,dest=DIR}.
   */
  public List<String> getCacheTo() {
    return cacheTo;
  }

  public void setCacheTo(List<String> cacheTo) {
    this.cacheTo = new ArrayList<String>(cacheTo);
  }

  /** Do not use the build cache. */
  public boolean isNoCache() {
    return noCache;
  }

  public void setNoCache(boolean noCache) {
    this.noCache = noCache;
  }

  /**
   * More outputs for the build tasks, in {@code kiln build -o} syntax ({@code
   * type=local,dest=build/rootfs}), written besides the task's own.
   */
  public List<String> getOutputs() {
    return outputs;
  }

  public void setOutputs(List<String> outputs) {
    this.outputs = new ArrayList<String>(outputs);
  }

  /**
   * Secrets for {@code RUN --mount=type=secret}, in {@code --secret} syntax: {@code
   * id=npmrc,src=/home/me/.npmrc} or {@code id=token,env=TOKEN}. Only their names reach the build
   * script's model; the values are read when the step runs and never stored in a layer.
   */
  public List<String> getSecrets() {
    return secrets;
  }

  public void setSecrets(List<String> secrets) {
    this.secrets = new ArrayList<String>(secrets);
  }

  public void secret(String spec) {
    secrets.add(spec);
  }

  /**
   * Entitlements for RUN steps ({@code --allow}): {@code network.host}, {@code security.insecure}.
   */
  public List<String> getAllow() {
    return allow;
  }

  public void setAllow(List<String> allow) {
    this.allow = new ArrayList<String>(allow);
  }

  /**
   * SSH agents or keys for {@code RUN --mount=type=ssh}, in {@code --ssh} syntax: {@code default}
   * (the agent of {@code $SSH_AUTH_SOCK}) or {@code ID=PATH}.
   */
  public List<String> getSsh() {
    return ssh;
  }

  public void setSsh(List<String> ssh) {
    this.ssh = new ArrayList<String>(ssh);
  }

  /** The network of RUN steps: {@code default}, {@code none} or {@code host}. */
  public String getNetwork() {
    return network;
  }

  public void setNetwork(String network) {
    this.network = network;
  }

  /**
   * Lines for RUN's {@code /etc/hosts}, in {@code --add-host} syntax: {@code HOST:IP}, where IP may
   * be {@code host-gateway}.
   */
  public List<String> getAddHosts() {
    return addHosts;
  }

  public void setAddHosts(List<String> addHosts) {
    this.addHosts = new ArrayList<String>(addHosts);
  }

  /** Resource limits of RUN's processes, in {@code --ulimit} syntax: {@code nofile=1024:2048}. */
  public List<String> getUlimits() {
    return ulimits;
  }

  public void setUlimits(List<String> ulimits) {
    this.ulimits = new ArrayList<String>(ulimits);
  }

  /** The size of RUN's {@code /dev/shm}, as {@code --shm-size}: {@code 64m}, {@code 2g}. */
  public String getShmSize() {
    return shmSize;
  }

  public void setShmSize(String shmSize) {
    this.shmSize = shmSize;
  }

  /**
   * When base images are resolved in their registry, as {@code kiln build --pull=POLICY}: {@code
   * always} (or {@code true}), {@code missing}, {@code never}; unset, images {@code kiln pull}
   * stored are checked against their tag and used as stored when the registry does not answer.
   */
  public String getPull() {
    return pull;
  }

  public void setPull(String pull) {
    this.pull = pull;
  }

  /**
   * Named contexts for {@code FROM NAME}, {@code COPY --from=NAME} and {@code RUN
   * --mount=from=NAME}, in {@code --build-context} syntax: {@code libs=build/dependency}, {@code
   * base=docker-image://REF} or {@code base=oci-layout://DIR[:TAG]}; relative directories are the
   * project's.
   */
  public List<String> getBuildContexts() {
    return buildContexts;
  }

  public void setBuildContexts(List<String> buildContexts) {
    this.buildContexts = new ArrayList<String>(buildContexts);
  }

  /**
   * Attach an SPDX 2.3 SBOM of the image's packages as an in-toto attestation, as BuildKit stores
   * them ({@code --sbom=true}): the image becomes an index with an attestation manifest.
   */
  public boolean isSbom() {
    return sbom;
  }

  public void setSbom(boolean sbom) {
    this.sbom = sbom;
  }

  /**
   * Attach SLSA provenance v1 ({@code --provenance}): {@code true} or {@code mode=min}, {@code
   * mode=max} (adds build arguments and the Dockerfile; never secret values), optionally {@code
   * ,builder-id=URI}.
   */
  public String getProvenance() {
    return provenance;
  }

  public void setProvenance(String provenance) {
    this.provenance = provenance;
  }

  /**
   * Sign the pushed image, and its attestations, with this private key in cosign's format ({@code
   * kiln key generate}); kilnBuild only, as signatures live in the registry.
   */
  public Object getSigningKey() {
    return signingKey;
  }

  public void setSigningKey(Object signingKey) {
    this.signingKey = signingKey;
  }

  /**
   * The environment variable holding an encrypted signing key's password (default: {@code
   * COSIGN_PASSWORD}); the password itself never goes in a build script.
   */
  public String getSigningKeyPasswordEnv() {
    return signingKeyPasswordEnv;
  }

  public void setSigningKeyPasswordEnv(String signingKeyPasswordEnv) {
    this.signingKeyPasswordEnv = signingKeyPasswordEnv;
  }

  /** Stages to build again even when the cache has them ({@code --no-cache-filter}). */
  public List<String> getNoCacheFilter() {
    return noCacheFilter;
  }

  public void setNoCacheFilter(List<String> noCacheFilter) {
    this.noCacheFilter = new ArrayList<String>(noCacheFilter);
  }

  /** How RUN steps are isolated: {@code auto}, {@code oci} (runc) or {@code chroot}. */
  public String getIsolation() {
    return isolation;
  }

  public void setIsolation(String isolation) {
    this.isolation = isolation;
  }

  /** Run at most this many steps at once, as {@code --max-parallelism} (default: one per core). */
  public Integer getMaxParallelism() {
    return maxParallelism;
  }

  public void setMaxParallelism(Integer maxParallelism) {
    this.maxParallelism = maxParallelism;
  }

  /** Layer compression: {@code gzip}, {@code zstd} or {@code uncompressed}. */
  public String getCompression() {
    return compression;
  }

  public void setCompression(String compression) {
    this.compression = compression;
  }

  /** The compression level (gzip 1-9, zstd 1-22; default: each one's own). */
  public Integer getCompressionLevel() {
    return compressionLevel;
  }

  public void setCompressionLevel(Integer compressionLevel) {
    this.compressionLevel = compressionLevel;
  }

  /**
   * Give every layer, the base image's included, {@code compression} (and {@code
   * compressionLevel}), recompressing those that differ, as {@code -o force-compression=true}.
   */
  public boolean isForceCompression() {
    return forceCompression;
  }

  public void setForceCompression(boolean forceCompression) {
    this.forceCompression = forceCompression;
  }

  /**
   * kilnBuild: also name the pushed image in kiln's local store, as {@code -o
   * type=image,push=true,store=true}.
   */
  public boolean isStore() {
    return store;
  }

  public void setStore(boolean store) {
    this.store = store;
  }

  /**
   * Registries reached over plain HTTP or without verifying TLS, which may also receive credentials
   * over plain HTTP, as with the CLI's {@code --insecure-registry} (loopback registries are reached
   * so always, but get credentials only when named here).
   */
  public List<String> getInsecureRegistries() {
    return insecureRegistries;
  }

  public void setInsecureRegistries(List<String> insecureRegistries) {
    this.insecureRegistries = new ArrayList<String>(insecureRegistries);
  }

  /**
   * More hosts that may receive credentials over plain HTTP, such as the token service of an
   * insecure registry.
   */
  public List<String> getPlainHttpCredentialHosts() {
    return plainHttpCredentialHosts;
  }

  public void setPlainHttpCredentialHosts(List<String> plainHttpCredentialHosts) {
    this.plainHttpCredentialHosts = new ArrayList<String>(plainHttpCredentialHosts);
  }

  /**
   * Credentials for {@code registry} ({@code host[:port]}), tried before Docker's and podman's
   * credential files, e.g. {@code auth 'ghcr.io', 'me', System.getenv('GHCR_TOKEN')}.
   */
  public void auth(String registry, String username, String password) {
    auth.put(registry, new RegistryCredentials(username, password));
  }

  /**
   * The Docker credential helper that holds {@code registry}'s credentials ({@code
   * docker-credential-NAME} on the PATH), as Jib's {@code credHelper}, e.g. {@code credHelper
   * '123456789.dkr.ecr.eu-west-1.amazonaws.com', 'ecr-login'}; it replaces an {@code auth} for the
   * same registry.
   */
  public void credHelper(String registry, String helper) {
    auth.put(registry, new RegistryCredentials(null, null, helper));
  }

  Map<String, RegistryCredentials> getAuthByRegistry() {
    return auth;
  }

  /**
   * The image's media types, as the CLI's {@code --format}: {@code oci}, or {@code docker} for
   * Docker's schema 2 (as Jib's {@code format = 'Docker'}); for kilnBuildTar, {@code docker} writes
   * a {@code docker load} archive instead of an OCI archive.
   */
  public String getFormat() {
    return format;
  }

  public void setFormat(String format) {
    this.format = format;
  }

  /** The tar kilnBuildTar writes (default: {@code build/kiln-image.tar}). */
  public Object getTarFile() {
    return tarFile;
  }

  public void setTarFile(Object tarFile) {
    this.tarFile = tarFile;
  }

  /** The OCI layout kilnBuildLayout writes into (default: {@code build/kiln-image}). */
  public Object getLayoutDirectory() {
    return layoutDirectory;
  }

  public void setLayoutDirectory(Object layoutDirectory) {
    this.layoutDirectory = layoutDirectory;
  }

  /** Where the image digest is written (default: {@code build/kiln-image.digest}). */
  public Object getDigestFile() {
    return digestFile;
  }

  public void setDigestFile(Object digestFile) {
    this.digestFile = digestFile;
  }

  /** Where build metadata is written as JSON with buildx's keys (default: nowhere). */
  public Object getMetadataFile() {
    return metadataFile;
  }

  public void setMetadataFile(Object metadataFile) {
    this.metadataFile = metadataFile;
  }

  /**
   * What kilnPush sends, as {@code kiln push} reads SRC (a path relative to the project, with
   * {@code oci:}, {@code oci-archive:} or {@code docker-archive:}, or a name in kiln's store).
   * Default: the tar of kilnBuildTar if it exists, else the layout of kilnBuildLayout.
   */
  public String getSource() {
    return source;
  }

  public void setSource(String source) {
    this.source = source;
  }

  /** Which image of the source layout or archive kilnPush sends, when it holds several. */
  public String getSourceTag() {
    return sourceTag;
  }

  public void setSourceTag(String sourceTag) {
    this.sourceTag = sourceTag;
  }

  /** The platform kilnPush sends when the source is an index (default: this machine's). */
  public String getPlatform() {
    return platform;
  }

  public void setPlatform(String platform) {
    this.platform = platform;
  }

  /** Skip every kiln task. */
  public boolean isSkip() {
    return skip;
  }

  public void setSkip(boolean skip) {
    this.skip = skip;
  }

  /**
   * A Java 17 or later to run kiln in, when Gradle runs on an older one (default: {@code
   * $KILN_JAVA_HOME}). Setting it also runs kiln in a JVM of its own.
   */
  public Object getJavaHome() {
    return javaHome;
  }

  public void setJavaHome(Object javaHome) {
    this.javaHome = javaHome;
  }

  /** Run kiln in a JVM of its own even when Gradle's JVM could run it. */
  public boolean isFork() {
    return fork;
  }

  public void setFork(boolean fork) {
    this.fork = fork;
  }

  /** The digest of the image the last kiln task of this build produced ({@code sha256:…}). */
  public String getImageDigest() {
    return imageDigest;
  }

  void recordImageDigest(String digest) {
    this.imageDigest = digest;
  }

  /** The tar or layout a build task of this Gradle run wrote last: what kilnPush sends. */
  String getWritten() {
    return written;
  }

  void recordWritten(String path) {
    this.written = path;
  }

  /** A username and password for one registry, or the credential helper that has them. */
  static final class RegistryCredentials {
    final String username;
    final String password;
    final String credHelper;

    RegistryCredentials(String username, String password) {
      this(username, password, null);
    }

    RegistryCredentials(String username, String password, String credHelper) {
      this.username = username;
      this.password = password;
      this.credHelper = credHelper;
    }
  }
}
