package dev.kiln.testdata.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** Plain HTTP requests against the fixtures, to check them without any registry client. */
final class RegistryProbe {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client;

  RegistryProbe(HttpClient client) {
    this.client = client;
  }

  static RegistryProbe plain() {
    return new RegistryProbe(HttpClient.newHttpClient());
  }

  HttpResponse<String> send(String method, URI uri, Optional<String> authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody());
    authorization.ifPresent(value -> request.header("Authorization", value));
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String basic(Credentials credentials) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString(credentials.colonSeparated().getBytes(StandardCharsets.UTF_8));
  }

  /** Asks the token server for a token; returns the HTTP response. */
  HttpResponse<String> token(TokenServer server, String scope, Optional<Credentials> credentials)
      throws IOException, InterruptedException {
    URI uri =
        URI.create(
            server.realm()
                + "?service="
                + URLEncoder.encode(server.service(), StandardCharsets.UTF_8)
                + "&scope="
                + URLEncoder.encode(scope, StandardCharsets.UTF_8));
    return send("GET", uri, credentials.map(RegistryProbe::basic));
  }

  static String tokenOf(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body()).path("token").asText();
  }

  /** The claims of a JWT, decoded without verifying it (the registry does the verifying). */
  static JsonNode claims(String jwt) throws IOException {
    String payload = jwt.split("\\.")[1];
    return JSON.readTree(Base64.getUrlDecoder().decode(payload));
  }
}
