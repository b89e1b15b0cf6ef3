package dev.kiln.api.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** buildx's {@code --add-host} syntax: HOST:IP or HOST=IP, IPv6, brackets and host-gateway. */
class HostMappingTest {
  @Test
  void parsesBuildxForms() {
    assertEquals(new HostMapping("db.local", "10.0.0.5"), HostMapping.parse("db.local:10.0.0.5"));
    assertEquals(new HostMapping("db", "::1"), HostMapping.parse("db=::1"));
    assertEquals(
        new HostMapping("db.example", "10.0.0.6"), HostMapping.parse("DB.Example:10.0.0.6"));
    assertEquals(new HostMapping("db", "fd00::2"), HostMapping.parse("db:[fd00::2]"));
    assertEquals(new HostMapping("db", "fd00::3"), HostMapping.parse("db:fd00::3"));
    assertEquals(
        new HostMapping("host.docker.internal", "127.0.0.1"),
        HostMapping.parse("host.docker.internal:host-gateway"));
  }

  @Test
  void refusesWhatIsNotAHostAndAnAddress() {
    RequestException noIp =
        assertThrows(RequestException.class, () -> HostMapping.parse("db.local"));
    assertEquals("--add-host db.local: expected HOST:IP", noIp.getMessage());
    RequestException notIp =
        assertThrows(RequestException.class, () -> HostMapping.parse("db:example.com"));
    assertEquals("--add-host db: 'example.com' is not an IP address", notIp.getMessage());
    assertThrows(RequestException.class, () -> HostMapping.parse("db:300.1.1.1"));
    assertThrows(RequestException.class, () -> HostMapping.parse("db:fd00::zz"));
    assertThrows(RequestException.class, () -> HostMapping.parse(":10.0.0.1"));
    RequestException badName =
        assertThrows(RequestException.class, () -> HostMapping.parse("a b:10.0.0.1"));
    assertEquals("--add-host: invalid host name 'a b'", badName.getMessage());
  }
}
