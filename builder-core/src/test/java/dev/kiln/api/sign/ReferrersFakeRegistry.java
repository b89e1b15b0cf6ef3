package dev.kiln.api.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.registry.model.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-memory registry for unit tests of the OCI 1.1 referrers path, which no registry installed
 * here serves (Debian 12's docker-registry 2.8 answers 404; the integration tests use it for the
 * fallback): blobs, uploads, manifests by tag and digest, and {@code GET /v2/<name>/referrers/
 * <digest>} over the manifests put with a {@code subject}, switched off to behave like 2.8. One
 * repository namespace for all names; enough of the protocol for kiln's client, nothing more.
 */
final class ReferrersFakeRegistry implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/(sha256:[a-f0-9]{64})");
  private static final Pattern UPLOADS = Pattern.compile("/v2/(.+)/blobs/uploads/?");
  private static final Pattern UPLOAD = Pattern.compile("/v2/(.+)/blobs/uploads/([a-f0-9-]+)");
  private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/]+)");
  private static final Pattern REFERRERS = Pattern.compile("/v2/(.+)/referrers/(sha256:[a-f0-9]+)");

  private final HttpServer server;
  private final Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();
  private final Map<String, ByteArrayOutputStream> uploads = new ConcurrentHashMap<>();
  private final Map<String, byte[]> manifests = new ConcurrentHashMap<>();

  /** Every manifest put, in order, as JSON. */
  final List<JsonNode> manifestsPut = new CopyOnWriteArrayList<>();

  volatile boolean referrersApi;

  ReferrersFakeRegistry(boolean referrersApi) throws IOException {
    this.referrersApi = referrersApi;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", this::handle);
    server.start();
  }

  /** {@code 127.0.0.1:PORT}. */
  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Deletes the manifest under {@code tag} (the digest stays). */
  void untag(String repository, String tag) {
    manifests.remove(repository + ":" + tag);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      String path = ex.getRequestURI().getPath();
      String query = ex.getRequestURI().getRawQuery();
      byte[] body = ex.getRequestBody().readAllBytes();
      Matcher m;
      if (path.equals("/v2/") || path.equals("/v2")) {
        send(ex, 200, new byte[0], "application/json", !method.equals("HEAD"));
      } else if ((m = REFERRERS.matcher(path)).matches()) {
        referrers(ex, m.group(1), m.group(2), query);
      } else if ((m = BLOB.matcher(path)).matches()) {
        byte[] blob = blobs.get(Digest.parse(m.group(2)));
        if (blob == null) {
          error(ex, 404, "BLOB_UNKNOWN");
        } else {
          send(ex, 200, blob, "application/octet-stream", method.equals("GET"));
        }
      } else if (method.equals("POST") && (m = UPLOADS.matcher(path)).matches()) {
        String id = UUID.randomUUID().toString();
        uploads.put(id, new ByteArrayOutputStream());
        ex.getResponseHeaders().set("Location", "/v2/" + m.group(1) + "/blobs/uploads/" + id);
        ex.getResponseHeaders().set("Range", "0-0");
        send(ex, 202, new byte[0], null, false);
      } else if ((m = UPLOAD.matcher(path)).matches()) {
        ByteArrayOutputStream upload = uploads.get(m.group(2));
        if (upload == null) {
          error(ex, 404, "BLOB_UPLOAD_UNKNOWN");
          return;
        }
        upload.write(body);
        if (method.equals("PATCH")) {
          ex.getResponseHeaders().set("Location", path);
          ex.getResponseHeaders().set("Range", "0-" + Math.max(0, upload.size() - 1));
          send(ex, 202, new byte[0], null, false);
          return;
        }
        Digest digest =
            Digest.parse(
                query.substring(query.indexOf("digest=") + 7).split("&")[0].replace("%3A", ":"));
        byte[] bytes = upload.toByteArray();
        if (!Digest.sha256(bytes).equals(digest)) {
          error(ex, 400, "DIGEST_INVALID");
          return;
        }
        blobs.put(digest, bytes);
        uploads.remove(m.group(2));
        ex.getResponseHeaders().set("Location", "/v2/" + m.group(1) + "/blobs/" + digest);
        ex.getResponseHeaders().set("Docker-Content-Digest", digest.toString());
        send(ex, 201, new byte[0], null, false);
      } else if ((m = MANIFEST.matcher(path)).matches()) {
        manifest(ex, method, m.group(1), m.group(2), body);
      } else {
        error(ex, 404, "NAME_UNKNOWN");
      }
    }
  }

  private void manifest(HttpExchange ex, String method, String name, String ref, byte[] body)
      throws IOException {
    if (method.equals("PUT")) {
      Digest digest = Digest.sha256(body);
      JsonNode json = JSON.readTree(body);
      manifests.put(name + "@" + digest, body);
      if (!ref.startsWith("sha256:")) {
        manifests.put(name + ":" + ref, body);
      }
      manifestsPut.add(json);
      if (referrersApi && json.has("subject")) {
        ex.getResponseHeaders().set("OCI-Subject", json.path("subject").path("digest").asText());
      }
      ex.getResponseHeaders().set("Docker-Content-Digest", digest.toString());
      ex.getResponseHeaders().set("Location", "/v2/" + name + "/manifests/" + digest);
      send(ex, 201, new byte[0], null, false);
      return;
    }
    byte[] bytes = manifests.get(name + (ref.startsWith("sha256:") ? "@" : ":") + ref);
    if (bytes == null) {
      error(ex, 404, "MANIFEST_UNKNOWN");
      return;
    }
    ex.getResponseHeaders().set("Docker-Content-Digest", Digest.sha256(bytes).toString());
    send(ex, 200, bytes, JSON.readTree(bytes).path("mediaType").asText(), method.equals("GET"));
  }

  private void referrers(HttpExchange ex, String name, String subject, String query)
      throws IOException {
    if (!referrersApi) {
      error(ex, 404, "NAME_UNKNOWN");
      return;
    }
    String wanted =
        query != null && query.startsWith("artifactType=")
            ? java.net.URLDecoder.decode(
                query.substring(13), java.nio.charset.StandardCharsets.UTF_8)
            : null;
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", "application/vnd.oci.image.index.v1+json");
    ArrayNode list = index.putArray("manifests");
    for (Map.Entry<String, byte[]> e : manifests.entrySet()) {
      if (!e.getKey().startsWith(name + "@")) {
        continue;
      }
      JsonNode m = JSON.readTree(e.getValue());
      String type = m.path("artifactType").asText(m.path("config").path("mediaType").asText());
      if (subject.equals(m.path("subject").path("digest").asText())
          && (wanted == null || wanted.equals(type))) {
        ObjectNode d = list.addObject();
        d.put("mediaType", m.path("mediaType").asText());
        d.put("digest", Digest.sha256(e.getValue()).toString());
        d.put("size", e.getValue().length);
        d.put("artifactType", type);
      }
    }
    if (wanted != null) {
      ex.getResponseHeaders().set("OCI-Filters-Applied", "artifactType");
    }
    send(ex, 200, JSON.writeValueAsBytes(index), "application/vnd.oci.image.index.v1+json", true);
  }

  private static void error(HttpExchange ex, int status, String code) throws IOException {
    byte[] body =
        ("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + code + "\"}]}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    send(ex, status, body, "application/json", !ex.getRequestMethod().equals("HEAD"));
  }

  private static void send(HttpExchange ex, int status, byte[] body, String type, boolean withBody)
      throws IOException {
    if (type != null) {
      ex.getResponseHeaders().set("Content-Type", type);
    }
    ex.getResponseHeaders().set("Docker-Distribution-API-Version", "registry/2.0");
    if (withBody) {
      ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    } else {
      ex.getResponseHeaders().set("Content-Length", String.valueOf(body.length));
      ex.sendResponseHeaders(status, -1);
    }
  }
}
