package dev.kiln.core.layer;

/**
 * Paths inside a layer: relative to the image root, {@code /}-separated, in canonical form (no
 * leading or trailing {@code /}, no empty, {@code .} or {@code ..} components), plus the canonical
 * order of entries and the whiteout naming convention of the OCI image spec.
 */
public final class LayerPath {
  /** Prefix of a whiteout: {@code dir/.wh.name} hides {@code dir/name} of lower layers. */
  public static final String WHITEOUT_PREFIX = ".wh.";

  /**
   * Name of an opaque whiteout: {@code dir/.wh..wh..opq} hides everything lower layers put in dir.
   */
  public static final String OPAQUE_WHITEOUT = ".wh..wh..opq";

  private LayerPath() {}

  /**
   * Turns an image path such as {@code /app/./bin/} or {@code usr//lib/../share} into canonical
   * form, resolving {@code ..} lexically and never above the root (as a container resolves {@code
   * /..}). Returns the empty string for the root itself.
   */
  public static String normalize(String path) {
    String[] parts = path.split("/");
    StringBuilder out = new StringBuilder(path.length());
    for (String part : parts) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        int cut = out.lastIndexOf("/");
        out.setLength(Math.max(cut, 0));
        continue;
      }
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(part);
    }
    return out.toString();
  }

  /** Throws {@link IllegalArgumentException} unless {@code path} is canonical and not the root. */
  public static String requireCanonical(String path, String what) {
    String problem = canonicalProblem(path);
    if (problem != null) {
      throw new IllegalArgumentException(what + " '" + path + "' " + problem);
    }
    return path;
  }

  /** Why {@code path} is not a canonical, non-root layer path, or null if it is one. */
  static String canonicalProblem(String path) {
    if (path == null || path.isEmpty()) {
      return "is empty (the root directory itself cannot be an entry)";
    }
    if (path.charAt(0) == '/') {
      return "is absolute; layer paths are relative to the image root";
    }
    if (path.charAt(path.length() - 1) == '/') {
      return "ends with '/'";
    }
    // One pass over the characters: this runs for every entry of every layer kiln reads.
    int start = 0;
    for (int i = 0; i <= path.length(); i++) {
      char c = i < path.length() ? path.charAt(i) : '/';
      if (c == '\0') {
        return "contains a NUL character";
      }
      if (c != '/') {
        continue;
      }
      int length = i - start;
      if (length == 0) {
        return "has an empty component";
      }
      if (path.charAt(start) == '.'
          && (length == 1 || (length == 2 && path.charAt(start + 1) == '.'))) {
        return "has a '" + path.substring(start, i) + "' component";
      }
      start = i + 1;
    }
    return null;
  }

  /** The last component. */
  public static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** The parent path, or the empty string for a top-level entry. */
  public static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  /** {@code parent/name}, where an empty parent is the root. */
  public static String child(String parent, String name) {
    return parent.isEmpty() ? name : parent + "/" + name;
  }

  /** Whether {@code path} is a whiteout or an opaque whiteout. */
  public static boolean isWhiteout(String path) {
    return name(path).startsWith(WHITEOUT_PREFIX);
  }

  /** Whether {@code path} is an opaque whiteout. */
  public static boolean isOpaqueWhiteout(String path) {
    return name(path).equals(OPAQUE_WHITEOUT);
  }

  /**
   * The canonical order of a layer: depth first (a directory, then its whole subtree, then its next
   * sibling); within a directory the opaque whiteout first, then whiteouts, then everything else,
   * each group ordered by the bytes of the names' UTF-8 encoding.
   *
   * <p>Comparing whole paths as strings would not be depth first: {@code a-b} sorts before {@code
   * a/c} because '-' is below '/'. So the comparison goes component by component.
   */
  public static int compare(String a, String b) {
    int ia = 0;
    int ib = 0;
    while (true) {
      boolean endA = ia >= a.length();
      boolean endB = ib >= b.length();
      if (endA || endB) {
        return endA == endB ? 0 : endA ? -1 : 1;
      }
      int ea = a.indexOf('/', ia);
      if (ea < 0) {
        ea = a.length();
      }
      int eb = b.indexOf('/', ib);
      if (eb < 0) {
        eb = b.length();
      }
      int c = compareNames(a, ia, ea, b, ib, eb);
      if (c != 0) {
        return c;
      }
      ia = ea + 1;
      ib = eb + 1;
    }
  }

  private static int compareNames(String a, int sa, int ea, String b, int sb, int eb) {
    int rank = Integer.compare(rank(a, sa, ea), rank(b, sb, eb));
    if (rank != 0) {
      return rank;
    }
    // Code point order is UTF-8 byte order; String.compareTo (UTF-16 units) is not, for
    // characters above U+FFFF.
    int i = sa;
    int j = sb;
    while (i < ea && j < eb) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(ea - i, eb - j);
  }

  private static int rank(String s, int start, int end) {
    if (s.startsWith(OPAQUE_WHITEOUT, start) && end - start == OPAQUE_WHITEOUT.length()) {
      return 0;
    }
    return s.startsWith(WHITEOUT_PREFIX, start) ? 1 : 2;
  }
}
