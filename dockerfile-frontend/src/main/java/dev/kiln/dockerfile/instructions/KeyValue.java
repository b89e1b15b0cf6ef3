package dev.kiln.dockerfile.instructions;

/**
 * A name and value of ENV or LABEL.
 *
 * @param noDelimiter true for the legacy {@code ENV key value} form (no {@code =})
 */
public record KeyValue(String key, String value, boolean noDelimiter) {
  /** The pair as BuildKit writes it in history: {@code key=value}. */
  @Override
  public String toString() {
    return key + "=" + value;
  }
}
