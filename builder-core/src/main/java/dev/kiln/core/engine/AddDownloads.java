package dev.kiln.core.engine;

import dev.kiln.core.fetch.DownloadFailure;
import dev.kiln.core.fetch.DownloadStalled;
import dev.kiln.core.fetch.HttpDownload;
import dev.kiln.core.step.ContextTree;
import dev.kiln.core.step.CopyFailure;
import dev.kiln.core.step.SourceTree;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.transport.ProxySettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * ADD of {@code http(s)} URLs: each is downloaded ({@link HttpDownload}: through the proxy the
 * build's environment names, with its idle limit) into the step's spool (mode 0600, the server's
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
  static SourceTree download(
      List<String> urls, String checksum, Path spool, List<String> names, ProxySettings proxy)
      throws IOException, CopyFailure {
    Path dir = spool.resolve("downloads");
    Files.createDirectories(dir);
    HttpDownload http = new HttpDownload(proxy);
    for (String url : urls) {
      if (!isUrl(url)) {
        throw new CopyFailure(
            "ADD cannot mix URLs and local files in one instruction (" + url + ")",
            "split it into two ADD instructions");
      }
      URI uri = URI.create(url);
      String name = fileName(uri);
      Path file = dir.resolve(name);
      HttpDownload.Response response;
      try {
        response = http.get(uri, url);
      } catch (DownloadFailure e) {
        throw new CopyFailure("ADD " + url + ": " + e.getMessage(), e.hint());
      }
      save(response.body(), file, url, uri, checksum);
      keepLastModified(response.lastModified(), file);
      names.add(name);
    }
    return new ContextTree(dir, PatternMatcher.of(List.of()));
  }

  /** The last segment of the URL's path, as BuildKit names a download. */
  private static String fileName(URI uri) {
    String path = uri.getPath() == null ? "" : uri.getPath();
    return path.endsWith("/") || path.isEmpty()
        ? "__unnamed__"
        : path.substring(path.lastIndexOf('/') + 1);
  }

  /** Streams the body into {@code file} (mode 0600), checking {@code --checksum} on the way. */
  private static void save(InputStream body, Path file, String url, URI uri, String checksum)
      throws IOException, CopyFailure {
    MessageDigest sha =
        checksum == null || checksum.isEmpty() ? null : Digest.parse(checksum).newMessageDigest();
    try (InputStream in = body;
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
  }

  /** The server's Last-Modified time on the file; an unparseable header leaves the download's. */
  private static void keepLastModified(Optional<String> modified, Path file) throws IOException {
    if (modified.isPresent()) {
      try {
        ZonedDateTime t = ZonedDateTime.parse(modified.get(), DateTimeFormatter.RFC_1123_DATE_TIME);
        Files.setLastModifiedTime(file, FileTime.from(t.toInstant()));
      } catch (RuntimeException e) {
        // An unparseable header leaves the download time, as BuildKit does.
      }
    }
  }

  /** Reads the download; a broken or stalled connection is the step's failure, with the URL. */
  private static int read(InputStream in, byte[] buffer, URI uri) throws IOException, CopyFailure {
    try {
      return in.read(buffer);
    } catch (DownloadStalled e) {
      throw new CopyFailure("ADD " + e.getMessage(), e.hint());
    } catch (InterruptedIOException e) {
      throw e;
    } catch (IOException e) {
      throw new CopyFailure(
          "ADD " + uri + ": the download broke off: " + HttpDownload.describe(uri, e),
          "run the build again; if it keeps failing, check the server");
    }
  }
}
