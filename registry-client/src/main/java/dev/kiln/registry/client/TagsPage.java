package dev.kiln.registry.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.RegistryException;
import dev.kiln.registry.transport.RegistryRequest;
import dev.kiln.registry.transport.RegistryResponse;
import dev.kiln.registry.transport.RepositoryScope;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One page of {@code GET /v2/<name>/tags/list}; the next page's URL comes from the {@code Link:
 * <…>; rel="next"} header.
 */
final class TagsPage implements Endpoint<TagsPage.Page> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NEXT = Pattern.compile("<([^>]*)>\\s*;[^,]*rel=\"?next\"?");

  record Page(List<String> tags, URI next) {}

  private final ImageReference repository;
  private final URI uri;

  TagsPage(ImageReference repository, URI uri) {
    this.repository = repository;
    this.uri = uri;
  }

  @Override
  public String action() {
    return "listing tags of " + repository.name();
  }

  @Override
  public RegistryRequest request() {
    return RegistryRequest.of("GET", uri)
        .withBufferLimit(16L << 20)
        .forRegistry(repository.apiHost(), List.of(RepositoryScope.pull(repository.repository())));
  }

  @Override
  public Page handle(RegistryResponse response) throws IOException {
    JsonNode body;
    try {
      body = JSON.readTree(response.bodyBytes(16L << 20));
    } catch (IOException e) {
      throw new RegistryException(action(), "the registry's tag list is not JSON", e);
    }
    List<String> tags = new ArrayList<>();
    if (body != null) {
      for (JsonNode t : body.path("tags")) {
        tags.add(t.asText());
      }
    }
    URI next = null;
    for (String link : response.headers().all("Link")) {
      Matcher m = NEXT.matcher(link);
      if (m.find()) {
        next = response.request().uri().resolve(m.group(1));
      }
    }
    return new Page(tags, next);
  }
}
