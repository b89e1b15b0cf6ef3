package dev.kiln.dockerfile.parser;

/** A 1-based line and column in a Dockerfile; columns count characters, not bytes. */
public record SourcePosition(int line, int column) implements Comparable<SourcePosition> {
  public SourcePosition {
    if (line < 1 || column < 1) {
      throw new IllegalArgumentException("positions are 1-based: " + line + ":" + column);
    }
  }

  @Override
  public int compareTo(SourcePosition o) {
    return line != o.line ? Integer.compare(line, o.line) : Integer.compare(column, o.column);
  }

  @Override
  public String toString() {
    return line + ":" + column;
  }
}
