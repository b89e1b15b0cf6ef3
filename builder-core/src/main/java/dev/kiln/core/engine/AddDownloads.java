package dev.kiln.core.engine;

import dev.kiln.core.step.ContextTree;
import dev.kiln.core.step.CopyFailure;
import dev.kiln.core.step.SourceTree;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * ADD of {@code http(s)} URLs: each is downloaded into the step's spool (mode 0600, the server's
 * Last-Modified time, {@code --checksum} verified) and copied from there like a local file, as in
 * BuildKit. A download that fails names the URL and the reason.
 */
final class AddDownloads {
  private AddDownloads() {}

  /** Whether an ADD source is a URL rather than a path in the context. */
  static boolean isUrl(String source) {
    String s = source.toLowerCase(Locale.ROOT);
    return s.startsWith("http://") || s.startsWith("https://");
  }

  /**
   * Downloads ADD's URLs into {@code spool} and returns them as a tree; {@code names} receives the
   * file names to copy. Files get mode 0600 and the server's Last-Modified time, as in BuildKit.
   */
  static SourceTree download(List<String> urls, String checksum, Path spool, List<String> names)
      throws IOException, CopyFailure {
    Path dir = spool.resolve("downloads");
    Files.createDirectories(dir);
    HttpClient client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
    for (String url : urls) {
      if (!isUrl(url)) {
        throw new CopyFailure(
            "ADD cannot mix URLs and local files in one instruction (" + url + ")",
            "split it into two ADD instructions");
      }
      URI uri = URI.create(url);
      String base = uri.getPath() == null ? "" : uri.getPath();
      String name =
          base.endsWith("/") || base.isEmpty()
              ? "__unnamed__"
              : base.substring(base.lastIndexOf('/') + 1);
      Path file = dir.resolve(name);
      HttpResponse<InputStream> response;
      try {
        response =
            client.send(
                HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while downloading " + url, e);
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        throw new CopyFailure(
            "ADD " + url + ": " + DownloadFailures.describe(uri, e),
            "check the URL, and that its server is up and reachable from this machine");
      }
      if (response.statusCode() / 100 != 2) {
        response.body().close();
        throw new CopyFailure(
            "ADD " + url + ": HTTP " + response.statusCode(),
            "check the URL; ADD follows redirects but needs a 2xx answer");
      }
      MessageDigest sha =
          checksum == null || checksum.isEmpty() ? null : Digest.parse(checksum).newMessageDigest();
      try (InputStream in = response.body();
          var out = Files.newOutputStream(file)) {
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = read(in, buffer, uri)) > 0; ) {
          out.write(buffer, 0, n);
          if (sha != null) {
            sha.update(buffer, 0, n);
          }
        }
      }
      if (sha != null && !Digest.parse(checksum).matches(sha.digest())) {
        throw new CopyFailure(
            "ADD " + url + ": checksum mismatch: the download is not " + checksum,
            "update --checksum, or check that the URL serves the expected file");
      }
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      Optional<String> modified = response.headers().firstValue("Last-Modified");
      if (modified.isPresent()) {
        try {
          ZonedDateTime t =
              ZonedDateTime.parse(modified.get(), DateTimeFormatter.RFC_1123_DATE_TIME);
          Files.setLastModifiedTime(file, FileTime.from(t.toInstant()));
        } catch (RuntimeException e) {
          // An unparseable header leaves the download time, as BuildKit does.
        }
      }
      names.add(name);
    }
    return new ContextTree(dir, PatternMatcher.of(List.of()));
  }

  /** Reads the download; a broken connection is the step's failure, named with the URL. */
  private static int read(InputStream in, byte[] buffer, URI uri) throws IOException, CopyFailure {
    try {
      return in.read(buffer);
    } catch (InterruptedIOException e) {
      throw e;
    } catch (IOException e) {
      throw new CopyFailure(
          "ADD " + uri + ": the download broke off: " + DownloadFailures.describe(uri, e),
          "run the build again; if it keeps failing, check the server");
    }
  }
}
