package dev.kiln.cli.debug;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The smallest registry that serves kiln's start-up training ({@link DebugTrainCommand}): the
 * distribution API's pull and push calls, on loopback, over HTTPS with a throwaway self-signed
 * certificate, kept in memory, holding one tiny image ({@link #BASE}) to build from.
 *
 * <p>Not a registry to use: no auth, no deletes, no listing, no resumable uploads; it answers only
 * what kiln's own client sends, so that a class-data (CDS / AOT) archive recorded while kiln talks
 * to it holds the registry client, the HTTP stack and the JDK's TLS client with certificate checks,
 * as a build against a real registry loads them. A real registry is not available where the archive
 * is made: on a user's first run of {@code ./kiln}, and in the release build. The key pair comes
 * from the runtime's own {@code keytool}, since the JDK has no public API that makes a certificate.
 */
final class TrainingRegistry implements AutoCloseable {
  /** The repository and tag of the image the registry starts with. */
  static final String BASE = "kiln/train-base:1";

  private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/]+)");
  private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/(sha256:[0-9a-f]{64})");
  private static final Pattern UPLOADS = Pattern.compile("/v2/(.+)/blobs/uploads/([^/]*)");
  private static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";

  private static final String STORE_PASSWORD = "kiln-train";

  private final HttpsServer server;
  private final Certificate certificate;
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final Map<String, Manifest> manifests = new ConcurrentHashMap<>();
  private final Map<String, ByteArrayOutputStream> uploads = new ConcurrentHashMap<>();

  private record Manifest(String mediaType, byte[] bytes) {}

  private TrainingRegistry(HttpsServer server, Certificate certificate) {
    this.server = server;
    this.certificate = certificate;
  }

  /**
   * A registry on a free loopback port, serving {@link #BASE}, its key pair made in {@code dir}.
   */
  static TrainingRegistry start(Path dir) throws IOException, GeneralSecurityException {
    Path keyStoreFile = makeKeyStore(Files.createDirectories(dir));
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStoreFile)) {
      keyStore.load(in, STORE_PASSWORD.toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(keyStore, STORE_PASSWORD.toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys.getKeyManagers(), null, null);
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    TrainingRegistry registry = new TrainingRegistry(server, keyStore.getCertificate("train"));
    registry.addBase();
    server.createContext("/", registry::handle);
    server.start();
    return registry;
  }

  /** The server's certificate, PEM-encoded: what a client must trust to reach it. */
  String certificatePem() throws GeneralSecurityException {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(certificate.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }

  private static Path makeKeyStore(Path dir) throws IOException {
    Path file = dir.resolve("train.p12");
    Files.deleteIfExists(file);
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command =
        List.of(
            keytool.toString(),
            "-genkeypair",
            "-alias",
            "train",
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-validity",
            "2",
            "-dname",
            "CN=kiln-train",
            "-ext",
            "SAN=ip:127.0.0.1",
            "-storetype",
            "PKCS12",
            "-keystore",
            file.toString(),
            "-storepass",
            STORE_PASSWORD);
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("keytool.log").toFile())
            .start();
    try {
      if (!process.waitFor(Duration.ofMinutes(2).toSeconds(), TimeUnit.SECONDS)
          || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException(
            "keytool could not make the training key pair: "
                + Files.readString(dir.resolve("keytool.log")).strip());
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while keytool ran", e);
    }
    return file;
  }

  /** {@code 127.0.0.1:PORT}, as an image reference names the registry. */
  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Whether a manifest was pushed (or is held) under {@code repository:tag}. */
  boolean hasManifest(String repository, String tag) {
    return manifests.containsKey(repository + ":" + tag);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void addBase() throws IOException {
    byte[] tar = baseLayerTar();
    byte[] layer = gzip(tar);
    String layerDigest = digest(layer);
    String arch = hostArchitecture();
    byte[] config =
        ("{\"architecture\":\""
                + arch
                + "\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/bin\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + digest(tar)
                + "\"]},\"history\":[{\"created_by\":\"kiln training layer\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    String configDigest = digest(config);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + MANIFEST_TYPE
                + "\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\""
                + configDigest
                + "\",\"size\":"
                + config.length
                + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                + "\"digest\":\""
                + layerDigest
                + "\",\"size\":"
                + layer.length
                + "}]}")
            .getBytes(StandardCharsets.UTF_8);
    blobs.put(layerDigest, layer);
    blobs.put(configDigest, config);
    Manifest base = new Manifest(MANIFEST_TYPE, manifest);
    String repository = BASE.substring(0, BASE.indexOf(':'));
    manifests.put(BASE, base);
    manifests.put(repository + ":" + digest(manifest), base);
  }

  /** A directory, a file and a symlink: enough for WORKDIR, COPY and USER to have work to do. */
  private static byte[] baseLayerTar() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      TarArchiveEntry etc = new TarArchiveEntry("etc/");
      etc.setMode(040755);
      tar.putArchiveEntry(etc);
      tar.closeArchiveEntry();
      byte[] passwd = "root:x:0:0:root:/root:/bin/sh\n".getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry file = new TarArchiveEntry("etc/passwd");
      file.setMode(0100644);
      file.setSize(passwd.length);
      tar.putArchiveEntry(file);
      tar.write(passwd);
      tar.closeArchiveEntry();
      TarArchiveEntry link = new TarArchiveEntry("etc/users", TarArchiveEntry.LF_SYMLINK);
      link.setLinkName("passwd");
      tar.putArchiveEntry(link);
      tar.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      byte[] body = exchange.getRequestBody().readAllBytes();
      Matcher m;
      if (path.equals("/v2/") || path.equals("/v2")) {
        send(exchange, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8), method);
      } else if ((m = UPLOADS.matcher(path)).matches()) {
        upload(exchange, method, m.group(1), m.group(2), body);
      } else if ((m = BLOB.matcher(path)).matches()) {
        byte[] blob = blobs.get(m.group(2));
        if (blob == null) {
          notFound(exchange, "BLOB_UNKNOWN");
        } else {
          exchange.getResponseHeaders().set("Docker-Content-Digest", m.group(2));
          send(exchange, 200, "application/octet-stream", blob, method);
        }
      } else if ((m = MANIFEST.matcher(path)).matches()) {
        manifest(exchange, method, m.group(1), m.group(2), body);
      } else {
        notFound(exchange, "NAME_UNKNOWN");
      }
    }
  }

  private void manifest(
      HttpExchange exchange, String method, String repository, String reference, byte[] body)
      throws IOException {
    if (method.equals("PUT")) {
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      Manifest manifest = new Manifest(contentType == null ? MANIFEST_TYPE : contentType, body);
      String digest = digest(body);
      manifests.put(repository + ":" + reference, manifest);
      manifests.put(repository + ":" + digest, manifest);
      exchange.getResponseHeaders().set("Location", "/v2/" + repository + "/manifests/" + digest);
      exchange.getResponseHeaders().set("Docker-Content-Digest", digest);
      exchange.sendResponseHeaders(201, -1);
      return;
    }
    Manifest manifest = manifests.get(repository + ":" + reference);
    if (manifest == null) {
      notFound(exchange, "MANIFEST_UNKNOWN");
      return;
    }
    exchange.getResponseHeaders().set("Docker-Content-Digest", digest(manifest.bytes()));
    send(exchange, 200, manifest.mediaType(), manifest.bytes(), method);
  }

  private void upload(
      HttpExchange exchange, String method, String repository, String session, byte[] body)
      throws IOException {
    String query = exchange.getRequestURI().getRawQuery();
    String mounted = parameter(query, "mount");
    if (method.equals("POST") && mounted != null && blobs.containsKey(mounted)) {
      created(exchange, repository, mounted);
      return;
    }
    if (method.equals("POST")) {
      session = UUID.randomUUID().toString();
      uploads.put(session, new ByteArrayOutputStream());
    }
    ByteArrayOutputStream upload = uploads.get(session);
    if (upload == null) {
      notFound(exchange, "BLOB_UPLOAD_UNKNOWN");
      return;
    }
    upload.write(body);
    String digest = parameter(query, "digest");
    if (method.equals("PUT") && digest != null) {
      uploads.remove(session);
      byte[] blob = upload.toByteArray();
      if (!digest(blob).equals(digest)) {
        send(exchange, 400, "application/json", error("DIGEST_INVALID"), method);
        return;
      }
      blobs.put(digest, blob);
      created(exchange, repository, digest);
      return;
    }
    exchange
        .getResponseHeaders()
        .set("Location", "/v2/" + repository + "/blobs/uploads/" + session);
    exchange.getResponseHeaders().set("Range", "0-" + Math.max(0, upload.size() - 1));
    exchange.getResponseHeaders().set("Docker-Upload-UUID", session);
    exchange.sendResponseHeaders(202, -1);
  }

  private static void created(HttpExchange exchange, String repository, String digest)
      throws IOException {
    exchange.getResponseHeaders().set("Location", "/v2/" + repository + "/blobs/" + digest);
    exchange.getResponseHeaders().set("Docker-Content-Digest", digest);
    exchange.sendResponseHeaders(201, -1);
  }

  private static String parameter(String query, String name) {
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      if (pair.startsWith(name + "=")) {
        return java.net.URLDecoder.decode(
            pair.substring(name.length() + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static void notFound(HttpExchange exchange, String code) throws IOException {
    send(exchange, 404, "application/json", error(code), exchange.getRequestMethod());
  }

  private static byte[] error(String code) {
    return ("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"training registry\"}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static void send(
      HttpExchange exchange, int status, String contentType, byte[] body, String method)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Docker-Distribution-API-Version", "registry/2.0");
    if (method.equals("HEAD")) {
      exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    exchange.getResponseBody().write(body);
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    }
    return out.toByteArray();
  }

  private static String digest(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** The OCI name of this machine's architecture, so the base matches the build's platform. */
  private static String hostArchitecture() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> arch;
    };
  }
}
