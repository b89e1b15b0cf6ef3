package dev.kiln.core.sbom;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/** An image's files in memory, for the scan's tests: paths to bytes, directories implied. */
final class MemoryFiles implements ImageFiles {
  private final TreeMap<String, byte[]> files = new TreeMap<>();
  private final TreeSet<String> symlinks = new TreeSet<>();

  MemoryFiles file(String path, String text) {
    return file(path, text.getBytes(StandardCharsets.UTF_8));
  }

  MemoryFiles file(String path, byte[] bytes) {
    files.put(path, bytes);
    return this;
  }

  MemoryFiles symlink(String path) {
    symlinks.add(path);
    return this;
  }

  @Override
  public List<String> children(String dir) {
    String prefix = dir.isEmpty() ? "" : dir + "/";
    TreeSet<String> names = new TreeSet<>();
    List<String> all = new ArrayList<>(files.keySet());
    all.addAll(symlinks);
    for (String path : all) {
      if (path.startsWith(prefix)) {
        String rest = path.substring(prefix.length());
        names.add(rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest);
      }
    }
    return new ArrayList<>(names);
  }

  @Override
  public Optional<Kind> kind(String path) {
    if (files.containsKey(path)) {
      return Optional.of(Kind.REGULAR);
    }
    if (symlinks.contains(path)) {
      return Optional.of(Kind.OTHER);
    }
    String prefix = path + "/";
    boolean dir =
        files.keySet().stream().anyMatch(p -> p.startsWith(prefix))
            || symlinks.stream().anyMatch(p -> p.startsWith(prefix));
    return dir ? Optional.of(Kind.DIRECTORY) : Optional.empty();
  }

  @Override
  public long size(String path) {
    return files.get(path).length;
  }

  @Override
  public InputStream open(String path) throws IOException {
    byte[] bytes = files.get(path);
    if (bytes == null) {
      throw new IOException("no " + path);
    }
    return new ByteArrayInputStream(bytes);
  }
}
