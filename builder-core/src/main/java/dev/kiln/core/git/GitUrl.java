package dev.kiln.core.git;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A remote as git is given it: an http(s) URL's user and password are taken out, so that they are
 * never on a git command line (which any user of the machine can read in {@code /proc}) nor in a
 * kept {@code .git/config}; git gets them from a credential helper scoped to the URL's scheme, host
 * and port ({@link GitCommand#withCredentials}). Other remotes are kept as they are (an ssh user is
 * a login name, and git:// has no credentials).
 *
 * @param remote the URL without user and password
 * @param scope {@code scheme://host[:port]}, what the credential helper answers for; "" without
 *     credentials
 * @param username the user, percent-decoded as git decodes it; "" without credentials
 * @param password the password, percent-decoded; "" when only a user (a token) was given
 */
public record GitUrl(String remote, String scope, String username, String password) {

  /** Splits {@code remote}; a user or password holding a line break or NUL is refused. */
  public static GitUrl of(String remote) throws GitFailure {
    String lower = remote.toLowerCase(Locale.ROOT);
    int start = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
    if (start < 0) {
      return new GitUrl(remote, "", "", "");
    }
    int slash = remote.indexOf('/', start);
    int end = slash < 0 ? remote.length() : slash;
    int at = remote.lastIndexOf('@', end - 1);
    if (at < start) {
      return new GitUrl(remote, "", "", "");
    }
    String userInfo = remote.substring(start, at);
    int colon = userInfo.indexOf(':');
    String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
    String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
    if (hasControl(user) || hasControl(password)) {
      throw new GitFailure(
          "the user or password of " + redactedFor(remote, start, at) + " holds a line break",
          "percent-encode the credentials of the URL correctly");
    }
    String bare = remote.substring(0, start) + remote.substring(at + 1);
    return new GitUrl(
        bare,
        remote.substring(0, start).toLowerCase(Locale.ROOT) + remote.substring(at + 1, end),
        user,
        password);
  }

  /** The URL without its credentials: a record's own toString would print the password. */
  @Override
  public String toString() {
    return remote;
  }

  /** Whether the URL carried a user or password. */
  public boolean hasCredentials() {
    return !scope.isEmpty();
  }

  private static String redactedFor(String remote, int start, int at) {
    return remote.substring(0, start) + "xxxxx" + remote.substring(at);
  }

  private static boolean hasControl(String s) {
    return s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0 || s.indexOf('\0') >= 0;
  }

  /** Percent-decoding as git's URL parser does it ({@code +} stays a plus). */
  private static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < s.length()) {
      if (s.charAt(i) == '%' && i + 2 < s.length()) {
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi >= 0 && lo >= 0) {
          out.write(hi * 16 + lo);
          i += 3;
          continue;
        }
      }
      int cp = s.codePointAt(i);
      out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
      i += Character.charCount(cp);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
