package dev.kiln.dockerfile.instructions;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A git repository named as an ADD source or a build context: {@code git://…}, {@code ssh://…},
 * {@code user@host:path} (scp-like ssh), or an {@code http(s)} URL whose path ends in {@code .git},
 * each with an optional {@code #ref:subdir} fragment. These are the forms BuildKit's Dockerfile
 * frontend treats as git; any other {@code http(s)} URL is a file to download.
 *
 * @param remote the repository URL without the fragment, as git is given it
 * @param ref the branch, tag or commit of the fragment; "" for the remote's default branch
 * @param subdir the directory of the fragment inside the repository; "" for its root
 */
public record GitReference(String remote, String ref, String subdir) {
  private static final Pattern SCP_LIKE =
      Pattern.compile("^([a-zA-Z0-9_-]+)@([a-zA-Z0-9.-]+):(.*?)(?:#(.*))?$");

  /** The git repository {@code source} names, or empty when it names something else. */
  public static Optional<GitReference> parse(String source) {
    String lower = source.toLowerCase(Locale.ROOT);
    String remote;
    String fragment;
    int hash = source.indexOf('#');
    if (lower.startsWith("git://") || lower.startsWith("ssh://")) {
      remote = hash < 0 ? source : source.substring(0, hash);
      fragment = hash < 0 ? "" : source.substring(hash + 1);
    } else if (lower.startsWith("http://") || lower.startsWith("https://")) {
      remote = hash < 0 ? source : source.substring(0, hash);
      if (!pathOf(remote).endsWith(".git")) {
        return Optional.empty();
      }
      fragment = hash < 0 ? "" : source.substring(hash + 1);
    } else {
      Matcher m = SCP_LIKE.matcher(source);
      if (!m.matches()) {
        return Optional.empty();
      }
      remote = m.group(1) + "@" + m.group(2) + ":" + m.group(3);
      fragment = m.group(4) == null ? "" : m.group(4);
    }
    int colon = fragment.indexOf(':');
    String ref = colon < 0 ? fragment : fragment.substring(0, colon);
    String subdir = colon < 0 ? "" : clean(fragment.substring(colon + 1));
    return Optional.of(new GitReference(remote, ref, subdir));
  }

  /**
   * The subdirectory made relative to the repository's root, as BuildKit cleans it: {@code .} and
   * {@code ..} are resolved from the root, so none leaves it ({@code ../x} is {@code x}).
   */
  private static String clean(String subdir) {
    java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
    for (String part : subdir.split("/")) {
      if (part.equals("..")) {
        parts.pollLast();
      } else if (!part.isEmpty() && !part.equals(".")) {
        parts.addLast(part);
      }
    }
    return String.join("/", parts);
  }

  /**
   * Whether the URL carries a query ({@code ?ref=…&subdir=…}, BuildKit's newer spelling of the
   * fragment), which kiln does not read: passed to git it would be ignored, and the default branch
   * built instead of the one asked for.
   */
  public boolean hasQuery() {
    return remote.indexOf('?') >= 0;
  }

  /** Whether {@code source} names a git repository. */
  public static boolean isGit(String source) {
    return parse(source).isPresent();
  }

  /** Whether the remote is reached over ssh ({@code ssh://} or {@code user@host:path}). */
  public boolean overSsh() {
    return remote.toLowerCase(Locale.ROOT).startsWith("ssh://") || !remote.contains("://");
  }

  /**
   * The remote with any password in it replaced by {@code xxxxx}, for messages, logs and history: a
   * token given in the URL must not be shown or recorded. An http(s) URL's user given without a
   * password ({@code https://TOKEN@host/…}) is taken as a token and replaced too.
   */
  public String redactedRemote() {
    return redact(remote);
  }

  /**
   * {@code url} with the password of its user part replaced by {@code xxxxx}, and for http(s) a
   * user without a password (a token, as hosts take one) too.
   */
  public static String redact(String url) {
    int scheme = url.indexOf("://");
    if (scheme < 0) {
      return url;
    }
    int start = scheme + 3;
    int slash = url.indexOf('/', start);
    int end = slash < 0 ? url.length() : slash;
    int at = url.lastIndexOf('@', end - 1);
    if (at < start) {
      return url;
    }
    int colon = url.indexOf(':', start);
    if (colon < 0 || colon > at) {
      String prefix = url.substring(0, start).toLowerCase(Locale.ROOT);
      boolean http = prefix.equals("http://") || prefix.equals("https://");
      return http ? url.substring(0, start) + "xxxxx" + url.substring(at) : url;
    }
    return url.substring(0, colon + 1) + "xxxxx" + url.substring(at);
  }

  /** The source as written, with the password redacted. */
  public String redacted() {
    String fragment = ref.isEmpty() && subdir.isEmpty() ? "" : "#" + ref;
    if (!subdir.isEmpty()) {
      fragment += ":" + subdir;
    }
    return redactedRemote() + fragment;
  }

  private static String pathOf(String url) {
    try {
      String path = new URI(url).getRawPath();
      return path == null ? "" : path;
    } catch (URISyntaxException e) {
      int q = url.indexOf('?');
      return q < 0 ? url : url.substring(0, q);
    }
  }
}
