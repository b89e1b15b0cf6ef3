package dev.kiln.registry.client;

import dev.kiln.registry.config.RegistriesConfig;
import dev.kiln.registry.credentials.CredentialChain;
import dev.kiln.registry.credentials.CredentialSource;
import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.transport.ProxySettings;
import dev.kiln.registry.transport.RegistrySecurity;
import dev.kiln.registry.transport.RetryPolicy;
import dev.kiln.registry.transport.SchemeMemory;
import dev.kiln.registry.transport.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * How a {@link RegistryClient} behaves. Every field has a sensible default; change what you need
 * with {@link #builder()}.
 *
 * @param userAgent sent with every request
 * @param credentials where credentials come from (default: explicit none, then Docker's and
 *     podman's files, see {@link CredentialChain#standard})
 * @param security TLS, plain HTTP and certs.d settings
 * @param registries mirrors, blocked registries and short-name rules for pulls (default: none,
 *     Docker's behaviour; see {@link RegistriesConfig#load})
 * @param proxy proxy variables, applied as Go applies them (default: this process's environment;
 *     {@link ProxySettings#NONE} leaves the choice to the JVM's proxy properties)
 * @param retryPolicy how often and how long to retry transient failures
 * @param connectTimeout TCP connect timeout
 * @param readTimeout how long a read may block (a stalled transfer fails after this)
 * @param parallelUploads how many blobs are pushed at once
 * @param monolithicUploadMaxBytes blobs up to this size are uploaded with one PUT; larger ones with
 *     PATCH then PUT
 * @param chunkSize if positive, large blobs are uploaded in PATCH chunks of this size (raised to
 *     the registry's {@code OCI-Chunk-Min-Length}); 0 sends them in one streamed PATCH
 * @param listener receives every {@link RegistryEvent}; must be fast and must not throw
 * @param sleeper waits between retries (tests replace it)
 * @param clock for token expiry and {@code Retry-After} dates
 * @param random jitter source, uniform in [0, 1)
 * @param schemeMemory which insecure registries spoke plain HTTP in earlier processes (default:
 *     none, HTTPS is tried first)
 */
public record RegistryClientOptions(
    String userAgent,
    CredentialSource credentials,
    RegistrySecurity security,
    RegistriesConfig registries,
    ProxySettings proxy,
    RetryPolicy retryPolicy,
    Duration connectTimeout,
    Duration readTimeout,
    int parallelUploads,
    long monolithicUploadMaxBytes,
    long chunkSize,
    Consumer<RegistryEvent> listener,
    Sleeper sleeper,
    Clock clock,
    DoubleSupplier random,
    SchemeMemory schemeMemory) {

  public RegistryClientOptions {
    Objects.requireNonNull(userAgent, "userAgent");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(registries, "registries");
    Objects.requireNonNull(proxy, "proxy");
    Objects.requireNonNull(retryPolicy, "retryPolicy");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(schemeMemory, "schemeMemory");
    if (parallelUploads < 1) {
      throw new IllegalArgumentException("parallelUploads must be at least 1");
    }
    if (chunkSize < 0 || monolithicUploadMaxBytes < 0) {
      throw new IllegalArgumentException("sizes must not be negative");
    }
  }

  /**
   * The defaults: credentials and proxy variables from this process's environment, HTTPS, 4
   * parallel uploads.
   */
  public static RegistryClientOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Mutable builder of {@link RegistryClientOptions}. */
  public static final class Builder {
    private String userAgent = "kiln/" + version();
    private CredentialSource credentials;
    private RegistrySecurity security;
    private RegistriesConfig registries = RegistriesConfig.NONE;
    private ProxySettings proxy;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration readTimeout = Duration.ofMinutes(2);
    private int parallelUploads = 4;
    private long monolithicUploadMaxBytes = 4L << 20;
    private long chunkSize = 0;
    private Consumer<RegistryEvent> listener = e -> {};
    private Sleeper sleeper = Sleeper.REAL;
    private Clock clock = Clock.systemUTC();
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
    private SchemeMemory schemeMemory = SchemeMemory.NONE;

    private Builder() {}

    private Builder(RegistryClientOptions o) {
      userAgent = o.userAgent;
      credentials = o.credentials;
      security = o.security;
      registries = o.registries;
      proxy = o.proxy;
      retryPolicy = o.retryPolicy;
      connectTimeout = o.connectTimeout;
      readTimeout = o.readTimeout;
      parallelUploads = o.parallelUploads;
      monolithicUploadMaxBytes = o.monolithicUploadMaxBytes;
      chunkSize = o.chunkSize;
      listener = o.listener;
      sleeper = o.sleeper;
      clock = o.clock;
      random = o.random;
      schemeMemory = o.schemeMemory;
    }

    public Builder userAgent(String v) {
      userAgent = v;
      return this;
    }

    public Builder credentials(CredentialSource v) {
      credentials = v;
      return this;
    }

    public Builder security(RegistrySecurity v) {
      security = v;
      return this;
    }

    public Builder registries(RegistriesConfig v) {
      registries = v;
      return this;
    }

    public Builder proxy(ProxySettings v) {
      proxy = v;
      return this;
    }

    public Builder retryPolicy(RetryPolicy v) {
      retryPolicy = v;
      return this;
    }

    public Builder connectTimeout(Duration v) {
      connectTimeout = v;
      return this;
    }

    public Builder readTimeout(Duration v) {
      readTimeout = v;
      return this;
    }

    public Builder parallelUploads(int v) {
      parallelUploads = v;
      return this;
    }

    public Builder monolithicUploadMaxBytes(long v) {
      monolithicUploadMaxBytes = v;
      return this;
    }

    public Builder chunkSize(long v) {
      chunkSize = v;
      return this;
    }

    public Builder listener(Consumer<RegistryEvent> v) {
      listener = v;
      return this;
    }

    public Builder sleeper(Sleeper v) {
      sleeper = v;
      return this;
    }

    public Builder clock(Clock v) {
      clock = v;
      return this;
    }

    public Builder random(DoubleSupplier v) {
      random = v;
      return this;
    }

    public Builder schemeMemory(SchemeMemory v) {
      schemeMemory = v;
      return this;
    }

    public RegistryClientOptions build() {
      return new RegistryClientOptions(
          userAgent,
          credentials != null
              ? credentials
              : CredentialChain.fromEnvironment(CredentialSource.NONE),
          security != null ? security : RegistrySecurity.defaults(),
          registries,
          proxy != null ? proxy : ProxySettings.fromEnvironment(System.getenv()),
          retryPolicy,
          connectTimeout,
          readTimeout,
          parallelUploads,
          monolithicUploadMaxBytes,
          chunkSize,
          listener,
          sleeper,
          clock,
          random,
          schemeMemory);
    }

    private static String version() {
      String v = RegistryClientOptions.class.getPackage().getImplementationVersion();
      return v == null ? "dev" : v;
    }
  }
}
