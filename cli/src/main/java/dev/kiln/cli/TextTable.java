package dev.kiln.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A table for people, as {@code docker images} prints one: each column as wide as its widest cell
 * plus three spaces, so a long name (an untagged image's digest) moves the next column instead of
 * pushing its row out of line. Numbers can be right-aligned.
 */
public final class TextTable {
  private final String[] header;
  private final boolean[] right;
  private final List<String[]> rows = new ArrayList<>();

  /**
   * Columns named {@code header}; a name starting with {@code >} is right-aligned (the mark is
   * dropped).
   */
  public TextTable(String... header) {
    this.header = new String[header.length];
    this.right = new boolean[header.length];
    for (int i = 0; i < header.length; i++) {
      right[i] = header[i].startsWith(">");
      this.header[i] = right[i] ? header[i].substring(1) : header[i];
    }
  }

  /** Adds a row with one cell per column. */
  public TextTable row(String... cells) {
    if (cells.length != header.length) {
      throw new IllegalArgumentException("a row needs " + header.length + " cells");
    }
    rows.add(cells.clone());
    return this;
  }

  /** The table's lines, header first, without trailing spaces. */
  public List<String> lines() {
    int[] widths = new int[header.length];
    List<String[]> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (String[] row : all) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (String[] row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        String pad = " ".repeat(widths[i] - row[i].length());
        line.append(right[i] ? pad + row[i] : row[i] + pad);
        if (i < row.length - 1) {
          line.append("   ");
        }
      }
      lines.add(line.toString().stripTrailing());
    }
    return lines;
  }

  public void print(PrintStream out) {
    lines().forEach(out::println);
  }

  public void print(PrintWriter out) {
    lines().forEach(out::println);
  }
}
