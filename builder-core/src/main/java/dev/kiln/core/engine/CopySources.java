package dev.kiln.core.engine;

import dev.kiln.api.request.NamedContext;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.layer.LayerPath;
import dev.kiln.core.step.ContextTree;
import dev.kiln.core.step.CopyFailure;
import dev.kiln.core.step.SourceTree;
import dev.kiln.core.step.StackSourceTree;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import dev.kiln.dockerfile.plan.BuildPlan;
import dev.kiln.dockerfile.plan.Stage;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the tree a COPY or ADD reads from: the build context, another stage, a named context, an
 * image, or files ADD downloads. For stages and images it reads only the selected paths from the
 * layers (resolving each source's fixed prefix through the image's symlinks first), so copying one
 * binary out of a large build stage writes one file to disk.
 */
final class CopySources {
  private final BuildScope scope;

  CopySources(BuildScope scope) {
    this.scope = scope;
  }

  static boolean isUrl(String source) {
    String s = source.toLowerCase(Locale.ROOT);
    return s.startsWith("http://") || s.startsWith("https://");
  }

  /**
   * The tree for {@code from} ("" = build context). {@code sources} may be rewritten in place to
   * paths inside that tree.
   */
  SourceTree treeFor(
      String from, List<String> sources, Map<Integer, StageResult> done, BuildPlan plan, Path spool)
      throws IOException, CopyFailure {
    if (from == null || from.isEmpty()) {
      return scope.context();
    }
    Optional<Stage> stage = stageNamed(plan, from);
    if (stage.isPresent()) {
      StageResult result = done.get(stage.get().index());
      if (result == null) {
        throw new CopyFailure(
            "cannot copy from stage " + from + ": it has not been built",
            "define the stage before the COPY that uses it");
      }
      return union(
          result.state().layers(),
          result.state(),
          sources,
          spool,
          "stage " + stage.get().displayName());
    }
    NamedContext named = scope.request().buildContexts().get(from);
    if (named instanceof NamedContext.Directory dir) {
      return new ContextTree(dir.dir(), PatternMatcher.of(List.of()));
    }
    String reference = named != null ? StageRunner.contextReference(named, from) : from;
    BaseImages.Base base = scope.baseImages().resolve(reference, scope.targetPlatform());
    List<LayerRef> layers = new ArrayList<>();
    List<Digest> diffIds = base.image().config().diffIds();
    for (int i = 0; i < base.image().manifest().layers().size(); i++) {
      var blob = base.image().manifest().layers().get(i);
      layers.add(new LayerRef(blob, i < diffIds.size() ? diffIds.get(i) : blob.digest()));
    }
    var blobs = new dev.kiln.core.image.StoreFirstBlobSource(scope.store(), base.image().blobs());
    StageState state =
        new StageState(base.image().config(), layers, blobs, scope.views().of(layers, blobs));
    return union(layers, state, sources, spool, "image " + reference);
  }

  private SourceTree union(
      List<LayerRef> layers, StageState state, List<String> sources, Path spool, String description)
      throws IOException {
    List<String> roots = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      String source = LayerPath.normalize(sources.get(i));
      String[] parts = source.isEmpty() ? new String[0] : source.split("/");
      int fixed = 0;
      while (fixed < parts.length && !hasWildcard(parts[fixed])) {
        fixed++;
      }
      String prefix = String.join("/", java.util.Arrays.copyOfRange(parts, 0, fixed));
      String rest = String.join("/", java.util.Arrays.copyOfRange(parts, fixed, parts.length));
      String resolved = state.rootfs().resolve(prefix, true);
      roots.add(resolved);
      if (sources.get(i).contains("/./")) {
        continue; // a COPY --parents pivot: the planner needs the source as written
      }
      sources.set(
          i, rest.isEmpty() ? resolved : (resolved.isEmpty() ? rest : resolved + "/" + rest));
    }
    return new StackSourceTree(state.rootfs(), description, spool.resolve("union"));
  }

  private static boolean hasWildcard(String segment) {
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '*' || c == '?' || c == '[') {
        return true;
      }
    }
    return false;
  }

  private static Optional<Stage> stageNamed(BuildPlan plan, String from) {
    if (from.chars().allMatch(Character::isDigit)) {
      int index = Integer.parseInt(from);
      return index < plan.stages().size() ? Optional.of(plan.stage(index)) : Optional.empty();
    }
    return plan.stage(from);
  }

  /**
   * Downloads ADD's URLs into {@code spool} and returns them as a tree; {@code names} receives the
   * file names to copy. Files get mode 0600 and the server's Last-Modified time, as in BuildKit.
   */
  SourceTree downloads(List<String> urls, String checksum, Path spool, List<String> names)
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
