package dev.kiln.dockerfile.parser;

import dev.kiln.dockerfile.shell.Environment;
import dev.kiln.dockerfile.shell.ExpansionOptions;
import dev.kiln.dockerfile.shell.ShellExpansionException;
import dev.kiln.dockerfile.shell.ShellWordExpander;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns Dockerfile bytes into {@link Node}s with BuildKit's rules: directives, BOM, comments (also
 * inside continuations), line continuation with the active escape character, heredocs, and the
 * per-instruction argument splitting of {@link LineParsers}. Pure: bytes in, tree out.
 */
public final class DockerfileParser {
  /** BuildKit's scanner limit: a physical line may hold at most this many bytes. */
  public static final int MAX_LINE_BYTES = 65535;

  private static final ShellWordExpander HEREDOC_LINE_WORDS =
      new ShellWordExpander(
          ExpansionOptions.standard('\\')
              .withRawQuotes(true)
              .withRawEscapes(true)
              .withSkipUnsetEnv(true));

  private DockerfileParser() {}

  public static ParsedDockerfile parse(String dockerfile) {
    return parse(dockerfile.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Parses a whole Dockerfile.
   *
   * @throws DockerfileException with the location of the first problem
   */
  public static ParsedDockerfile parse(byte[] dockerfile) {
    return new Run(dockerfile).parse();
  }

  /** Physical lines, each decoded with its line ending, the way BuildKit's scanner reads them. */
  private static final class Lines {
    private final byte[] data;
    private int pos;
    private boolean tooLong;
    private boolean first = true;

    Lines(byte[] data) {
      this.data = data;
    }

    /** The next raw line with its ending, or null at the end (or after an over-long line). */
    String next() {
      if (tooLong || pos >= data.length) {
        return null;
      }
      int start = pos;
      int nl = start;
      while (nl < data.length && data[nl] != '\n') {
        nl++;
      }
      if (nl - start > MAX_LINE_BYTES) {
        tooLong = true;
        return null;
      }
      int end = nl < data.length ? nl + 1 : nl;
      pos = end;
      if (first) {
        first = false;
        if (end - start >= 3
            && (data[start] & 0xFF) == 0xEF
            && (data[start + 1] & 0xFF) == 0xBB
            && (data[start + 2] & 0xFF) == 0xBF) {
          start += 3;
        }
      }
      return GoText.decode(data, start, end - start);
    }
  }

  private static final class Run {
    private final Lines lines;
    private final DirectiveReader directiveReader = new DirectiveReader();
    private final List<Directive> directives = new ArrayList<>();
    private final List<ParseWarning> warnings = new ArrayList<>();
    private char escape = '\\';
    private int currentLine;

    Run(byte[] data) {
      this.lines = new Lines(data);
    }

    ParsedDockerfile parse() {
      List<Node> nodes = new ArrayList<>();
      List<String> comments = new ArrayList<>();
      String raw;
      while ((raw = lines.next()) != null) {
        if (isComment(raw)) {
          String comment = GoText.trimSpace(raw.substring(1));
          if (comment.isEmpty()) {
            comments.clear();
          } else {
            comments.add(comment);
          }
        }
        String noNewline = trimNewline(raw);
        int lead = 0;
        while (lead < noNewline.length() && GoText.isSpace(noNewline.charAt(lead))) {
          lead++;
        }
        String processed = processLine(noNewline.substring(lead));
        currentLine++;
        int startLine = currentLine;

        StringBuilder line = new StringBuilder();
        LineMap.Builder map = new LineMap.Builder();
        boolean endOfLine = appendFragment(line, map, processed, currentLine, lead + 1);
        if (endOfLine && line.length() == 0) {
          continue;
        }
        boolean hasEmptyContinuation = false;
        while (!endOfLine && (raw = lines.next()) != null) {
          String text = processLine(trimNewline(raw));
          currentLine++;
          if (isComment(raw)) {
            continue;
          }
          if (GoText.trimLeftSpace(text).isEmpty()) {
            hasEmptyContinuation = true;
            continue;
          }
          endOfLine = appendFragment(line, map, text, currentLine, 1);
        }
        String logical = line.toString();
        if (hasEmptyContinuation) {
          warnings.add(
              new ParseWarning(
                  "NoEmptyContinuation",
                  "Empty continuation line found in: " + logical,
                  "Empty continuation lines will become errors in a future release",
                  "https://docs.docker.com/go/dockerfile/rule/no-empty-continuation/",
                  SourceRange.lines(currentLine, currentLine)));
        }
        LineMap lineMap = map.build();
        Node node;
        try {
          node = LineParsers.newNode(logical, lineMap, escape, List.copyOf(comments));
        } catch (DockerfileException e) {
          throw e.withRangeIfAbsent(spanning(lineMap, logical, startLine, currentLine));
        }
        if (canContainHeredoc(node) && logical.contains("<<")) {
          node = attachHeredocs(node, logical, lineMap, startLine);
        }
        SourcePosition start = node.keywordRange().start();
        SourcePosition end = new SourcePosition(currentLine, 1);
        if (end.compareTo(start) < 0) {
          end = lineMap.positionOf(Math.max(0, logical.length() - 1));
        }
        node = node.withRange(new SourceRange(start, end.compareTo(start) < 0 ? start : end));
        nodes.add(node);
        comments.clear();
      }
      // An over-long line ends the scan; say so even when it is the first line (it would
      // otherwise read as a file with no instructions).
      if (lines.tooLong) {
        int line = currentLine + 1;
        throw new DockerfileException(
            "dockerfile line greater than max allowed size of " + MAX_LINE_BYTES,
            List.of(SourceRange.lines(line, line)),
            "split the line with line continuations (\\ at the end of a line)",
            null);
      }
      if (nodes.isEmpty()) {
        throw new DockerfileException(
            "file with no instructions",
            List.of(SourceRange.lines(Math.max(1, currentLine), Math.max(1, currentLine))),
            "a Dockerfile needs at least a FROM instruction",
            null);
      }
      SourceRange range =
          new SourceRange(nodes.get(0).range().start(), nodes.get(nodes.size() - 1).range().end());
      return new ParsedDockerfile(nodes, escape, directives, warnings, range);
    }

    private SourceRange spanning(LineMap map, String logical, int startLine, int endLine) {
      int lead = 0;
      while (lead < logical.length() && GoText.isSpace(logical.charAt(lead))) {
        lead++;
      }
      SourcePosition start =
          logical.isEmpty() ? new SourcePosition(startLine, 1) : map.positionOf(lead);
      SourcePosition end = new SourcePosition(endLine, 1);
      return end.compareTo(start) < 0 ? new SourceRange(start, start) : new SourceRange(start, end);
    }

    private Node attachHeredocs(Node node, String logical, LineMap map, int startLine) {
      List<Heredoc> found;
      try {
        found = heredocsFromLine(logical);
      } catch (DockerfileException e) {
        throw e.withRangeIfAbsent(spanning(map, logical, startLine, currentLine));
      }
      List<Heredoc> attached = new ArrayList<>(found.size());
      for (Heredoc heredoc : found) {
        StringBuilder content = new StringBuilder();
        boolean terminated = false;
        String raw;
        while ((raw = lines.next()) != null) {
          currentLine++;
          String candidate = trimNewline(raw);
          if (heredoc.chomp()) {
            int t = 0;
            while (t < candidate.length() && candidate.charAt(t) == '\t') {
              t++;
            }
            candidate = candidate.substring(t);
          }
          if (candidate.equals(heredoc.name())) {
            terminated = true;
            break;
          }
          content.append(raw);
        }
        if (!terminated) {
          throw new DockerfileException(
              "unterminated heredoc",
              List.of(spanning(map, logical, startLine, currentLine)),
              "end the heredoc with a line holding only " + heredoc.name(),
              null);
        }
        attached.add(heredoc.withContent(content.toString()));
      }
      return node.withHeredocs(attached);
    }

    /** Directive check, then comment removal, as BuildKit's processLine. */
    private String processLine(String token) {
      Optional<Directive> directive;
      try {
        directive = directiveReader.parseLine(token);
      } catch (DockerfileException e) {
        throw e.withRange(SourceRange.lines(currentLine + 1, currentLine + 1));
      }
      if (directive.isPresent()) {
        Directive d = directive.get();
        directives.add(d);
        if (d.name().equals("escape")) {
          if (!d.value().equals("`") && !d.value().equals("\\")) {
            throw new DockerfileException(
                "invalid escape token '" + d.value() + "' does not match ` or \\",
                List.of(SourceRange.lines(currentLine + 1, currentLine + 1)),
                "use # escape=\\ or # escape=`",
                null);
          }
          escape = d.value().charAt(0);
        }
      }
      return token.startsWith("#") ? "" : token;
    }

    /**
     * Appends one physical line to the logical line, removing a trailing continuation character.
     * Returns true when the instruction ends on this line.
     */
    private boolean appendFragment(
        StringBuilder line, LineMap.Builder map, String text, int lineNo, int column) {
      int j = text.length();
      while (j > 0 && (text.charAt(j - 1) == ' ' || text.charAt(j - 1) == '\t')) {
        j--;
      }
      boolean continues =
          j > 0 && text.charAt(j - 1) == escape && (j == 1 || text.charAt(j - 2) != escape);
      String kept = continues ? text.substring(0, j - 1) : text;
      map.add(line.length(), lineNo, column);
      line.append(kept);
      return !continues;
    }
  }

  static String trimNewline(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
      end--;
    }
    return s.substring(0, end);
  }

  static boolean isComment(String raw) {
    String t = trimNewline(raw);
    int i = 0;
    while (i < t.length() && GoText.isSpace(t.charAt(i))) {
      i++;
    }
    return i < t.length() && t.charAt(i) == '#';
  }

  private static boolean canContainHeredoc(Node node) {
    Node n = node;
    if (n.name().equals("onbuild") && n.trigger() != null) {
      n = n.trigger();
    }
    String name = n.name();
    return (name.equals("run") || name.equals("copy") || name.equals("add")) && !n.json();
  }

  /**
   * The heredocs an instruction line opens, in order. {@code << EOF} (a space after the operator)
   * opens a heredoc too.
   */
  public static List<Heredoc> heredocsFromLine(String line) {
    List<String> words;
    try {
      words = HEREDOC_LINE_WORDS.expandWords(line, Environment.EMPTY);
    } catch (ShellExpansionException e) {
      words = List.of();
    }
    List<Heredoc> docs = new ArrayList<>();
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      if (isBareOperator(word) && i + 1 < words.size()) {
        word = word + " " + words.get(++i);
      }
      Heredoc.parseWord(word).ifPresent(docs::add);
    }
    return docs;
  }

  private static boolean isBareOperator(String word) {
    int i = 0;
    while (i < word.length() && word.charAt(i) >= '0' && word.charAt(i) <= '9') {
      i++;
    }
    String op = word.substring(i);
    return op.equals("<<") || op.equals("<<-");
  }
}
