package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.DockerfileException;
import java.util.Locale;

/**
 * A {@code RUN --device=} value (BuildKit's labs syntax, not part of the stable reference kiln
 * accepts on RUN; kept so that the value format is checked the same way when it is enabled).
 */
public record DeviceSpec(String name, boolean required) {

  public static DeviceSpec parse(String value) {
    java.util.List<String> fields = MountParser.csv(value);
    String name = "";
    boolean required = false;
    for (String field : fields) {
      int eq = field.indexOf('=');
      String key = (eq < 0 ? field : field.substring(0, eq)).toLowerCase(Locale.ROOT);
      if (eq < 0) {
        if (fields.size() == 1) {
          name = field;
          continue;
        }
        if (key.equals("required")) {
          required = true;
          continue;
        }
        throw new DockerfileException("invalid field '" + field + "' must be a key=value pair");
      }
      String v = field.substring(eq + 1);
      switch (key) {
        case "name":
          if (!name.isEmpty()) {
            throw new DockerfileException("device name already set to " + name);
          }
          name = v;
          break;
        case "required":
          if (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("t")) {
            required = true;
          } else if (v.equalsIgnoreCase("false") || v.equals("0") || v.equalsIgnoreCase("f")) {
            required = false;
          } else {
            throw new DockerfileException("invalid value for " + key + ": " + v);
          }
          break;
        default:
          if (!name.isEmpty()) {
            throw new DockerfileException("device name already set to " + name);
          }
          name = field;
      }
    }
    return new DeviceSpec(name, required);
  }
}
