package dev.kiln.dockerfile.parser;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads parser directives ({@code # syntax=}, {@code # escape=}, {@code # check=}) from the top of
 * a Dockerfile. The first line that is not a directive of a known name ends the scan; a repeated
 * directive is an error.
 */
public final class DirectiveReader {
  private static final Set<String> KNOWN = Set.of("syntax", "escape", "check");

  private final String comment;
  private final Set<String> seen = new HashSet<>();
  private int line;
  private boolean done;

  /** A reader for directives written after {@code comment} ({@code #} or {@code //}). */
  public DirectiveReader(String comment, int linesAlreadyRead) {
    this.comment = comment;
    this.line = linesAlreadyRead;
  }

  public DirectiveReader() {
    this("#", 0);
  }

  public boolean done() {
    return done;
  }

  /**
   * Reads the next line. Returns the directive it holds, or empty when it holds none (which ends
   * the scan).
   *
   * @throws DockerfileException for a repeated directive
   */
  public Optional<Directive> parseLine(String text) {
    line++;
    if (done) {
      return Optional.empty();
    }
    if (!text.startsWith(comment)) {
      done = true;
      return Optional.empty();
    }
    String rest = GoText.trimLeftSpace(text.substring(comment.length()));
    int i = 0;
    if (i >= rest.length() || !isAsciiLetter(rest.charAt(i))) {
      done = true;
      return Optional.empty();
    }
    while (i < rest.length() && (isAsciiLetter(rest.charAt(i)) || isAsciiDigit(rest.charAt(i)))) {
      i++;
    }
    String name = rest.substring(0, i);
    while (i < rest.length() && isRegexSpace(rest.charAt(i))) {
      i++;
    }
    if (i >= rest.length() || rest.charAt(i) != '=') {
      done = true;
      return Optional.empty();
    }
    i++;
    while (i < rest.length() && isRegexSpace(rest.charAt(i))) {
      i++;
    }
    int end = rest.length();
    while (end > i && isRegexSpace(rest.charAt(end - 1))) {
      end--;
    }
    String value = rest.substring(i, end);
    if (value.isEmpty() || value.indexOf('\n') >= 0) {
      done = true;
      return Optional.empty();
    }
    String key = name.toLowerCase(Locale.ROOT);
    if (!KNOWN.contains(key)) {
      done = true;
      return Optional.empty();
    }
    if (!seen.add(key)) {
      throw new DockerfileException(
          "only one " + key + " parser directive can be used",
          List.of(SourceRange.lines(line, line)),
          "remove the repeated directive",
          null);
    }
    return Optional.of(new Directive(key, value, line));
  }

  /** Reads every directive from the top of {@code text}. */
  public List<Directive> parseAll(String text) {
    List<Directive> out = new ArrayList<>();
    for (String l : splitLines(text)) {
      if (done) {
        break;
      }
      parseLine(l).ifPresent(out::add);
    }
    return out;
  }

  /**
   * A directive found by {@link #detectSyntax} or {@link #findDirective}.
   *
   * @param ref the value up to its first space (the image reference for {@code syntax})
   * @param cmdline the whole value
   * @param line the 1-based line it was read from (0 for the JSON form without a shebang)
   */
  public record Found(String ref, String cmdline, int line) {}

  /**
   * Finds the {@code syntax} directive the way BuildKit does: {@code #} directives, then {@code //}
   * directives, then a whole-file JSON object with a {@code "syntax"} string; a first line starting
   * with {@code #!} is skipped.
   */
  public static Optional<Found> detectSyntax(byte[] dockerfile) {
    return find("syntax", dockerfile, true);
  }

  /** Finds directive {@code key} written as {@code # key=value} at the top of the file. */
  public static Optional<Found> findDirective(String key, byte[] dockerfile) {
    return find(key, dockerfile, false);
  }

  private static Optional<Found> find(String key, byte[] dockerfile, boolean anyFormat) {
    String text = GoText.decode(dockerfile);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    int lineOffset = 0;
    int nl = text.indexOf('\n');
    String first = nl < 0 ? text : text.substring(0, nl);
    if (first.startsWith("#!")) {
      text = nl < 0 ? "" : text.substring(nl + 1);
      lineOffset = 1;
    }
    Optional<Found> found = fromReader(key, text, new DirectiveReader("#", lineOffset));
    if (found.isPresent() || !anyFormat) {
      return found;
    }
    found = fromReader(key, text, new DirectiveReader("//", lineOffset));
    if (found.isPresent()) {
      return found;
    }
    Object json = GoJson.parse(text);
    if (json instanceof Map) {
      Object v = ((Map<?, ?>) json).get(key);
      if (v instanceof String) {
        return Optional.of(new Found((String) v, (String) v, lineOffset));
      }
    }
    return Optional.empty();
  }

  private static Optional<Found> fromReader(String key, String text, DirectiveReader reader) {
    List<Directive> all;
    try {
      all = reader.parseAll(text);
    } catch (DockerfileException e) {
      return Optional.empty();
    }
    for (Directive d : all) {
      if (d.name().equals(key)) {
        int space = d.value().indexOf(' ');
        String ref = space < 0 ? d.value() : d.value().substring(0, space);
        return Optional.of(new Found(ref, d.value(), d.line()));
      }
    }
    return Optional.empty();
  }

  /** Lines the way Go's {@code bufio.ScanLines} yields them: no line ending, no empty last line. */
  static List<String> splitLines(String text) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl;
      String l = text.substring(start, end);
      if (l.endsWith("\r")) {
        l = l.substring(0, l.length() - 1);
      }
      lines.add(l);
      start = nl < 0 ? text.length() : nl + 1;
    }
    return lines;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** Go regexp's {@code \s}: {@code [\t\n\f\r ]}. */
  private static boolean isRegexSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
  }
}
