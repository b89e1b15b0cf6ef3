package dev.kiln.api.request;

import dev.kiln.core.fetch.DownloadFailure;
import dev.kiln.core.fetch.DownloadStalled;
import dev.kiln.core.fetch.HttpDownload;
import dev.kiln.registry.transport.ProxySettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;

/**
 * A build context given as an http(s) URL, downloaded the way ADD downloads ({@link HttpDownload}:
 * the environment's proxy and its credentials, a time limit until the answer, an idle limit on the
 * body) and handed to a reader as a stream. Every failure, a stall included, is a {@link
 * RequestException} naming the URL.
 */
public final class UrlContextDownload {
  private UrlContextDownload() {}

  /** What reads the downloaded body (a tar or a Dockerfile). */
  @FunctionalInterface
  public interface BodyReader<T> {
    T read(InputStream body) throws IOException;
  }

  /**
   * Downloads {@code url} (shown in messages as {@code shown}) through the proxy {@code
   * environment} names and returns what {@code reader} makes of its body.
   */
  public static <T> T read(
      String url, String shown, Map<String, String> environment, BodyReader<T> reader)
      throws IOException {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new RequestException(
          "the context " + shown + " is not a valid URL: " + e.getMessage(),
          "give the context as a directory, -, a git URL or an http(s) URL");
    }
    HttpDownload.Response response;
    try {
      response = new HttpDownload(ProxySettings.fromEnvironment(environment)).get(uri, shown);
    } catch (DownloadFailure e) {
      throw new RequestException(
          "the context " + shown + " cannot be downloaded: " + e.getMessage(), e.hint());
    }
    try (InputStream body = response.body()) {
      return reader.read(body);
    } catch (DownloadStalled e) {
      throw new RequestException("the context " + e.getMessage(), e.hint());
    }
  }
}
