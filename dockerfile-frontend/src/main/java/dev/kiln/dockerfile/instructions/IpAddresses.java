package dev.kiln.dockerfile.instructions;

/** Go's {@code net.ParseIP} acceptance: dotted IPv4 or IPv6 (with an optional IPv4 tail). */
final class IpAddresses {
  private IpAddresses() {}

  static boolean isValid(String s) {
    return s.indexOf(':') >= 0 ? isV6(s) : isV4(s);
  }

  static boolean isV4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return false;
      }
      if (p.length() > 1 && p.charAt(0) == '0') {
        return false;
      }
      if (Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  static boolean isV6(String s) {
    int groups = 0;
    boolean ellipsis = false;
    int i = 0;
    if (s.startsWith("::")) {
      ellipsis = true;
      i = 2;
      if (i == s.length()) {
        return true;
      }
    }
    while (i < s.length()) {
      int end = i;
      while (end < s.length() && s.charAt(end) != ':') {
        end++;
      }
      String group = s.substring(i, end);
      if (end == s.length() && group.indexOf('.') >= 0) {
        if (!isV4(group)) {
          return false;
        }
        groups += 2;
        break;
      }
      if (group.isEmpty() || group.length() > 4) {
        return false;
      }
      for (int k = 0; k < group.length(); k++) {
        if (Character.digit(group.charAt(k), 16) < 0) {
          return false;
        }
      }
      groups++;
      if (end == s.length()) {
        break;
      }
      if (end + 1 < s.length() && s.charAt(end + 1) == ':') {
        if (ellipsis) {
          return false;
        }
        ellipsis = true;
        i = end + 2;
        if (i == s.length()) {
          break;
        }
      } else {
        i = end + 1;
        if (i == s.length()) {
          return false;
        }
      }
    }
    return ellipsis ? groups < 8 : groups == 8;
  }
}
