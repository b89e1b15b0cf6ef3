package dev.kiln.dockerfile.parser;

import java.util.ArrayList;
import java.util.List;

/**
 * Prints a {@link DockerfileException} for a person:
 *
 * <pre>
 * Dockerfile:12:5: unknown flag: chmodd
 *    12 | COPY --chmodd=755 app /app
 *       |      ^^^^^^^^^^^^
 * hint: did you mean chmod?
 * </pre>
 *
 * A line longer than {@link #MAX_EXCERPT} characters is shown as a window around the error.
 */
public final class DockerfileErrorRenderer {
  /** The longest excerpt of a line that is printed whole. */
  static final int MAX_EXCERPT = 160;

  /** Characters shown before the error's column when a long line is cut. */
  private static final int CONTEXT_BEFORE = 40;

  private DockerfileErrorRenderer() {}

  /**
   * Renders {@code error} for the Dockerfile called {@code fileName} whose bytes are {@code source}
   * (may be null when the text is not at hand; then only the first line is printed).
   */
  public static String render(DockerfileException error, String fileName, byte[] source) {
    StringBuilder out = new StringBuilder();
    List<SourceRange> ranges = error.ranges();
    if (ranges.isEmpty()) {
      out.append(fileName).append(": ").append(error.getMessage()).append('\n');
    } else {
      SourceRange r = ranges.get(0);
      out.append(fileName)
          .append(':')
          .append(r.start().line())
          .append(':')
          .append(r.start().column())
          .append(": ")
          .append(error.getMessage())
          .append('\n');
      List<String> lines = source == null ? List.of() : lines(source);
      int line = r.start().line();
      if (line >= 1 && line <= lines.size()) {
        String text = lines.get(line - 1);
        String number = Integer.toString(line);
        String pad = " ".repeat(Math.max(0, 5 - number.length()));
        int startCol = Math.min(r.start().column(), text.length() + 1);
        int endCol = r.end().line() == line ? Math.max(startCol, r.end().column()) : text.length();
        endCol = Math.max(startCol, Math.min(endCol, Math.max(startCol, text.length())));
        String prefix = "";
        if (text.length() > MAX_EXCERPT) {
          int from =
              Math.max(0, Math.min(startCol - 1 - CONTEXT_BEFORE, text.length() - MAX_EXCERPT));
          int to = from + MAX_EXCERPT;
          prefix = from > 0 ? "..." : "";
          String suffix = to < text.length() ? "..." : "";
          startCol -= from;
          endCol = Math.min(endCol - from, MAX_EXCERPT);
          text = text.substring(from, to);
          out.append(pad).append(number).append(" | ").append(prefix).append(text).append(suffix);
        } else {
          out.append(pad).append(number).append(" | ").append(text);
        }
        out.append('\n');
        StringBuilder caret = new StringBuilder(" ".repeat(prefix.length()));
        for (int i = 0; i < startCol - 1 && i < text.length(); i++) {
          caret.append(text.charAt(i) == '\t' ? '\t' : ' ');
        }
        caret.append("^".repeat(Math.max(1, endCol - startCol + 1)));
        out.append(" ".repeat(5)).append(" | ").append(caret).append('\n');
      }
    }
    error.hint().ifPresent(h -> out.append("hint: ").append(h).append('\n'));
    return out.toString();
  }

  private static List<String> lines(byte[] source) {
    String text = GoText.decode(source);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    List<String> out = new ArrayList<>();
    for (String l : text.split("\n", -1)) {
      out.add(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
    }
    return out;
  }
}
