package dev.kiln.registry.auth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code WWW-Authenticate} challenge (RFC 7235): a scheme ({@code basic}, {@code bearer}) and
 * its parameters ({@code realm}, {@code service}, {@code scope}, {@code error}).
 *
 * <p>Parsed by hand because none of the allowed libraries parses challenges; the grammar is small:
 * {@code scheme param=value, param="quoted, value"}, several challenges possibly in one header.
 */
public record Challenge(String scheme, Map<String, String> params) {
  public Challenge {
    scheme = scheme.toLowerCase(Locale.ROOT);
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  public boolean isBearer() {
    return scheme.equals("bearer");
  }

  public boolean isBasic() {
    return scheme.equals("basic");
  }

  public String realm() {
    return params.get("realm");
  }

  public String service() {
    return params.get("service");
  }

  /** The scope the server asks for (space-separated scopes), or null. */
  public String scope() {
    return params.get("scope");
  }

  /** Parses all challenges in the given header values; unparseable parts are skipped. */
  public static List<Challenge> parseAll(List<String> headerValues) {
    List<Challenge> out = new ArrayList<>();
    for (String value : headerValues) {
      out.addAll(parse(value));
    }
    return out;
  }

  /** The challenge to answer: bearer if offered (it is scoped), else basic, else null. */
  public static Challenge preferred(List<Challenge> challenges) {
    Challenge basic = null;
    for (Challenge c : challenges) {
      if (c.isBearer() && c.realm() != null) {
        return c;
      }
      if (c.isBasic() && basic == null) {
        basic = c;
      }
    }
    return basic;
  }

  static List<Challenge> parse(String header) {
    List<Challenge> out = new ArrayList<>();
    Tokenizer t = new Tokenizer(header);
    String scheme = null;
    Map<String, String> params = new LinkedHashMap<>();
    while (true) {
      t.skipSeparators();
      if (t.atEnd()) {
        break;
      }
      String token = t.token();
      if (token.isEmpty()) {
        t.skipOne();
        continue;
      }
      t.skipSpaces();
      if (t.peek() == '=' && scheme != null) {
        t.skipOne();
        t.skipSpaces();
        String value = t.peek() == '"' ? t.quoted() : t.token();
        params.put(token.toLowerCase(Locale.ROOT), value);
      } else {
        if (scheme != null) {
          out.add(new Challenge(scheme, params));
          params = new LinkedHashMap<>();
        }
        scheme = token;
      }
    }
    if (scheme != null) {
      out.add(new Challenge(scheme, params));
    }
    return out;
  }

  private static final class Tokenizer {
    private final String s;
    private int i;

    Tokenizer(String s) {
      this.s = s == null ? "" : s;
    }

    boolean atEnd() {
      return i >= s.length();
    }

    char peek() {
      return atEnd() ? '\0' : s.charAt(i);
    }

    void skipOne() {
      i++;
    }

    void skipSpaces() {
      while (!atEnd() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
        i++;
      }
    }

    void skipSeparators() {
      while (!atEnd() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == ',')) {
        i++;
      }
    }

    String token() {
      int start = i;
      while (!atEnd()) {
        char c = s.charAt(i);
        if (c == ' ' || c == '\t' || c == ',' || c == '=' || c == '"') {
          break;
        }
        i++;
      }
      // token68 values (base64) may end in '='; keep them when they do not start a parameter.
      while (!atEnd() && s.charAt(i) == '=' && start < i && isToken68End()) {
        i++;
      }
      return s.substring(start, i);
    }

    private boolean isToken68End() {
      int j = i;
      while (j < s.length() && s.charAt(j) == '=') {
        j++;
      }
      return j >= s.length() || s.charAt(j) == ',' || s.charAt(j) == ' ';
    }

    String quoted() {
      StringBuilder out = new StringBuilder();
      i++; // opening quote
      while (!atEnd()) {
        char c = s.charAt(i++);
        if (c == '\\' && !atEnd()) {
          out.append(s.charAt(i++));
        } else if (c == '"') {
          break;
        } else {
          out.append(c);
        }
      }
      return out.toString();
    }
  }
}
