package dev.kiln.dockerfile.parser;

import java.util.Arrays;

/**
 * Maps character offsets in a logical line (an instruction joined from its continuation lines) back
 * to the physical line and column they came from.
 */
public final class LineMap {
  private final int[] offsets;
  private final int[] lines;
  private final int[] columns;

  LineMap(int[] offsets, int[] lines, int[] columns) {
    this.offsets = offsets;
    this.lines = lines;
    this.columns = columns;
  }

  /** A map for text that sits on one line starting at {@code column}. */
  public static LineMap single(int line, int column) {
    return new LineMap(new int[] {0}, new int[] {line}, new int[] {column});
  }

  /** Where offset {@code offset} of the logical line is in the file. */
  public SourcePosition positionOf(int offset) {
    int k = Arrays.binarySearch(offsets, Math.max(0, offset));
    if (k < 0) {
      k = -k - 2;
    }
    k = Math.max(0, k);
    // Several fragments can start at the same offset (an empty fragment); take the last one.
    while (k + 1 < offsets.length && offsets[k + 1] <= offset) {
      k++;
    }
    return new SourcePosition(lines[k], columns[k] + (offset - offsets[k]));
  }

  /** The same map for a substring of the logical line that starts at {@code start}. */
  LineMap shift(int start) {
    int first = 0;
    while (first + 1 < offsets.length && offsets[first + 1] <= start) {
      first++;
    }
    int n = offsets.length - first;
    int[] o = new int[n];
    int[] l = new int[n];
    int[] c = new int[n];
    for (int i = 0; i < n; i++) {
      int src = first + i;
      if (i == 0) {
        o[i] = 0;
        l[i] = lines[src];
        c[i] = columns[src] + (start - offsets[src]);
      } else {
        o[i] = offsets[src] - start;
        l[i] = lines[src];
        c[i] = columns[src];
      }
    }
    return new LineMap(o, l, c);
  }

  static final class Builder {
    private int[] offsets = new int[4];
    private int[] lines = new int[4];
    private int[] columns = new int[4];
    private int size;

    void add(int offset, int line, int column) {
      if (size == offsets.length) {
        offsets = Arrays.copyOf(offsets, size * 2);
        lines = Arrays.copyOf(lines, size * 2);
        columns = Arrays.copyOf(columns, size * 2);
      }
      offsets[size] = offset;
      lines[size] = line;
      columns[size] = column;
      size++;
    }

    LineMap build() {
      return new LineMap(
          Arrays.copyOf(offsets, size), Arrays.copyOf(lines, size), Arrays.copyOf(columns, size));
    }
  }
}
