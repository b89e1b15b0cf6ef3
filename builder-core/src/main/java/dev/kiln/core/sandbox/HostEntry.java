package dev.kiln.core.sandbox;

/** An extra line for the step's {@code /etc/hosts} ({@code --add-host name:address}). */
public record HostEntry(String hostname, String address) {
  public HostEntry {
    if (hostname.isBlank() || hostname.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("invalid host name '" + hostname + "' for /etc/hosts");
    }
    if (address.isBlank() || address.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("invalid address '" + address + "' for host " + hostname);
    }
  }
}
