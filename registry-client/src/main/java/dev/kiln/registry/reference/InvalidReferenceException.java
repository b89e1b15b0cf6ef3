package dev.kiln.registry.reference;

/**
 * An image reference that is not valid. The message quotes the reference, says which part is wrong
 * and what a valid one looks like. Unchecked: a bad reference is user input that the caller
 * reports, not a condition it recovers from.
 */
public class InvalidReferenceException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidReferenceException(String message) {
    super(message);
  }
}
