package dev.kiln.cli.login;

import dev.kiln.api.request.RequestException;
import dev.kiln.registry.auth.Challenge;
import dev.kiln.registry.auth.TokenCache;
import dev.kiln.registry.auth.TokenClient;
import dev.kiln.registry.credentials.Credential;
import dev.kiln.registry.credentials.FoundCredential;
import dev.kiln.registry.transport.GoogleHttpTransport;
import dev.kiln.registry.transport.HttpPipeline;
import dev.kiln.registry.transport.PingResults;
import dev.kiln.registry.transport.ProxySettings;
import dev.kiln.registry.transport.RedirectInterceptor;
import dev.kiln.registry.transport.RegistryException;
import dev.kiln.registry.transport.RegistryRequest;
import dev.kiln.registry.transport.RegistryResponse;
import dev.kiln.registry.transport.RegistrySecurity;
import dev.kiln.registry.transport.SchemeInterceptor;
import dev.kiln.registry.transport.Transport;
import dev.kiln.registry.transport.UserAgentInterceptor;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * Proves a username and password against a registry the way {@code docker login} does: ping {@code
 * /v2/}, then answer its challenge with the credentials (Basic: {@code /v2/} again with them;
 * Bearer: a token for no particular repository from the token server, then {@code /v2/} with that
 * token) and expect a 200.
 *
 * <p>Assembled here from the registry client's public transport pieces because the client has no
 * call for this: every request it makes is for a repository, and a login names none. Unlike the
 * client, it refuses outright when the credentials would not be sent (plain HTTP to a host the user
 * did not allow), since "logged in" must mean the registry accepted them.
 */
final class LoginCheck {
  private final RegistrySecurity security;
  private final ProxySettings proxy;
  private final String userAgent;

  LoginCheck(RegistrySecurity security, ProxySettings proxy, String userAgent) {
    this.security = security;
    this.proxy = proxy;
    this.userAgent = userAgent;
  }

  /** What happened, for the user: verified, or the registry asks for no credentials. */
  enum Outcome {
    VERIFIED,
    NO_AUTHENTICATION
  }

  /**
   * @param apiHost the host serving the registry API ({@code registry-1.docker.io} for Hub)
   * @param source how to name the credentials in errors
   */
  Outcome verify(String apiHost, Credential.UsernamePassword credential, String source)
      throws IOException {
    try {
      return check(apiHost, credential, source);
    } catch (RegistryException e) {
      throw e;
    } catch (IOException e) {
      // Unlike the registry client's endpoints, nothing below says what was being done.
      throw RegistryException.ioFailure("logging in to " + apiHost, e);
    }
  }

  private Outcome check(String apiHost, Credential.UsernamePassword credential, String source)
      throws IOException {
    try (Transport network =
        new GoogleHttpTransport(security, proxy, Duration.ofSeconds(30), Duration.ofSeconds(60))) {
      PingResults pings = new PingResults();
      HttpPipeline registry =
          new HttpPipeline(
              List.of(
                  new UserAgentInterceptor(userAgent),
                  new SchemeInterceptor(security, pings),
                  new RedirectInterceptor()),
              network);
      HttpPipeline tokenServers =
          new HttpPipeline(
              List.of(new UserAgentInterceptor(userAgent), new RedirectInterceptor()), network);
      List<String> challenges;
      try (RegistryResponse first = registry.execute(v2(apiHost))) {
        if (first.isSuccessful()) {
          return Outcome.NO_AUTHENTICATION;
        }
        if (first.status() != 401) {
          throw RegistryException.fromResponse("logging in to " + apiHost, first);
        }
        challenges = first.headers().all("WWW-Authenticate");
      }
      String scheme = pings.get(apiHost).map(PingResults.Ping::scheme).orElse("https");
      Challenge challenge = Challenge.preferred(Challenge.parseAll(challenges));
      if (challenge == null) {
        throw new RegistryException(
            "logging in to " + apiHost,
            "the registry answered 401 without a challenge kiln understands: " + challenges,
            null);
      }
      String authorization;
      if (challenge.isBasic()) {
        requireMayCarryCredentials(scheme, apiHost, apiHost);
        authorization =
            "Basic "
                + Base64.getEncoder()
                    .encodeToString(
                        (credential.username() + ":" + credential.password())
                            .getBytes(StandardCharsets.UTF_8));
      } else if (challenge.isBearer() && challenge.realm() != null) {
        URI realm = URI.create(challenge.realm());
        requireMayCarryCredentials(realm.getScheme(), realm.getRawAuthority(), apiHost);
        TokenCache.Token token =
            new TokenClient(tokenServers, security, Clock.systemUTC())
                .fetch(challenge, List.of(), new FoundCredential(credential, source));
        authorization = "Bearer " + token.value();
      } else {
        throw new RegistryException(
            "logging in to " + apiHost,
            "the registry asks for " + challenge.scheme() + " authentication, which kiln lacks",
            null);
      }
      try (RegistryResponse second =
          registry.execute(v2(apiHost).withHeader("Authorization", authorization))) {
        if (!second.isSuccessful()) {
          throw RegistryException.fromResponse(
              "logging in to " + apiHost, second.withCredentialSource(source));
        }
      }
      return Outcome.VERIFIED;
    }
  }

  private static RegistryRequest v2(String apiHost) {
    return RegistryRequest.of("GET", URI.create("https://" + apiHost + "/v2/"))
        .forRegistry(apiHost, List.of())
        .withBufferLimit(64 * 1024);
  }

  private void requireMayCarryCredentials(String scheme, String host, String registry) {
    if ("http".equalsIgnoreCase(scheme) && !security.allowsCredentialsOverPlainHttp(host)) {
      throw new RequestException(
          "kiln does not send credentials over plain HTTP, and "
              + host
              + " (where "
              + registry
              + " wants them) is plain HTTP",
          "if you trust the network to it, pass --insecure-registry "
              + hostOnly(host)
              + " (a host without port allows every port)");
    }
  }

  private static String hostOnly(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return colon > 0 && hostPort.indexOf(':') == colon ? hostPort.substring(0, colon) : hostPort;
  }
}
