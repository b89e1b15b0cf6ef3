package dev.kiln.registry.model;

/**
 * A manifest, index or config that is not valid JSON or does not have the shape the OCI image spec
 * requires. The message names the document and the offending field; callers that know where the
 * bytes came from (a reference, a file) wrap it with that location. Values from the document are
 * quoted through {@link #excerpt}, so that a hostile one (a media type of megabytes) still gets an
 * error of a few lines.
 */
public class MalformedDocumentException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The most characters of a value from a document that a message quotes. */
  static final int MAX_QUOTED = 200;

  public MalformedDocumentException(String message) {
    super(message);
  }

  public MalformedDocumentException(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code text} as a message quotes it: whole, or its start and how long it is. */
  static String excerpt(String text) {
    if (text == null || text.length() <= MAX_QUOTED) {
      return text;
    }
    return text.substring(0, MAX_QUOTED) + "…(" + text.length() + " characters)";
  }
}
