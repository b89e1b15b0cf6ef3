package dev.kiln.api.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code --allow}: buildx's names, comma-separated or repeated, unknown names refused. */
class EntitlementTest {
  @Test
  void buildxNamesCommaSeparatedOrRepeated() {
    assertEquals(Set.of(Entitlement.NETWORK_HOST), Entitlement.parseList("network.host"));
    assertEquals(
        Set.of(Entitlement.NETWORK_HOST, Entitlement.SECURITY_INSECURE),
        Entitlement.parseList("security.insecure, network.host,"));
    BuildRequest request =
        BuildRequest.builder(Path.of(".")).allow("network.host").allow("security.insecure").build();
    assertEquals(
        Set.of(Entitlement.NETWORK_HOST, Entitlement.SECURITY_INSECURE), request.allowed());
    assertTrue(request.allows(Entitlement.SECURITY_INSECURE));
  }

  @Test
  void anUnknownNameIsRefusedWithTheKnownOnes() {
    RequestException e =
        assertThrows(RequestException.class, () -> Entitlement.parseList("network.host,sudo"));
    assertEquals("unknown entitlement 'sudo' for --allow", e.getMessage());
    assertEquals("use network.host or security.insecure (comma-separated or repeated)", e.hint());
    // buildx's spelling only: no upper case, no BuildKit daemon-side "network-host".
    assertThrows(RequestException.class, () -> Entitlement.parse("Network.Host"));
    assertThrows(RequestException.class, () -> Entitlement.parse("network-host"));
  }

  @Test
  void nothingIsGrantedByDefaultButAHostNetworkBuildGrantsNetworkHost() {
    BuildRequest plain = BuildRequest.builder(Path.of(".")).build();
    assertEquals(Set.of(), plain.allowed());
    assertFalse(plain.allows(Entitlement.NETWORK_HOST));
    assertFalse(plain.allows(Entitlement.SECURITY_INSECURE));
    // As buildx: --network=host for the whole build adds network.host, and nothing else.
    BuildRequest host = BuildRequest.builder(Path.of(".")).network("host").build();
    assertTrue(host.allows(Entitlement.NETWORK_HOST));
    assertFalse(host.allows(Entitlement.SECURITY_INSECURE));
    assertFalse(
        BuildRequest.builder(Path.of("."))
            .network("none")
            .build()
            .allows(Entitlement.NETWORK_HOST));
  }
}
