package dev.kiln.registry.client;

import dev.kiln.registry.model.Digest;
import dev.kiln.registry.reference.ImageReference;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The distribution API's URLs for a repository. Built with {@code https}; the scheme interceptor
 * switches to {@code http} for insecure registries that need it. Repository names, tags and digests
 * are validated on parse and never need escaping in a path.
 */
final class ApiUrls {
  private ApiUrls() {}

  private static String prefix(ImageReference repo) {
    return "https://" + repo.apiHost() + "/v2/" + repo.repository();
  }

  static URI manifest(ImageReference repo, String reference) {
    return URI.create(prefix(repo) + "/manifests/" + reference);
  }

  static URI blob(ImageReference repo, Digest digest) {
    return URI.create(prefix(repo) + "/blobs/" + digest);
  }

  static URI uploads(ImageReference repo) {
    return URI.create(prefix(repo) + "/blobs/uploads/");
  }

  static URI mount(ImageReference repo, Digest digest, ImageReference from) {
    return URI.create(
        prefix(repo)
            + "/blobs/uploads/?mount="
            + encode(digest.toString())
            + "&from="
            + encode(from.repository()));
  }

  static URI tags(ImageReference repo, int pageSize) {
    return URI.create(prefix(repo) + "/tags/list?n=" + pageSize);
  }

  static URI referrers(ImageReference repo, Digest subject, String artifactType) {
    return URI.create(
        prefix(repo)
            + "/referrers/"
            + subject
            + (artifactType == null ? "" : "?artifactType=" + encode(artifactType)));
  }

  /** {@code location} with one more query parameter, keeping the ones it has. */
  static URI withQuery(URI location, String name, String value) {
    String s = location.toString();
    int hash = s.indexOf('#');
    if (hash >= 0) {
      s = s.substring(0, hash);
    }
    String sep =
        location.getRawQuery() == null ? "?" : (s.endsWith("&") || s.endsWith("?") ? "" : "&");
    return URI.create(s + sep + name + "=" + encode(value));
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
