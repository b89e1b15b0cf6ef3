package dev.kiln.registry.model;

/**
 * A manifest, index or config that is not valid JSON or does not have the shape the OCI image spec
 * requires. The message names the document and the offending field; callers that know where the
 * bytes came from (a reference, a file) wrap it with that location.
 */
public class MalformedDocumentException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public MalformedDocumentException(String message) {
    super(message);
  }

  public MalformedDocumentException(String message, Throwable cause) {
    super(message, cause);
  }
}
