package dev.kiln.dockerfile.parser;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One instruction of a parsed Dockerfile: a logical line, with its heredoc bodies attached.
 *
 * @param keyword the instruction keyword exactly as written ({@code RUN} or {@code run})
 * @param flags the leading {@code --flags}, quotes and escapes resolved, a bare {@code --} dropped
 * @param flagOffsets where each flag starts in {@link #original}
 * @param args the argument nodes, split the way this instruction splits them
 * @param trigger for {@code ONBUILD}, the nested instruction; null otherwise
 * @param json true when the arguments were written in exec (JSON array) form
 * @param heredocs heredoc bodies read after the instruction line, in order
 * @param original the logical line (continuations joined, comments removed)
 * @param range first to last physical line of the instruction, heredoc bodies included
 * @param comments the comment lines just before the instruction (for doc comments)
 * @param lineMap maps offsets of {@link #original} back to lines and columns
 */
public record Node(
    String keyword,
    List<String> flags,
    List<Integer> flagOffsets,
    List<String> args,
    Node trigger,
    boolean json,
    List<Heredoc> heredocs,
    String original,
    SourceRange range,
    List<String> comments,
    LineMap lineMap) {

  public Node {
    flags = List.copyOf(flags);
    flagOffsets = List.copyOf(flagOffsets);
    args = List.copyOf(args);
    heredocs = List.copyOf(heredocs);
    comments = List.copyOf(comments);
  }

  /** The keyword in lower case, the form instructions are looked up by. */
  public String name() {
    return keyword.toLowerCase(Locale.ROOT);
  }

  public Optional<Node> onbuildTrigger() {
    return Optional.ofNullable(trigger);
  }

  public Node withHeredocs(List<Heredoc> newHeredocs) {
    return new Node(
        keyword,
        flags,
        flagOffsets,
        args,
        trigger,
        json,
        newHeredocs,
        original,
        range,
        comments,
        lineMap);
  }

  Node withRange(SourceRange newRange) {
    return new Node(
        keyword,
        flags,
        flagOffsets,
        args,
        trigger,
        json,
        heredocs,
        original,
        newRange,
        comments,
        lineMap);
  }

  /** Where offset {@code offset} of {@link #original} is in the file. */
  public SourcePosition positionOf(int offset) {
    return lineMap.positionOf(offset);
  }

  /** The range of {@code length} characters of {@link #original} starting at {@code offset}. */
  public SourceRange rangeOf(int offset, int length) {
    SourcePosition start = positionOf(offset);
    SourcePosition end = positionOf(offset + Math.max(0, length - 1));
    return end.compareTo(start) < 0 ? new SourceRange(start, start) : new SourceRange(start, end);
  }

  /** The range of the keyword. */
  public SourceRange keywordRange() {
    int start = 0;
    while (start < original.length() && GoText.isSpace(original.charAt(start))) {
      start++;
    }
    return rangeOf(start, Math.max(1, keyword.length()));
  }

  /** The range of flag {@code index}, or of the keyword when unknown. */
  public SourceRange flagRange(int index) {
    if (index < 0 || index >= flagOffsets.size()) {
      return keywordRange();
    }
    int offset = flagOffsets.get(index);
    int end = offset;
    while (end < original.length() && !GoText.isSpace(original.charAt(end))) {
      end++;
    }
    return rangeOf(offset, Math.max(1, end - offset));
  }

  /** The range of the first {@code --name} flag, or of the keyword when there is none. */
  public SourceRange flagRange(String name) {
    for (int i = 0; i < flags.size(); i++) {
      String flag = flags.get(i);
      if (flag.equals("--" + name) || flag.startsWith("--" + name + "=")) {
        return flagRange(i);
      }
    }
    return keywordRange();
  }

  /** The first place {@code text} appears after the keyword, if it appears as written. */
  public Optional<SourceRange> find(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    int from = Math.min(original.length(), keyword.length());
    int at = original.indexOf(text, from);
    if (at < 0) {
      at = original.indexOf(text);
    }
    return at < 0 ? Optional.empty() : Optional.of(rangeOf(at, text.length()));
  }

  /**
   * The BuildKit AST dump of this node: {@code (run "echo" "hi")} without the parentheses, e.g.
   * {@code run "echo" "hi"}.
   */
  public String dump() {
    StringBuilder out = new StringBuilder();
    out.append(name());
    if (!flags.isEmpty()) {
      out.append(" [");
      for (int i = 0; i < flags.size(); i++) {
        if (i > 0) {
          out.append(' ');
        }
        out.append(GoText.quote(flags.get(i)));
      }
      out.append(']');
    }
    if (trigger != null) {
      out.append(" (").append(trigger.dump()).append(')');
    }
    for (String arg : args) {
      out.append(' ').append(GoText.quote(arg));
    }
    return GoText.trimSpace(out.toString());
  }
}
