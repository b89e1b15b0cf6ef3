package dev.kiln.registry.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageIndex;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.Manifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small in-memory registry for unit tests, in the spirit of ggcr's {@code pkg/registry}: enough
 * of the distribution API (blobs, uploads monolithic/streamed/chunked, mounts, manifests, tags with
 * pagination) and of basic and bearer auth to exercise the client, plus switches to inject faults.
 * Integration tests use the real registry instead.
 */
final class FakeRegistry implements AutoCloseable {
  enum Auth {
    NONE,
    BASIC,
    BEARER
  }

  /** Answers the matching request after {@code skip} matching ones with {@code status}. */
  record Fault(
      String method, String pathContains, int status, String retryAfter, AtomicInteger skip) {
    Fault(String method, String pathContains, int status, String retryAfter) {
      this(method, pathContains, status, retryAfter, new AtomicInteger());
    }

    static Fault after(int skip, String method, String pathContains, int status) {
      return new Fault(method, pathContains, status, null, new AtomicInteger(skip));
    }
  }

  private static final Pattern UPLOADS = Pattern.compile("/v2/(.+)/blobs/uploads/?");
  private static final Pattern UPLOAD = Pattern.compile("/v2/(.+)/blobs/uploads/([a-f0-9-]+)");
  private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/(sha256:[a-f0-9]{64})");
  private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/]+)");
  private static final Pattern TAGS = Pattern.compile("/v2/(.+)/tags/list");
  private static final Pattern STORAGE = Pattern.compile("/storage/(sha256:[a-f0-9]{64})");

  private record Stored(byte[] bytes, String mediaType) {}

  private final HttpServer server;
  final List<String> log = new CopyOnWriteArrayList<>();
  final Map<String, Map<Digest, byte[]>> blobs = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Stored>> manifests = new ConcurrentHashMap<>();
  private final Map<String, ByteArrayOutputStream> uploads = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> tokens = new ConcurrentHashMap<>();
  private final AtomicInteger tokenCounter = new AtomicInteger();
  final List<Fault> faults = new CopyOnWriteArrayList<>();
  final Map<String, String> storageAuthorization = new ConcurrentHashMap<>();

  volatile Auth auth = Auth.NONE;
  volatile String user = "alice";
  volatile String password = "wonderland";
  volatile String identityToken = "refresh-me";
  volatile long chunkMinLength = 0;
  volatile boolean ignoreRange = false;

  /** Bytes after which the next blob GETs break the connection (once per entry). */
  final List<Long> truncateBlobGets = new CopyOnWriteArrayList<>();

  final Set<Digest> corrupt = ConcurrentHashMap.newKeySet();
  volatile FakeRegistry blobStorage;

  /** Tokens issued; each answers one token request. */
  final AtomicInteger tokensIssued = new AtomicInteger();

  FakeRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  String hostPort() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  URI base() {
    return URI.create("http://" + hostPort());
  }

  void putBlob(String repo, byte[] bytes) {
    blobs.computeIfAbsent(repo, r -> new ConcurrentHashMap<>()).put(Digest.sha256(bytes), bytes);
  }

  void putManifest(String repo, String tag, Manifest m) {
    Map<String, Stored> repoManifests =
        manifests.computeIfAbsent(repo, r -> new ConcurrentHashMap<>());
    Stored s = new Stored(m.raw().toByteArray(), m.mediaType());
    repoManifests.put(m.digest().toString(), s);
    if (tag != null) {
      repoManifests.put(tag, s);
    }
  }

  boolean hasManifest(String repo, String reference) {
    return manifests.getOrDefault(repo, Map.of()).containsKey(reference);
  }

  boolean hasBlob(String repo, Digest d) {
    return blobs.getOrDefault(repo, Map.of()).containsKey(d);
  }

  long count(String method, String pathContains) {
    return log.stream().filter(l -> l.startsWith(method + " ") && l.contains(pathContains)).count();
  }

  private void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    String query = ex.getRequestURI().getRawQuery();
    String authz = ex.getRequestHeaders().getFirst("Authorization");
    log.add(
        method
            + " "
            + path
            + (query == null ? "" : "?" + query)
            + " auth="
            + (authz == null ? "-" : authz.split(" ")[0]));
    try {
      for (Fault f : faults) {
        if (f.method().equals(method) && path.contains(f.pathContains())) {
          if (f.skip().getAndDecrement() > 0) {
            continue;
          }
          faults.remove(f);
          if (f.retryAfter() != null) {
            ex.getResponseHeaders().set("Retry-After", f.retryAfter());
          }
          error(ex, f.status(), "UNAVAILABLE", "injected fault");
          return;
        }
      }
      route(ex, method, path, query, authz);
    } catch (DropConnection e) {
      throw e;
    } catch (RuntimeException e) {
      error(ex, 500, "UNKNOWN", e.toString());
    }
    ex.close();
  }

  private void route(HttpExchange ex, String method, String path, String query, String authz)
      throws IOException {
    Map<String, String> params = params(query);
    Matcher m;
    if (path.equals("/token")) {
      token(ex, params, authz);
      return;
    }
    if ((m = STORAGE.matcher(path)).matches()) {
      storageAuthorization.put(m.group(1), authz == null ? "-" : authz);
      byte[] bytes = null;
      for (Map<Digest, byte[]> repo : blobs.values()) {
        bytes = bytes == null ? repo.get(Digest.parse(m.group(1))) : bytes;
      }
      send(ex, bytes == null ? 404 : 200, bytes, "application/octet-stream");
      return;
    }
    if (path.equals("/v2/") || path.equals("/v2")) {
      if (!authorized(ex, authz, null, null)) {
        return;
      }
      send(ex, 200, "{}".getBytes(StandardCharsets.UTF_8), "application/json");
      return;
    }
    if ((m = UPLOADS.matcher(path)).matches() && method.equals("POST")) {
      String repo = m.group(1);
      String mount = params.get("mount");
      String from = params.get("from");
      if (!authorized(ex, authz, repo, "push")) {
        return;
      }
      if (mount != null && from != null && allowed(authz, from, "pull")) {
        byte[] b = blobs.getOrDefault(from, Map.of()).get(Digest.parse(mount));
        if (b != null) {
          putBlob(repo, b);
          ex.getResponseHeaders().set("Location", "/v2/" + repo + "/blobs/" + mount);
          ex.getResponseHeaders().set("Docker-Content-Digest", mount);
          send(ex, 201, null, null);
          return;
        }
      }
      String id = UUID.randomUUID().toString();
      uploads.put(id, new ByteArrayOutputStream());
      ex.getResponseHeaders()
          .set("Location", "/v2/" + repo + "/blobs/uploads/" + id + "?_state=s%2Bx%3D");
      ex.getResponseHeaders().set("Range", "0-0");
      if (chunkMinLength > 0) {
        ex.getResponseHeaders().set("OCI-Chunk-Min-Length", Long.toString(chunkMinLength));
      }
      send(ex, 202, null, null);
      return;
    }
    if ((m = UPLOAD.matcher(path)).matches()) {
      upload(ex, method, m.group(1), m.group(2), params, authz);
      return;
    }
    if ((m = BLOB.matcher(path)).matches()) {
      String repo = m.group(1);
      Digest d = Digest.parse(m.group(2));
      if (!authorized(ex, authz, repo, "pull")) {
        return;
      }
      byte[] b = blobs.getOrDefault(repo, Map.of()).get(d);
      if (b == null) {
        error(ex, 404, "BLOB_UNKNOWN", "blob unknown to registry");
        return;
      }
      if (method.equals("HEAD")) {
        ex.getResponseHeaders().set("Content-Length", Long.toString(b.length));
        ex.getResponseHeaders().set("Docker-Content-Digest", d.toString());
        ex.sendResponseHeaders(200, -1);
        return;
      }
      if (blobStorage != null) {
        ex.getResponseHeaders().set("Location", blobStorage.base() + "/storage/" + d);
        send(ex, 307, null, null);
        return;
      }
      byte[] body = b;
      if (corrupt.contains(d)) {
        body = b.clone();
        body[body.length / 2] ^= 1;
      }
      long start = 0;
      String range = ex.getRequestHeaders().getFirst("Range");
      if (range != null && !ignoreRange && range.startsWith("bytes=")) {
        start = Long.parseLong(range.substring(6, range.indexOf('-')));
      }
      if (start > 0) {
        ex.getResponseHeaders()
            .set("Content-Range", "bytes " + start + "-" + (body.length - 1) + "/" + body.length);
      }
      ex.getResponseHeaders().set("Docker-Content-Digest", d.toString());
      ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
      int status = start > 0 ? 206 : 200;
      long length = body.length - start;
      Long cut = truncateBlobGets.isEmpty() ? null : truncateBlobGets.remove(0);
      ex.sendResponseHeaders(status, length);
      OutputStream out = ex.getResponseBody();
      if (cut != null && cut < length) {
        out.write(body, (int) start, (int) (long) cut);
        out.flush();
        // Drop the connection mid-body.
        closeHard(ex);
        return;
      }
      out.write(body, (int) start, (int) length);
      out.close();
      return;
    }
    if ((m = MANIFEST.matcher(path)).matches()) {
      manifest(
          ex, method, m.group(1), URLDecoder.decode(m.group(2), StandardCharsets.UTF_8), authz);
      return;
    }
    if ((m = TAGS.matcher(path)).matches()) {
      String repo = m.group(1);
      if (!authorized(ex, authz, repo, "pull")) {
        return;
      }
      List<String> tags = new ArrayList<>();
      for (String k : manifests.getOrDefault(repo, Map.of()).keySet()) {
        if (!k.startsWith("sha256:")) {
          tags.add(k);
        }
      }
      Collections.sort(tags);
      String last = params.get("last");
      if (last != null) {
        tags.removeIf(t -> t.compareTo(last) <= 0);
      }
      int n =
          params.containsKey("n") ? Math.min(Integer.parseInt(params.get("n")), 2) : tags.size();
      List<String> page = tags.subList(0, Math.min(n, tags.size()));
      if (tags.size() > n) {
        ex.getResponseHeaders()
            .set(
                "Link",
                "</v2/"
                    + repo
                    + "/tags/list?n="
                    + n
                    + "&last="
                    + page.get(page.size() - 1)
                    + ">; rel=\"next\"");
      }
      String json =
          "{\"name\":\""
              + repo
              + "\",\"tags\":["
              + String.join(",", page.stream().map(t -> "\"" + t + "\"").toList())
              + "]}";
      send(ex, 200, json.getBytes(StandardCharsets.UTF_8), "application/json");
      return;
    }
    error(ex, 404, "NOT_FOUND", "no route for " + method + " " + path);
  }

  private void upload(
      HttpExchange ex,
      String method,
      String repo,
      String id,
      Map<String, String> params,
      String authz)
      throws IOException {
    if (!authorized(ex, authz, repo, "push")) {
      return;
    }
    ByteArrayOutputStream data = uploads.get(id);
    if (data == null) {
      error(ex, 404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry");
      return;
    }
    String location = "/v2/" + repo + "/blobs/uploads/" + id + "?_state=n" + data.size();
    if (method.equals("GET")) {
      ex.getResponseHeaders().set("Location", location);
      ex.getResponseHeaders().set("Range", "0-" + Math.max(0, data.size() - 1));
      ex.sendResponseHeaders(204, -1);
      return;
    }
    byte[] body = ex.getRequestBody().readAllBytes();
    if (method.equals("PATCH")) {
      String range = ex.getRequestHeaders().getFirst("Content-Range");
      if (range != null) {
        long start = Long.parseLong(range.substring(0, range.indexOf('-')));
        if (start != data.size()) {
          error(ex, 416, "BLOB_UPLOAD_INVALID", "wrong offset");
          return;
        }
        long last = Long.parseLong(range.substring(range.indexOf('-') + 1));
        if (last - start + 1 < chunkMinLength && last - start + 1 != body.length) {
          error(ex, 416, "BLOB_UPLOAD_INVALID", "bad range");
          return;
        }
      }
      synchronized (data) {
        data.write(body);
      }
      ex.getResponseHeaders()
          .set("Location", "/v2/" + repo + "/blobs/uploads/" + id + "?_state=n" + data.size());
      ex.getResponseHeaders().set("Range", "0-" + (data.size() - 1));
      send(ex, 202, null, null);
      return;
    }
    if (method.equals("PUT")) {
      data.write(body);
      Digest want = Digest.parse(params.get("digest"));
      byte[] all = data.toByteArray();
      if (!Digest.sha256(all).equals(want)) {
        error(ex, 400, "DIGEST_INVALID", "provided digest did not match uploaded content");
        return;
      }
      uploads.remove(id);
      putBlob(repo, all);
      ex.getResponseHeaders().set("Docker-Content-Digest", want.toString());
      ex.getResponseHeaders().set("Location", "/v2/" + repo + "/blobs/" + want);
      send(ex, 201, null, null);
      return;
    }
    error(ex, 405, "UNSUPPORTED", method);
  }

  private void manifest(HttpExchange ex, String method, String repo, String ref, String authz)
      throws IOException {
    if (!authorized(ex, authz, repo, method.equals("PUT") ? "push" : "pull")) {
      return;
    }
    Map<String, Stored> repoManifests =
        manifests.computeIfAbsent(repo, r -> new ConcurrentHashMap<>());
    if (method.equals("PUT")) {
      byte[] body = ex.getRequestBody().readAllBytes();
      String type = ex.getRequestHeaders().getFirst("Content-Type");
      Manifest mf;
      try {
        mf = Manifest.parse(body, type);
      } catch (IllegalArgumentException e) {
        error(ex, 400, "MANIFEST_INVALID", e.getMessage());
        return;
      }
      if (mf instanceof ImageManifest im) {
        for (Descriptor d : im.blobs()) {
          if (!hasBlob(repo, d.digest())) {
            error(ex, 400, "MANIFEST_BLOB_UNKNOWN", "blob unknown to registry: " + d.digest());
            return;
          }
        }
      } else if (mf instanceof ImageIndex idx) {
        for (Descriptor d : idx.manifests()) {
          if (!repoManifests.containsKey(d.digest().toString())) {
            error(ex, 400, "MANIFEST_BLOB_UNKNOWN", "manifest unknown: " + d.digest());
            return;
          }
        }
      }
      if (ref.startsWith("sha256:") && !ref.equals(mf.digest().toString())) {
        error(ex, 400, "DIGEST_INVALID", "digest mismatch");
        return;
      }
      Stored s = new Stored(body, type);
      repoManifests.put(mf.digest().toString(), s);
      repoManifests.put(ref, s);
      ex.getResponseHeaders().set("Docker-Content-Digest", mf.digest().toString());
      ex.getResponseHeaders().set("Location", "/v2/" + repo + "/manifests/" + mf.digest());
      send(ex, 201, null, null);
      return;
    }
    Stored s = repoManifests.get(ref);
    if (s == null) {
      error(ex, 404, "MANIFEST_UNKNOWN", "manifest unknown");
      return;
    }
    ex.getResponseHeaders().set("Content-Type", s.mediaType());
    ex.getResponseHeaders().set("Docker-Content-Digest", Digest.sha256(s.bytes()).toString());
    if (method.equals("HEAD")) {
      ex.getResponseHeaders().set("Content-Length", Integer.toString(s.bytes().length));
      ex.sendResponseHeaders(200, -1);
      return;
    }
    send(ex, 200, s.bytes(), s.mediaType());
  }

  private void token(HttpExchange ex, Map<String, String> params, String authz) throws IOException {
    boolean identified = false;
    List<String> scopes = new ArrayList<>();
    if (ex.getRequestMethod().equals("POST")) {
      // OAuth2 refresh-token grant, as docker login's identity tokens use.
      Map<String, String> form =
          params(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      if (!"refresh_token".equals(form.get("grant_type"))
          || !identityToken.equals(form.get("refresh_token"))) {
        error(ex, 401, "UNAUTHORIZED", "bad refresh token");
        return;
      }
      identified = true;
      if (form.containsKey("scope")) {
        scopes.addAll(List.of(form.get("scope").split(" ")));
      }
    } else if (authz != null) {
      if (!authz.equals(basicHeader())) {
        error(ex, 401, "UNAUTHORIZED", "bad credentials");
        return;
      }
      identified = true;
    }
    Set<String> granted = new HashSet<>();
    String rawQuery = ex.getRequestURI().getRawQuery();
    if (rawQuery != null) {
      for (String part : rawQuery.split("&")) {
        if (part.startsWith("scope=")) {
          scopes.add(URLDecoder.decode(part.substring(6), StandardCharsets.UTF_8));
        }
      }
    }
    for (String scope : scopes) {
      String[] p = scope.split(":");
      for (String action : p[2].split(",")) {
        // Anonymous users may pull repositories under public/ only.
        if (identified || (p[1].startsWith("public/") && action.equals("pull"))) {
          granted.add(p[1] + ":" + action);
        }
      }
    }
    String token = "tok-" + tokenCounter.incrementAndGet();
    tokensIssued.incrementAndGet();
    tokens.put(token, granted);
    send(
        ex,
        200,
        ("{\"token\":\"" + token + "\",\"expires_in\":300}").getBytes(StandardCharsets.UTF_8),
        "application/json");
  }

  String basicHeader() {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  void revokeTokens() {
    tokens.clear();
  }

  private boolean allowed(String authz, String repo, String action) {
    switch (auth) {
      case NONE:
        return true;
      case BASIC:
        return basicHeader().equals(authz);
      default:
        if (authz == null || !authz.startsWith("Bearer ")) {
          return false;
        }
        Set<String> grants = tokens.get(authz.substring(7));
        return grants != null && (repo == null || grants.contains(repo + ":" + action));
    }
  }

  private boolean authorized(HttpExchange ex, String authz, String repo, String action)
      throws IOException {
    if (allowed(authz, repo, action)) {
      return true;
    }
    if (auth == Auth.BASIC) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"fake\"");
    } else {
      ex.getResponseHeaders()
          .set(
              "WWW-Authenticate",
              "Bearer realm=\""
                  + base()
                  + "/token\",service=\"fake\""
                  + (repo == null ? "" : ",scope=\"repository:" + repo + ":" + action + "\""));
    }
    error(ex, 401, "UNAUTHORIZED", "authentication required");
    return false;
  }

  private static void send(HttpExchange ex, int status, byte[] body, String type)
      throws IOException {
    if (type != null) {
      ex.getResponseHeaders().set("Content-Type", type);
    }
    if (body == null || body.length == 0) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private static void error(HttpExchange ex, int status, String code, String message)
      throws IOException {
    String json =
        "{\"errors\":[{\"code\":\""
            + code
            + "\",\"message\":\""
            + message.replace("\"", "'")
            + "\"}]}";
    if (ex.getRequestMethod().equals("HEAD")) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    send(ex, status, json.getBytes(StandardCharsets.UTF_8), "application/json");
  }

  /** Thrown out of the handler so that the HTTP server drops the connection mid-body. */
  private static final class DropConnection extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  private static void closeHard(HttpExchange ex) {
    throw new DropConnection();
  }

  private static Map<String, String> params(String query) {
    Map<String, String> out = new HashMap<>();
    if (query == null) {
      return out;
    }
    for (String part : query.split("&")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        out.put(
            URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  Set<String> tagsOf(String repo) {
    Set<String> out = new TreeSet<>();
    manifests.getOrDefault(repo, Map.of()).keySet().stream()
        .filter(k -> !k.startsWith("sha256:"))
        .forEach(out::add);
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
