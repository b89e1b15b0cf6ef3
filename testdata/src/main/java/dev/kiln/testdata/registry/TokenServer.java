package dev.kiln.testdata.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A minimal Docker token server (the "realm" of a registry's {@code Bearer} challenge), run
 * in-process on a loopback port.
 *
 * <p>It implements the two ways clients ask for tokens: {@code GET /token?service=…&scope=…} with
 * optional HTTP Basic credentials, and the OAuth2 {@code POST /token} form with {@code
 * grant_type=password} or {@code grant_type=refresh_token}. Each token is an RS256 JWT carrying its
 * signing certificate in {@code x5c}; the registry trusts it because the issuing CA is in its
 * {@code rootcertbundle}. Scopes are honoured: a token grants only the requested actions that the
 * account is allowed, so a read-only account asking for {@code push} gets a token the registry
 * refuses for pushes, exactly as Docker Hub behaves.
 */
public final class TokenServer implements AutoCloseable {
  /** One request for a token, as the server saw it. */
  public record TokenRequest(String method, Optional<String> account, List<String> scopes) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private final HttpServer server;
  private final String service;
  private final String issuer;
  private final CertificateAuthority.Issued signer;
  private final Map<String, Credentials> users = new LinkedHashMap<>();
  private final Map<String, Set<String>> allowedActions = new LinkedHashMap<>();
  private final Set<String> anonymousActions;
  private final Duration lifetime;
  private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
  private final List<TokenRequest> requests = new CopyOnWriteArrayList<>();
  private final StringBuffer log = new StringBuffer();

  TokenServer(
      String service,
      String issuer,
      CertificateAuthority.Issued signer,
      Map<Credentials, Set<String>> accounts,
      Set<String> anonymousActions,
      Duration lifetime) {
    this.service = service;
    this.issuer = issuer;
    this.signer = signer;
    this.anonymousActions = Set.copyOf(anonymousActions);
    this.lifetime = lifetime;
    accounts.forEach(
        (credentials, actions) -> {
          users.put(credentials.username(), credentials);
          allowedActions.put(credentials.username(), Set.copyOf(actions));
        });
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start token server", e);
    }
    server.createContext("/token", this::handle);
    server.setExecutor(Executors.newCachedThreadPool(daemonThreads()));
    server.start();
  }

  /** The URL clients are sent to by the registry's {@code WWW-Authenticate: Bearer realm=…}. */
  public URI realm() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
  }

  public String service() {
    return service;
  }

  /** Every token request received so far, in order (for tests of token caching). */
  public List<TokenRequest> requests() {
    return List.copyOf(requests);
  }

  String log() {
    return log.toString();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, List<String>> params = new LinkedHashMap<>();
      parseForm(exchange.getRequestURI().getRawQuery(), params);
      Optional<String> account;
      if ("POST".equals(exchange.getRequestMethod())) {
        parseForm(
            new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), params);
        account = authenticateForm(params);
      } else if ("GET".equals(exchange.getRequestMethod())) {
        account = authenticateBasic(exchange.getRequestHeaders().getFirst("Authorization"));
      } else {
        respond(exchange, 405, error("UNSUPPORTED", "use GET or POST"));
        return;
      }
      List<String> scopes = params.getOrDefault("scope", List.of());
      // A POST may carry several scopes space-separated in one field (OAuth2 style).
      List<String> flatScopes = new ArrayList<>();
      for (String scope : scopes) {
        for (String part : scope.split(" ")) {
          if (!part.isBlank()) {
            flatScopes.add(part);
          }
        }
      }
      requests.add(
          new TokenRequest(
              exchange.getRequestMethod(),
              account == null ? Optional.empty() : account,
              List.copyOf(flatScopes)));
      if (account == null) {
        log.append("token: rejected credentials\n");
        respond(exchange, 401, error("UNAUTHORIZED", "authentication failed: bad credentials"));
        return;
      }
      String requestedService = first(params, "service");
      if (requestedService != null && !requestedService.equals(service)) {
        respond(exchange, 400, error("DENIED", "unknown service " + requestedService));
        return;
      }
      ObjectNode body = JSON.createObjectNode();
      String token = sign(account, flatScopes);
      body.put("token", token);
      body.put("access_token", token);
      body.put("expires_in", lifetime.toSeconds());
      body.put("issued_at", Instant.now().toString());
      boolean offline =
          "true".equals(first(params, "offline_token"))
              || "offline".equals(first(params, "access_type"));
      if (offline && account.isPresent()) {
        String refresh = UUID.randomUUID().toString();
        refreshTokens.put(refresh, account.get());
        body.put("refresh_token", refresh);
      }
      log.append("token: issued for ")
          .append(account.orElse("<anonymous>"))
          .append(' ')
          .append(flatScopes)
          .append('\n');
      respond(exchange, 200, JSON.writeValueAsBytes(body));
    } catch (RuntimeException e) {
      log.append("token: internal error ").append(e).append('\n');
      throw e;
    }
  }

  /** Empty optional = anonymous; null = bad credentials. */
  private Optional<String> authenticateBasic(String header) {
    if (header == null) {
      return Optional.empty();
    }
    if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return null;
    }
    return check(decoded.substring(0, colon), decoded.substring(colon + 1));
  }

  private Optional<String> authenticateForm(Map<String, List<String>> params) {
    String grant = first(params, "grant_type");
    if ("password".equals(grant)) {
      return check(first(params, "username"), first(params, "password"));
    }
    if ("refresh_token".equals(grant)) {
      String user = refreshTokens.get(String.valueOf(first(params, "refresh_token")));
      return user == null ? null : Optional.of(user);
    }
    return null;
  }

  private Optional<String> check(String user, String password) {
    Credentials known = users.get(user);
    if (known == null || !known.password().equals(password)) {
      return null;
    }
    return Optional.of(user);
  }

  private String sign(Optional<String> account, List<String> scopes) {
    Set<String> allowed = account.map(allowedActions::get).orElse(anonymousActions);
    ArrayNode access = JSON.createArrayNode();
    for (String scope : scopes) {
      int first = scope.indexOf(':');
      int last = scope.lastIndexOf(':');
      if (first < 0 || last == first) {
        continue;
      }
      String type = scope.substring(0, first);
      String name = scope.substring(first + 1, last);
      Set<String> granted = new LinkedHashSet<>();
      for (String action : scope.substring(last + 1).split(",")) {
        if (allowed.contains(action) || allowed.contains("*")) {
          granted.add(action);
        }
      }
      if (!granted.isEmpty()) {
        ObjectNode entry = access.addObject();
        entry.put("type", type);
        entry.put("name", name);
        ArrayNode actions = entry.putArray("actions");
        granted.forEach(actions::add);
      }
    }
    long now = Instant.now().getEpochSecond();
    ObjectNode claims = JSON.createObjectNode();
    claims.put("iss", issuer);
    claims.put("sub", account.orElse(""));
    claims.put("aud", service);
    claims.put("exp", now + lifetime.toSeconds());
    claims.put("nbf", now - 5);
    claims.put("iat", now);
    claims.put("jti", UUID.randomUUID().toString());
    claims.set("access", access);
    try {
      ObjectNode header = JSON.createObjectNode();
      header.put("typ", "JWT");
      header.put("alg", "RS256");
      header
          .putArray("x5c")
          .add(Base64.getEncoder().encodeToString(signer.certificate().getEncoded()));
      String signingInput =
          B64URL.encodeToString(JSON.writeValueAsBytes(header))
              + "."
              + B64URL.encodeToString(JSON.writeValueAsBytes(claims));
      Signature rsa = Signature.getInstance("SHA256withRSA");
      PrivateKey key = signer.keyPair().getPrivate();
      rsa.initSign(key);
      rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + B64URL.encodeToString(rsa.sign());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot sign token", e);
    }
  }

  X509Certificate signingCertificate() {
    return signer.certificate();
  }

  private static void parseForm(String raw, Map<String, List<String>> into) {
    if (raw == null || raw.isEmpty()) {
      return;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      into.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
  }

  private static String first(Map<String, List<String>> params, String key) {
    List<String> values = params.get(key);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static byte[] error(String code, String message) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putArray("errors").addObject();
    error.put("code", code);
    error.put("message", message);
    try {
      return JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    return runnable -> {
      Thread thread = new Thread(runnable, "kiln-test-token-server");
      thread.setDaemon(true);
      return thread;
    };
  }
}
