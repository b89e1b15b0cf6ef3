package dev.kiln.dockerfile.shell;

/**
 * Text for a {@link java.util.regex.Matcher} that lets the match read a bounded number of
 * characters. java.util.regex backtracks: a pattern such as {@code *a*a*a*a*b} takes time
 * exponential in its number of stars, and it has no time limit of its own, so a Dockerfile or a
 * {@code .dockerignore} of a hundred bytes could hang a build. The engine reads its input only
 * through {@link #charAt}, which makes the number of reads a measure of its work.
 */
public final class BoundedText implements CharSequence {
  private final CharSequence text;
  private long reads;

  private BoundedText(CharSequence text, long maxReads) {
    this.text = text;
    this.reads = maxReads;
  }

  /** {@code text} for a match that may read at most {@code maxReads} characters. */
  public static BoundedText of(CharSequence text, long maxReads) {
    return new BoundedText(text, maxReads);
  }

  /** The match read more characters than it was allowed. */
  public static final class TooComplex extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooComplex() {
      super("the match needs too many steps", null, false, false);
    }
  }

  @Override
  public char charAt(int index) {
    if (--reads < 0) {
      throw new TooComplex();
    }
    return text.charAt(index);
  }

  @Override
  public int length() {
    return text.length();
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return text.subSequence(start, end);
  }

  @Override
  public String toString() {
    return text.toString();
  }
}
