package dev.kiln.dockerfile.parser;

/** An inclusive range of Dockerfile source text, from {@code start} to {@code end}. */
public record SourceRange(SourcePosition start, SourcePosition end) {
  public SourceRange {
    if (end.compareTo(start) < 0) {
      throw new IllegalArgumentException("range ends before it starts: " + start + "-" + end);
    }
  }

  /** A range covering whole lines {@code firstLine..lastLine}, starting at column 1. */
  public static SourceRange lines(int firstLine, int lastLine) {
    return new SourceRange(new SourcePosition(firstLine, 1), new SourcePosition(lastLine, 1));
  }

  public static SourceRange at(int line, int column) {
    SourcePosition p = new SourcePosition(line, column);
    return new SourceRange(p, p);
  }

  public int startLine() {
    return start.line();
  }

  public int endLine() {
    return end.line();
  }

  @Override
  public String toString() {
    return start + "-" + end;
  }
}
