package dev.kiln.core.sandbox;

import java.io.IOException;

/** A RUN for a foreign platform that the host cannot emulate; the message and hint say why. */
public final class EmulationUnavailableException extends IOException {
  private final String hint;

  public EmulationUnavailableException(String message, String hint) {
    super(message);
    this.hint = hint;
  }

  /** What to do: install qemu-user-static, mount binfmt_misc. */
  public String hint() {
    return hint;
  }
}
