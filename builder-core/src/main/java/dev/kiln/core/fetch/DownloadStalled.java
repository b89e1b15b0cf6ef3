package dev.kiln.core.fetch;

import java.io.IOException;

/**
 * A download whose server sent nothing for longer than the idle limit: the message names the URL,
 * how much had arrived and for how long nothing came; the hint says what to do.
 */
public final class DownloadStalled extends IOException {
  private final String hint;

  DownloadStalled(String message, String hint) {
    super(message);
    this.hint = hint;
  }

  public String hint() {
    return hint;
  }
}
