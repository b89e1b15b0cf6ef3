package dev.kiln.core.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * An in-memory registry serving images by tag, for tests of when the engine asks for them. It can
 * hold the first manifest request until a second one arrives, or until another condition holds (or
 * a time limit passes), which shows what the build does while a base is being resolved; and it can
 * answer one repository with a server error. Read-only: enough of the protocol for kiln's client to
 * resolve and pull, no pushes.
 */
final class HoldingFakeRegistry implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/(sha256:[a-f0-9]{64})");
  private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/]+)");
  private static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
  private final Set<String> failing = ConcurrentHashMap.newKeySet();
  private final Duration hold;

  /** The repository of every manifest request, in the order they arrived. */
  final List<String> manifestRequests = new CopyOnWriteArrayList<>();

  /**
   * Whether what releases the held first manifest request (by default: a second manifest request)
   * happened before its time ran out.
   */
  volatile boolean releasedWhileHolding;

  private volatile BooleanSupplier release = () -> manifestRequests.size() >= 2;

  /**
   * @param hold how long the first manifest request waits for a second; zero holds nothing
   */
  HoldingFakeRegistry(Duration hold) throws IOException {
    this.hold = hold;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  /** {@code 127.0.0.1:PORT}. */
  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Serves an image of one layer holding {@code file} with {@code content} as {@code repo:1}. */
  void image(String repository, String file, String content) throws IOException {
    byte[] tar = HandmadeLayout.tar(List.of(HandmadeLayout.Entry.file(file, content)));
    byte[] layer = gzip(tar);
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", "amd64").put("os", "linux");
    config.putObject("config").putArray("Env").add("PATH=/bin");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.putArray("diff_ids").add("sha256:" + FileFacts.sha256(tar));
    byte[] configBytes = JSON.writeValueAsBytes(config);
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2).put("mediaType", MANIFEST_TYPE);
    manifest.set(
        "config", descriptor("application/vnd.oci.image.config.v1+json", put(configBytes)));
    manifest
        .putArray("layers")
        .add(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", put(layer)));
    manifests.put(repository + ":1", JSON.writeValueAsBytes(manifest));
  }

  /** Holds the first manifest request until {@code condition} holds, instead of a second one. */
  void holdFirstManifestUntil(BooleanSupplier condition) {
    release = condition;
  }

  /** Answers every request for {@code repository} with 500. */
  void failing(String repository) {
    failing.add(repository);
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      String path = ex.getRequestURI().getPath();
      ex.getRequestBody().readAllBytes();
      Matcher m;
      if (path.equals("/v2/") || path.equals("/v2")) {
        send(ex, 200, "{}".getBytes(), "application/json", !method.equals("HEAD"));
      } else if ((m = BLOB.matcher(path)).matches()) {
        byte[] blob = blobs.get(m.group(2));
        if (blob == null) {
          error(ex, 404, "BLOB_UNKNOWN");
        } else {
          send(ex, 200, blob, "application/octet-stream", method.equals("GET"));
        }
      } else if ((m = MANIFEST.matcher(path)).matches()) {
        manifest(ex, method, m.group(1), m.group(2));
      } else {
        error(ex, 404, "NAME_UNKNOWN");
      }
    }
  }

  private void manifest(HttpExchange ex, String method, String repository, String ref)
      throws IOException {
    manifestRequests.add(repository);
    if (manifestRequests.size() == 1 && !hold.isZero()) {
      releasedWhileHolding = waitFor(release);
    }
    if (failing.contains(repository)) {
      error(ex, 500, "UNKNOWN");
      return;
    }
    byte[] bytes =
        ref.startsWith("sha256:")
            ? manifests.values().stream()
                .filter(b -> ("sha256:" + FileFacts.sha256(b)).equals(ref))
                .findFirst()
                .orElse(null)
            : manifests.get(repository + ":" + ref);
    if (bytes == null) {
      error(ex, 404, "MANIFEST_UNKNOWN");
      return;
    }
    ex.getResponseHeaders().set("Docker-Content-Digest", "sha256:" + FileFacts.sha256(bytes));
    send(ex, 200, bytes, MANIFEST_TYPE, method.equals("GET"));
  }

  private boolean waitFor(BooleanSupplier condition) {
    long deadline = System.nanoTime() + hold.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private String put(byte[] bytes) {
    String digest = "sha256:" + FileFacts.sha256(bytes);
    blobs.put(digest, bytes);
    return digest;
  }

  private ObjectNode descriptor(String mediaType, String digest) {
    ObjectNode d = JSON.createObjectNode();
    d.put("mediaType", mediaType).put("digest", digest).put("size", blobs.get(digest).length);
    return d;
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  private static void error(HttpExchange ex, int status, String code) throws IOException {
    byte[] body = ("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"fake\"}]}").getBytes();
    send(ex, status, body, "application/json", true);
  }

  private static void send(HttpExchange ex, int status, byte[] body, String type, boolean withBody)
      throws IOException {
    if (type != null) {
      ex.getResponseHeaders().set("Content-Type", type);
    }
    ex.getResponseHeaders().set("Docker-Distribution-API-Version", "registry/2.0");
    if (withBody) {
      ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        ex.getResponseBody().write(body);
      }
    } else {
      ex.getResponseHeaders().set("Content-Length", String.valueOf(body.length));
      ex.sendResponseHeaders(status, -1);
    }
  }
}
