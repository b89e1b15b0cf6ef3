package dev.kiln.registry.auth;

import dev.kiln.registry.credentials.Credential;
import dev.kiln.registry.credentials.CredentialSource;
import dev.kiln.registry.credentials.FoundCredential;
import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.transport.Interceptor;
import dev.kiln.registry.transport.PingResults;
import dev.kiln.registry.transport.RegistryException;
import dev.kiln.registry.transport.RegistryRequest;
import dev.kiln.registry.transport.RegistryResponse;
import dev.kiln.registry.transport.RegistrySecurity;
import dev.kiln.registry.transport.RepositoryScope;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Adds credentials to registry API calls, answering the challenge the registry sent:
 *
 * <ul>
 *   <li>no challenge (anonymous registry): nothing is added until a 401 brings one;
 *   <li>{@code Basic}: the username and password go with every request;
 *   <li>{@code Bearer}: a token for the request's repository scopes is fetched from the realm (with
 *       the credentials, or anonymously), cached per registry and scope, and sent.
 * </ul>
 *
 * <p>On a 401 the challenge in the response is learnt (it may add a scope), the token for that
 * scope is dropped, and the request is sent once more if its body can be replayed; a second 401
 * goes back to the caller. Credentials are withheld from plain-HTTP connections unless {@link
 * RegistrySecurity} allows them for the host; the response then says so.
 */
public final class AuthInterceptor implements Interceptor {
  private final CredentialSource credentials;
  private final PingResults pings;
  private final TokenClient tokens;
  private final TokenCache cache;
  private final RegistrySecurity security;
  private final Clock clock;
  private final Consumer<RegistryEvent> events;
  private final Map<String, List<String>> learntChallenges = new ConcurrentHashMap<>();
  private final Map<String, Optional<FoundCredential>> credentialCache = new ConcurrentHashMap<>();
  private final Set<RegistryEvent> reported = ConcurrentHashMap.newKeySet();

  public AuthInterceptor(
      CredentialSource credentials,
      PingResults pings,
      TokenClient tokens,
      TokenCache cache,
      RegistrySecurity security,
      Clock clock,
      Consumer<RegistryEvent> events) {
    this.credentials = credentials;
    this.pings = pings;
    this.tokens = tokens;
    this.cache = cache;
    this.security = security;
    this.clock = clock;
    this.events = events;
  }

  /** A request with its Authorization header and where the credential came from. */
  private record Authorized(RegistryRequest request, String source) {}

  @Override
  public RegistryResponse intercept(Chain chain) throws IOException {
    RegistryRequest request = chain.request();
    String host = request.registryHost();
    if (host == null) {
      return chain.proceed(request);
    }
    String repository = request.scopes().isEmpty() ? null : request.scopes().get(0).repository();
    Optional<FoundCredential> found = credentialFor(host, repository);
    boolean plainHttp = "http".equalsIgnoreCase(request.uri().getScheme());
    boolean withheld =
        plainHttp && found.isPresent() && !security.allowsCredentialsOverPlainHttp(host);
    if (withheld) {
      reportOnce(new RegistryEvent.CredentialsWithheld(host, found.get().source()));
    }
    FoundCredential usable = withheld ? null : found.orElse(null);

    Challenge challenge = Challenge.preferred(Challenge.parseAll(challengesFor(host)));
    Authorized first = authorize(request, challenge, usable, List.of());
    RegistryResponse response = chain.proceed(first.request());
    Authorized used = first;
    if (response.status() == 401) {
      List<String> fresh = response.headers().all("WWW-Authenticate");
      if (!fresh.isEmpty()) {
        learntChallenges.put(host, fresh);
      }
      Challenge again = Challenge.preferred(Challenge.parseAll(fresh));
      if (again == null) {
        again = challenge;
      }
      List<String> extraScopes =
          again != null && again.scope() != null
              ? Arrays.asList(again.scope().split(" "))
              : List.of();
      if (again != null && again.isBearer()) {
        cache.invalidate(key(again, scopes(request, extraScopes), usable));
        cache.invalidate(key(again, scopes(request, List.of()), usable));
      }
      boolean replayable = request.body() == null || request.body().replayable();
      if (again != null && replayable) {
        Authorized retry = authorize(request, again, usable, extraScopes);
        String before = first.request().headers().first("Authorization");
        String after = retry.request().headers().first("Authorization");
        // Sending the same thing again would only collect the same 401.
        if (after != null && !after.equals(before)) {
          response.close();
          used = retry;
          response = chain.proceed(used.request());
        }
      }
    }
    String source =
        withheld
            ? "withheld: " + found.get().source() + " (not sent over plain HTTP)"
            : used.source();
    return response.withCredentialSource(source);
  }

  private List<String> challengesFor(String host) {
    List<String> learnt = learntChallenges.get(host);
    if (learnt != null) {
      return learnt;
    }
    return pings.get(host).map(PingResults.Ping::challenges).orElse(List.of());
  }

  private Authorized authorize(
      RegistryRequest request, Challenge challenge, FoundCredential credential, List<String> extra)
      throws IOException {
    if (credential != null && credential.credential() instanceof Credential.RegistryToken rt) {
      report(request.registryHost(), credential);
      return new Authorized(
          request.withHeader("Authorization", "Bearer " + rt.token()), credential.source());
    }
    if (challenge == null) {
      return new Authorized(request, null);
    }
    if (challenge.isBasic()) {
      if (credential != null && credential.credential() instanceof Credential.UsernamePassword up) {
        report(request.registryHost(), credential);
        return new Authorized(
            request.withHeader("Authorization", TokenClient.basic(up)), credential.source());
      }
      return new Authorized(request, null);
    }
    if (!challenge.isBearer() || challenge.realm() == null) {
      return new Authorized(request, null);
    }
    List<String> scopes = scopes(request, extra);
    TokenCache.Key key = key(challenge, scopes, credential);
    Optional<TokenCache.Token> cached = cache.get(key, clock.instant());
    TokenCache.Token token;
    if (cached.isPresent()) {
      token = cached.get();
    } else {
      token = tokens.fetch(challenge, scopes, credential);
      cache.put(key, token);
    }
    if (credential != null) {
      report(request.registryHost(), credential);
    }
    return new Authorized(
        request.withHeader("Authorization", "Bearer " + token.value()),
        credential == null ? null : credential.source());
  }

  private static List<String> scopes(RegistryRequest request, List<String> extra) {
    Set<String> all = new TreeSet<>();
    for (RepositoryScope s : request.scopes()) {
      all.add(s.toScopeString());
    }
    all.addAll(extra);
    return new ArrayList<>(all);
  }

  private static TokenCache.Key key(
      Challenge challenge, List<String> scopes, FoundCredential credential) {
    return new TokenCache.Key(
        challenge.realm(),
        challenge.service(),
        String.join(" ", scopes),
        credential == null ? "anonymous" : credential.source());
  }

  private Optional<FoundCredential> credentialFor(String host, String repository)
      throws IOException {
    String cacheKey = host + "/" + (repository == null ? "" : repository);
    Optional<FoundCredential> known = credentialCache.get(cacheKey);
    if (known != null) {
      return known;
    }
    Optional<FoundCredential> found;
    try {
      found = credentials.find(host, repository, this::reportOnce);
    } catch (IOException e) {
      throw new RegistryException("looking up credentials for " + host, e.getMessage(), e);
    }
    credentialCache.put(cacheKey, found);
    return found;
  }

  private void report(String host, FoundCredential credential) {
    reportOnce(new RegistryEvent.CredentialsUsed(host, credential.source()));
  }

  /** Sends each distinct credential event once: every request of a build would repeat them. */
  private void reportOnce(RegistryEvent event) {
    if (reported.add(event)) {
      events.accept(event);
    }
  }
}
