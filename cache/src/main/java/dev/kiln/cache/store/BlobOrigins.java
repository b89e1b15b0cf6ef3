package dev.kiln.cache.store;

import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which registry repositories a blob of the store came from ({@code kiln/blob-origins/}, one small
 * text file per blob, a repository per line). A push to another repository of the same registry
 * then mounts the blob from there instead of uploading it again, as {@code build --push} does for
 * the base layers it knows, also when the image is pushed later from the store ({@code kiln push}).
 * The record is a hint: a registry that refuses the mount gets an upload.
 */
public final class BlobOrigins {
  /** More than this many repositories per blob are not remembered: a few are enough to mount. */
  static final int MAX_ORIGINS = 16;

  private final StorePaths paths;

  BlobOrigins(StorePaths paths) {
    this.paths = paths;
  }

  /** Remembers that {@code repository} ({@code host/name}, no tag) has {@code blob}. */
  public void record(Digest blob, String repository) throws IOException {
    List<String> known = find(blob);
    if (known.contains(repository) || known.size() >= MAX_ORIGINS) {
      return;
    }
    List<String> more = new ArrayList<>(known);
    more.add(repository);
    Path file = paths.blobOrigins(blob);
    Files.createDirectories(file.getParent());
    AtomicFile.write(file, (String.join("\n", more) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** The repositories known to have {@code blob}, oldest first; empty when none is. */
  public List<String> find(Digest blob) throws IOException {
    try {
      return Files.readAllLines(paths.blobOrigins(blob), StandardCharsets.UTF_8).stream()
          .map(String::strip)
          .filter(l -> !l.isEmpty())
          .toList();
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }
}
