package dev.kiln.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.registry.credentials.Credential;
import dev.kiln.registry.credentials.FoundCredential;
import dev.kiln.registry.transport.AuthenticationException;
import dev.kiln.registry.transport.RegistryException;
import dev.kiln.registry.transport.RegistryRequest;
import dev.kiln.registry.transport.RegistryResponse;
import dev.kiln.registry.transport.RegistrySecurity;
import dev.kiln.registry.transport.RequestBody;
import dev.kiln.registry.transport.Transport;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Gets bearer tokens from a registry's token server (the {@code realm} of its challenge), as the
 * distribution token spec describes: {@code GET realm?service=…&scope=…} with Basic credentials or
 * none, or, for an identity token from {@code docker login}, the OAuth2 {@code POST} with {@code
 * grant_type=refresh_token}. Accepts {@code token} or {@code access_token} in the answer.
 */
public final class TokenClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_TOKEN_RESPONSE = 1 << 20;

  /** The token spec's minimum lifetime, assumed when the server does not say. */
  private static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);

  private final Transport http;
  private final RegistrySecurity security;
  private final Clock clock;

  /**
   * @param http a pipeline without the auth and scheme interceptors (token servers are not
   *     registries)
   */
  public TokenClient(Transport http, RegistrySecurity security, Clock clock) {
    this.http = http;
    this.security = security;
    this.clock = clock;
  }

  /**
   * Fetches a token for {@code scopes}.
   *
   * @param credential the credential to prove identity with, or null for an anonymous token
   * @throws AuthenticationException if the token server refuses, naming the credential's source
   */
  public TokenCache.Token fetch(
      Challenge challenge, List<String> scopes, FoundCredential credential) throws IOException {
    URI realm;
    try {
      realm = URI.create(challenge.realm());
    } catch (IllegalArgumentException e) {
      throw new RegistryException(
          "getting a token", "the registry sent an invalid token realm: " + challenge.realm(), e);
    }
    if (!"https".equalsIgnoreCase(realm.getScheme())
        && !"http".equalsIgnoreCase(realm.getScheme())) {
      throw new RegistryException(
          "getting a token", "the registry sent a token realm that is not HTTP(S): " + realm, null);
    }
    FoundCredential usable = credential;
    if (usable != null
        && "http".equalsIgnoreCase(realm.getScheme())
        && !security.allowsCredentialsOverPlainHttp(realm.getRawAuthority())) {
      usable = null;
    }
    String action =
        "getting a token for "
            + (scopes.isEmpty() ? "registry access" : String.join(" ", scopes))
            + " from "
            + realm.getRawAuthority();
    RegistryRequest request;
    if (usable != null && usable.credential() instanceof Credential.IdentityToken id) {
      StringBuilder form = new StringBuilder("grant_type=refresh_token&client_id=kiln");
      appendParam(form, "service", challenge.service());
      if (!scopes.isEmpty()) {
        appendParam(form, "scope", String.join(" ", scopes));
      }
      appendParam(form, "refresh_token", id.token());
      request =
          RegistryRequest.of("POST", realm)
              .withBody(
                  RequestBody.of(
                      form.toString().getBytes(StandardCharsets.UTF_8),
                      "application/x-www-form-urlencoded"))
              .withRetryable(true);
    } else {
      StringBuilder query = new StringBuilder();
      appendParam(query, "service", challenge.service());
      for (String scope : scopes) {
        appendParam(query, "scope", scope);
      }
      if (usable != null && usable.credential() instanceof Credential.UsernamePassword up) {
        appendParam(query, "account", up.username());
      }
      String base = realm.toString();
      String sep = base.contains("?") ? "&" : "?";
      request =
          RegistryRequest.of("GET", URI.create(query.length() == 0 ? base : base + sep + query));
      if (usable != null && usable.credential() instanceof Credential.UsernamePassword up) {
        request = request.withHeader("Authorization", basic(up));
      }
    }
    request = request.withBufferLimit(MAX_TOKEN_RESPONSE);
    Instant now = clock.instant();
    try (RegistryResponse response = http.execute(request)) {
      RegistryResponse described =
          response.withCredentialSource(usable == null ? null : usable.source());
      if (!response.isSuccessful()) {
        throw RegistryException.fromResponse(action, described);
      }
      JsonNode body;
      try {
        body = JSON.readTree(response.bodyBytes(MAX_TOKEN_RESPONSE));
      } catch (IOException e) {
        throw new RegistryException(action, "the token server did not answer with JSON", e);
      }
      String token = body == null ? "" : body.path("token").asText("");
      if (token.isEmpty() && body != null) {
        token = body.path("access_token").asText("");
      }
      if (token.isEmpty()) {
        throw new RegistryException(action, "the token server's answer has no token", null);
      }
      long expiresIn = body.path("expires_in").asLong(0);
      Duration lifetime =
          expiresIn < DEFAULT_LIFETIME.getSeconds()
              ? DEFAULT_LIFETIME
              : Duration.ofSeconds(expiresIn);
      return new TokenCache.Token(token, now.plus(lifetime));
    }
  }

  static String basic(Credential.UsernamePassword up) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((up.username() + ":" + up.password()).getBytes(StandardCharsets.UTF_8));
  }

  private static void appendParam(StringBuilder out, String name, String value) {
    if (value == null || value.isEmpty()) {
      return;
    }
    out.append(out.length() == 0 ? "" : "&")
        .append(name)
        .append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }
}
