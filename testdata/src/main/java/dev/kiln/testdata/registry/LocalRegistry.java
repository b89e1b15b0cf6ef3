package dev.kiln.testdata.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A real Docker registry (Debian's {@code /usr/bin/docker-registry}) on a free loopback port, as a
 * JUnit 5 extension.
 *
 * <pre>{@code
 * @RegisterExtension static LocalRegistry registry = LocalRegistry.token();
 * }</pre>
 *
 * Registered on a static field it serves the whole test class; on an instance field it serves one
 * test. Storage is a fresh temporary directory, removed afterwards. When a test fails, the
 * registry's log (and the token server's) is printed to stderr.
 *
 * <p>Variants: {@link #plain()}, {@link #htpasswd()}, {@link #tls()} and {@link #token()}; see
 * {@link RegistryVariant}.
 */
public final class LocalRegistry
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        TestWatcher,
        AutoCloseable {
  /** Debian's registry binary; override with {@code -Dkiln.registry.binary=…}. */
  public static final String BINARY =
      System.getProperty("kiln.registry.binary", "/usr/bin/docker-registry");

  private static final Credentials FULL = new Credentials("kiln", "kiln-test-password");
  private static final Credentials READ_ONLY = new Credentials("reader", "reader-test-password");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final RegistryVariant variant;
  private final boolean anonymousPull;
  private final Duration tokenLifetime;
  private final String hostName;
  private final InetAddress listenAddress;
  private final boolean clientCertificates;

  private Path dir;
  private Process process;
  private int port;
  private CertificateAuthority ca;
  private CertificateAuthority clientCa;
  private CertificateAuthority.Issued client;
  private TokenServer tokenServer;
  private boolean startedForOneTest;

  private LocalRegistry(RegistryVariant variant, boolean anonymousPull, Duration tokenLifetime) {
    this(
        variant,
        anonymousPull,
        tokenLifetime,
        "127.0.0.1",
        InetAddress.getLoopbackAddress(),
        false);
  }

  private LocalRegistry(
      RegistryVariant variant,
      boolean anonymousPull,
      Duration tokenLifetime,
      String hostName,
      InetAddress listenAddress,
      boolean clientCertificates) {
    this.variant = variant;
    this.anonymousPull = anonymousPull;
    this.tokenLifetime = tokenLifetime;
    this.hostName = hostName;
    this.listenAddress = listenAddress;
    this.clientCertificates = clientCertificates;
  }

  /** Plain HTTP, no authentication. */
  public static LocalRegistry plain() {
    return new LocalRegistry(RegistryVariant.PLAIN, false, Duration.ofMinutes(5));
  }

  /** Plain HTTP with Basic authentication; {@link #credentials()} are accepted. */
  public static LocalRegistry htpasswd() {
    return new LocalRegistry(RegistryVariant.HTPASSWD, false, Duration.ofMinutes(5));
  }

  /** HTTPS with a certificate from a throwaway CA ({@link #caCertificate()}); no authentication. */
  public static LocalRegistry tls() {
    return new LocalRegistry(RegistryVariant.TLS, false, Duration.ofMinutes(5));
  }

  /**
   * Bearer-token authentication through an in-process {@link TokenServer}. {@link #credentials()}
   * may pull and push, {@link #readOnlyCredentials()} may only pull, anonymous clients get nothing
   * (see {@link #withAnonymousPull()}).
   */
  public static LocalRegistry token() {
    return new LocalRegistry(RegistryVariant.TOKEN, false, Duration.ofMinutes(5));
  }

  /** The same token registry, but anonymous clients get pull access (like a public repository). */
  public LocalRegistry withAnonymousPull() {
    requireToken("withAnonymousPull");
    return new LocalRegistry(
        variant, true, tokenLifetime, hostName, listenAddress, clientCertificates);
  }

  /**
   * The same registry under {@code name}: it listens on {@code address} (a local address {@code
   * name} resolves to, e.g. from {@link dev.kiln.testdata.net.LocalNames#loopbackAlias()}), its
   * references use {@code name}, and the TLS variant's certificate names it.
   */
  public LocalRegistry withHostName(String name, InetAddress address) {
    return new LocalRegistry(
        variant, anonymousPull, tokenLifetime, name, address, clientCertificates);
  }

  /**
   * The same TLS registry, refusing clients without a certificate from its client CA; {@link
   * #clientCertificate()} and {@link #clientKey()} are one.
   */
  public LocalRegistry withClientCertificates() {
    requireTlsVariant("withClientCertificates");
    return new LocalRegistry(variant, anonymousPull, tokenLifetime, hostName, listenAddress, true);
  }

  /**
   * The same token registry, issuing tokens that expire after {@code lifetime} (the registry allows
   * 60 s of clock skew on top), for tests of token refresh.
   */
  public LocalRegistry withTokenLifetime(Duration lifetime) {
    requireToken("withTokenLifetime");
    return new LocalRegistry(
        variant, anonymousPull, lifetime, hostName, listenAddress, clientCertificates);
  }

  public RegistryVariant variant() {
    return variant;
  }

  /**
   * {@code 127.0.0.1:PORT} (or the {@link #withHostName} name), the registry part of references.
   */
  public String hostPort() {
    requireRunning();
    return hostName + ":" + port;
  }

  /** {@code http://127.0.0.1:PORT} or {@code https://…} for the TLS variant. */
  public URI baseUri() {
    requireRunning();
    return uriOnPort();
  }

  private URI uriOnPort() {
    return URI.create((variant.usesTls() ? "https://" : "http://") + hostName + ":" + port);
  }

  /** A full image reference in this registry, e.g. {@code reference("app:1")}. */
  public String reference(String repositoryAndTag) {
    return hostPort() + "/" + repositoryAndTag;
  }

  /** Credentials with pull and push rights, or empty for variants without authentication. */
  public Optional<Credentials> credentials() {
    return variant == RegistryVariant.HTPASSWD || variant == RegistryVariant.TOKEN
        ? Optional.of(FULL)
        : Optional.empty();
  }

  /** Credentials with pull rights only (token variant), or empty. */
  public Optional<Credentials> readOnlyCredentials() {
    return variant == RegistryVariant.TOKEN ? Optional.of(READ_ONLY) : Optional.empty();
  }

  /** PEM file of the CA that issued the server certificate (TLS variant only). */
  public Path caCertificate() {
    requireTls("caCertificate");
    return dir.resolve("certs.d").resolve("ca.crt");
  }

  /**
   * A directory laid out like Docker's {@code certs.d/<host>/}: it holds {@code ca.crt}. Pass it to
   * skopeo's {@code --cert-dir} (TLS variant only).
   */
  public Path certsDir() {
    requireTls("certsDir");
    return dir.resolve("certs.d");
  }

  /**
   * An SSL context that trusts this registry's CA and nothing else (TLS variant only), presenting
   * the client certificate when the registry asks for one.
   */
  public SSLContext sslContext() {
    requireTls("sslContext");
    return ca.sslContext(client);
  }

  /** PEM file of a client certificate the registry accepts ({@link #withClientCertificates}). */
  public Path clientCertificate() {
    requireClientCertificates("clientCertificate");
    return dir.resolve("client").resolve("client.cert");
  }

  /** PEM file of {@link #clientCertificate()}'s private key. */
  public Path clientKey() {
    requireClientCertificates("clientKey");
    return dir.resolve("client").resolve("client.key");
  }

  /** The token server (token variant only). */
  public TokenServer tokenServer() {
    requireToken("tokenServer");
    return tokenServer;
  }

  /** The registry's log so far (and the token server's, for that variant). */
  public String log() {
    StringBuilder text = new StringBuilder();
    try {
      if (dir != null && Files.exists(dir.resolve("registry.log"))) {
        text.append(Files.readString(dir.resolve("registry.log"), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      text.append("(cannot read registry log: ").append(e).append(")\n");
    }
    if (tokenServer != null) {
      text.append(tokenServer.log());
    }
    return text.toString();
  }

  /** The directory where the registry stores blobs and manifests (to inspect or corrupt). */
  public Path storage() {
    requireRunning();
    return dir.resolve("storage");
  }

  /** Starts the registry; called by JUnit, or by hand outside JUnit. */
  public synchronized void start() {
    if (process != null) {
      return;
    }
    if (!Files.isExecutable(Path.of(BINARY))) {
      throw new IllegalStateException(
          BINARY
              + " is missing: install Debian's registry with `apt-get install -y docker-registry`");
    }
    try {
      dir = Files.createTempDirectory("kiln-registry-");
      Files.createDirectories(dir.resolve("storage"));
      prepareSecurity();
      IOException lastFailure = null;
      // Another process can take the port between FreePort and the registry's bind; retry then.
      for (int attempt = 0; attempt < 5 && process == null; attempt++) {
        port = FreePort.find();
        Files.writeString(dir.resolve("config.yml"), config(), StandardCharsets.UTF_8);
        Process started =
            new ProcessBuilder(BINARY, "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true)
                .redirectOutput(
                    ProcessBuilder.Redirect.appendTo(dir.resolve("registry.log").toFile()))
                .start();
        try {
          awaitReady(started);
          process = started;
        } catch (IOException e) {
          started.destroyForcibly();
          lastFailure = e;
          if (!log().contains("address already in use")) {
            break;
          }
        }
      }
      if (process == null) {
        throw new IllegalStateException(
            "docker-registry did not start: " + lastFailure.getMessage() + "\n" + log(),
            lastFailure);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start docker-registry", e);
    }
  }

  @Override
  public synchronized void close() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      process = null;
    }
    if (tokenServer != null) {
      tokenServer.close();
      tokenServer = null;
    }
    if (dir != null) {
      deleteTree(dir);
      dir = null;
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (process == null) {
      startedForOneTest = true;
      start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (startedForOneTest) {
      startedForOneTest = false;
      close();
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    System.err.println(
        "==== "
            + variant
            + " registry log for failed test "
            + context.getDisplayName()
            + " ====\n"
            + log()
            + "==== end of registry log ====");
  }

  private void prepareSecurity() throws IOException {
    switch (variant) {
      case PLAIN -> {}
      case HTPASSWD ->
          Files.writeString(
              dir.resolve("htpasswd"), Htpasswd.file(Set.of(FULL)), StandardCharsets.UTF_8);
      case TLS -> {
        ca = CertificateAuthority.create("kiln test registry CA " + UUID.randomUUID());
        CertificateAuthority.Issued server = ca.issueServerCertificate(hostName);
        CertificateAuthority.writePem(dir.resolve("server.crt"), server.certificate());
        CertificateAuthority.writePem(dir.resolve("server.key"), server.keyPair().getPrivate());
        Files.createDirectories(dir.resolve("certs.d"));
        CertificateAuthority.writePem(dir.resolve("certs.d").resolve("ca.crt"), ca.certificate());
        if (clientCertificates) {
          clientCa = CertificateAuthority.create("kiln test client CA " + UUID.randomUUID());
          client = clientCa.issueClientCertificate("kiln test client");
          CertificateAuthority.writePem(dir.resolve("client-ca.crt"), clientCa.certificate());
          Files.createDirectories(dir.resolve("client"));
          CertificateAuthority.writePem(
              dir.resolve("client").resolve("client.cert"), client.certificate());
          CertificateAuthority.writePem(
              dir.resolve("client").resolve("client.key"), client.keyPair().getPrivate());
        }
      }
      case TOKEN -> {
        CertificateAuthority tokenCa = CertificateAuthority.create("kiln test token CA");
        CertificateAuthority.writePem(dir.resolve("token-root.crt"), tokenCa.certificate());
        Map<Credentials, Set<String>> accounts = new LinkedHashMap<>();
        accounts.put(FULL, Set.of("*"));
        accounts.put(READ_ONLY, Set.of("pull"));
        tokenServer =
            new TokenServer(
                "kiln-test-registry",
                "kiln-test-token-issuer",
                tokenCa.issueSigningCertificate("kiln test token signer"),
                accounts,
                anonymousPull ? Set.of("pull") : Set.of(),
                tokenLifetime);
      }
    }
  }

  private String config() {
    StringBuilder yaml = new StringBuilder();
    yaml.append("version: 0.1\n")
        .append("log:\n  level: info\n  formatter: text\n  accesslog:\n    disabled: false\n")
        .append("storage:\n  filesystem:\n    rootdirectory: ")
        .append(quoted(dir.resolve("storage")))
        .append("\n  delete:\n    enabled: true\n")
        .append("  maintenance:\n    uploadpurging:\n      enabled: false\n")
        .append("http:\n  addr: ")
        .append(listenAddress.getHostAddress())
        .append(':')
        .append(port)
        .append("\n  secret: ")
        .append(UUID.randomUUID())
        .append("\n  headers:\n    X-Content-Type-Options: [nosniff]\n");
    if (variant == RegistryVariant.TLS) {
      yaml.append("  tls:\n    certificate: ")
          .append(quoted(dir.resolve("server.crt")))
          .append("\n    key: ")
          .append(quoted(dir.resolve("server.key")))
          .append('\n');
      if (clientCertificates) {
        yaml.append("    clientcas:\n      - ")
            .append(quoted(dir.resolve("client-ca.crt")))
            .append('\n');
      }
    }
    if (variant == RegistryVariant.HTPASSWD) {
      yaml.append("auth:\n  htpasswd:\n    realm: kiln-test-registry\n    path: ")
          .append(quoted(dir.resolve("htpasswd")))
          .append('\n');
    }
    if (variant == RegistryVariant.TOKEN) {
      yaml.append("auth:\n  token:\n    realm: ")
          .append(tokenServer.realm())
          .append("\n    service: ")
          .append(tokenServer.service())
          .append("\n    issuer: kiln-test-token-issuer\n    rootcertbundle: ")
          .append(quoted(dir.resolve("token-root.crt")))
          .append('\n');
    }
    yaml.append("health:\n  storagedriver:\n    enabled: false\n");
    return yaml.toString();
  }

  private void awaitReady(Process started) throws IOException {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1));
    if (variant.usesTls()) {
      builder.sslContext(ca.sslContext(client));
    }
    HttpClient client = builder.build();
    URI ping = URI.create(uriOnPort() + "/v2/");
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    IOException last = null;
    while (System.nanoTime() < deadline) {
      if (!started.isAlive()) {
        throw new IOException("docker-registry exited with status " + started.exitValue());
      }
      try {
        int status =
            client
                .send(
                    HttpRequest.newBuilder(ping).GET().build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (status == 200 || status == 401) {
          return;
        }
        last = new IOException("GET /v2/ answered " + status);
      } catch (IOException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for docker-registry", e);
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for docker-registry", e);
      }
    }
    throw new IOException(
        "docker-registry did not answer GET /v2/ within " + START_TIMEOUT.toSeconds() + " s", last);
  }

  private void requireRunning() {
    if (process == null) {
      throw new IllegalStateException(
          "the registry is not running: register LocalRegistry with @RegisterExtension");
    }
  }

  private void requireTls(String what) {
    if (variant != RegistryVariant.TLS) {
      throw new IllegalStateException(what + "() is only available on LocalRegistry.tls()");
    }
    requireRunning();
  }

  private void requireTlsVariant(String what) {
    if (variant != RegistryVariant.TLS) {
      throw new IllegalStateException(what + "() is only available on LocalRegistry.tls()");
    }
  }

  private void requireClientCertificates(String what) {
    requireTls(what);
    if (!clientCertificates) {
      throw new IllegalStateException(
          what + "() needs LocalRegistry.tls().withClientCertificates()");
    }
  }

  private void requireToken(String what) {
    if (variant != RegistryVariant.TOKEN) {
      throw new IllegalStateException(what + "() is only available on LocalRegistry.token()");
    }
  }

  private static String quoted(Path path) {
    return "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              path -> {
                try {
                  Files.deleteIfExists(path);
                } catch (IOException e) {
                  // Best effort: a leftover temp dir must not fail a test.
                }
              });
    } catch (IOException e) {
      // Same.
    }
  }
}
