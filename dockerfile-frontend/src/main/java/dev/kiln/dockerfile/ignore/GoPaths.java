package dev.kiln.dockerfile.ignore;

import java.util.ArrayList;
import java.util.List;

/** Go's lexical path functions ({@code path/filepath.Clean} and {@code Dir}) for '/' paths. */
public final class GoPaths {
  private GoPaths() {}

  /** Go's {@code filepath.Clean}: removes {@code .}, resolves {@code ..}, drops extra slashes. */
  public static String clean(String path) {
    if (path.isEmpty()) {
      return ".";
    }
    boolean rooted = path.charAt(0) == '/';
    List<String> out = new ArrayList<>();
    int dotdots = 0;
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (out.size() > dotdots) {
          out.remove(out.size() - 1);
        } else if (!rooted) {
          out.add("..");
          dotdots++;
        }
        continue;
      }
      out.add(part);
    }
    String joined = String.join("/", out);
    if (rooted) {
      return "/" + joined;
    }
    return joined.isEmpty() ? "." : joined;
  }

  /** Go's {@code filepath.Dir}: everything but the last element, cleaned. */
  public static String dir(String path) {
    int slash = path.lastIndexOf('/');
    return clean(path.substring(0, slash + 1));
  }
}
