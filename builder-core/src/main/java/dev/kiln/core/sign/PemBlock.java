package dev.kiln.core.sign;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One PEM block (RFC 7468): a type label and the bytes between its {@code BEGIN} and {@code END}
 * lines. Keys are written and read in this form, as cosign, openssl and Go's {@code encoding/pem}
 * do.
 */
public record PemBlock(String type, byte[] bytes) {
  public PemBlock {
    bytes = bytes.clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The block as text: 64 base64 characters a line, ending with a newline. */
  public String encode() {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(bytes);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  /**
   * Every block in {@code text}, in order; text outside blocks is ignored (openssl writes headers
   * there).
   *
   * @throws KeyFormatException for a block without its end line or with bad base64
   */
  public static List<PemBlock> parseAll(String text) throws KeyFormatException {
    List<PemBlock> blocks = new ArrayList<>();
    String[] lines = text.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (!line.startsWith("-----BEGIN ") || !line.endsWith("-----")) {
        continue;
      }
      String type = line.substring("-----BEGIN ".length(), line.length() - "-----".length());
      String end = "-----END " + type + "-----";
      StringBuilder body = new StringBuilder();
      int j = i + 1;
      while (j < lines.length && !lines[j].strip().equals(end)) {
        String bodyLine = lines[j].strip();
        if (bodyLine.contains(":")) {
          throw new KeyFormatException(
              "the PEM block " + type + " has headers (" + bodyLine + "); kiln reads plain blocks");
        }
        body.append(bodyLine);
        j++;
      }
      if (j == lines.length) {
        throw new KeyFormatException("the PEM block " + type + " has no END line");
      }
      try {
        blocks.add(new PemBlock(type, Base64.getDecoder().decode(body.toString())));
      } catch (IllegalArgumentException e) {
        throw new KeyFormatException("the PEM block " + type + " is not valid base64");
      }
      i = j;
    }
    return blocks;
  }

  /** The only block of {@code text}; a file with none or several is refused. */
  public static PemBlock parseOne(String text) throws KeyFormatException {
    List<PemBlock> blocks = parseAll(text);
    if (blocks.size() != 1) {
      throw new KeyFormatException(
          blocks.isEmpty()
              ? "no PEM block (-----BEGIN ...-----) found"
              : "expected one PEM block, found " + blocks.size());
    }
    return blocks.get(0);
  }
}
