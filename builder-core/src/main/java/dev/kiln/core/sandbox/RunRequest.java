package dev.kiln.core.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link Sandbox} needs to run one step, the same for every backend.
 *
 * <p>{@code argv} is the exec form; the caller turns the shell form into {@code [shell..., "cmd"]}
 * using the stage's {@code SHELL}. {@code env} holds {@code NAME=value} strings as the process will
 * see them (stage {@code ENV} and the build arguments in scope; for a repeated name the last value
 * counts); the only addition is {@code HOME}, from the image's {@code /etc/passwd}, when it is
 * missing or empty, as runc does. A {@code PATH} is the caller's to supply ({@link #DEFAULT_PATH}
 * when the image has none): runc cannot find a command without one. {@code workingDir} is created
 * (owned by root, mode 0755) when missing, as Docker does, and that directory is a real change of
 * the step. {@code /etc/hosts} and {@code /etc/resolv.conf} are generated for the step and
 * bind-mounted over the rootfs's files; the rootfs is left as it was. {@code timeout} of {@link
 * Duration#ZERO} means none. {@code security} is {@link SecurityMode#SANDBOX} unless the caller,
 * which alone decides whether a step may have more, asks for {@link SecurityMode#INSECURE}. {@code
 * rlimits} replace the backend's defaults for their resources; {@code shmSize} is the size of
 * {@code /dev/shm} in bytes, 0 for {@link ContainerDefaults#TMPFS_SIZE}.
 */
public record RunRequest(
    Path rootfs,
    List<String> argv,
    List<String> env,
    String workingDir,
    ResolvedUser user,
    NetworkMode network,
    SecurityMode security,
    String hostname,
    List<HostEntry> extraHosts,
    List<SandboxMount> mounts,
    Duration timeout,
    List<Rlimit> rlimits,
    long shmSize) {

  /** Docker's default {@code PATH}, for callers whose image config has none. */
  public static final String DEFAULT_PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** The host name a step sees unless told otherwise. */
  public static final String DEFAULT_HOSTNAME = "kilnsandbox";

  public RunRequest {
    rootfs = rootfs.toAbsolutePath();
    argv = List.copyOf(argv);
    if (argv.isEmpty() || argv.get(0).isEmpty()) {
      throw new IllegalArgumentException("a step needs a command to run");
    }
    // A later value of the same name wins, as with repeated ENV; the runtimes would otherwise
    // disagree (execve keeps both and getenv finds the first).
    java.util.LinkedHashMap<String, String> byName = new java.util.LinkedHashMap<>();
    for (String entry : env) {
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("environment entry '" + entry + "' is not NAME=value");
      }
      byName.put(entry.substring(0, eq), entry);
    }
    env = List.copyOf(byName.values());
    workingDir = ContainerPath.normalize(Objects.requireNonNull(workingDir, "workingDir"));
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(security, "security");
    if (hostname.isBlank() || hostname.length() > 64) {
      throw new IllegalArgumentException("invalid host name '" + hostname + "'");
    }
    extraHosts = List.copyOf(extraHosts);
    mounts = List.copyOf(mounts);
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative");
    }
    rlimits = List.copyOf(rlimits);
    if (shmSize < 0) {
      throw new IllegalArgumentException("shm size must not be negative");
    }
  }

  /** The {@code size=} of the step's {@code /dev/shm} tmpfs. */
  public String shmTmpfsSize() {
    return shmSize > 0 ? Long.toString(shmSize) : ContainerDefaults.TMPFS_SIZE;
  }

  /** Starts a request for {@code argv} in {@code rootfs}: root, {@code /}, default network. */
  public static Builder builder(Path rootfs, List<String> argv) {
    return new Builder(rootfs, argv);
  }

  /** Whether the step runs with full privileges ({@link SecurityMode#INSECURE}). */
  public boolean privileged() {
    return security == SecurityMode.INSECURE;
  }

  /** Whether a timeout applies. */
  public boolean hasTimeout() {
    return !timeout.isZero();
  }

  /** Collects the optional parts of a {@link RunRequest}. */
  public static final class Builder {
    private final Path rootfs;
    private final List<String> argv;
    private List<String> env = List.of("PATH=" + DEFAULT_PATH);
    private String workingDir = "/";
    private ResolvedUser user = ResolvedUser.ROOT;
    private NetworkMode network = NetworkMode.DEFAULT;
    private SecurityMode security = SecurityMode.SANDBOX;
    private String hostname = DEFAULT_HOSTNAME;
    private final List<HostEntry> extraHosts = new ArrayList<>();
    private final List<SandboxMount> mounts = new ArrayList<>();
    private Duration timeout = Duration.ZERO;
    private final List<Rlimit> rlimits = new ArrayList<>();
    private long shmSize;

    private Builder(Path rootfs, List<String> argv) {
      this.rootfs = rootfs;
      this.argv = List.copyOf(argv);
    }

    /** The whole environment ({@code NAME=value}); replaces the default {@code PATH}. */
    public Builder env(List<String> env) {
      this.env = List.copyOf(env);
      return this;
    }

    public Builder workingDir(String workingDir) {
      this.workingDir = workingDir;
      return this;
    }

    public Builder user(ResolvedUser user) {
      this.user = user;
      return this;
    }

    public Builder network(NetworkMode network) {
      this.network = network;
      return this;
    }

    public Builder security(SecurityMode security) {
      this.security = security;
      return this;
    }

    public Builder hostname(String hostname) {
      this.hostname = hostname;
      return this;
    }

    public Builder addHost(HostEntry entry) {
      extraHosts.add(entry);
      return this;
    }

    public Builder mount(SandboxMount mount) {
      mounts.add(mount);
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public Builder rlimit(Rlimit limit) {
      rlimits.add(limit);
      return this;
    }

    /** The size of {@code /dev/shm} in bytes; 0 keeps the default. */
    public Builder shmSize(long bytes) {
      this.shmSize = bytes;
      return this;
    }

    public RunRequest build() {
      return new RunRequest(
          rootfs,
          argv,
          env,
          workingDir,
          user,
          network,
          security,
          hostname,
          extraHosts,
          mounts,
          timeout,
          rlimits,
          shmSize);
    }
  }
}
