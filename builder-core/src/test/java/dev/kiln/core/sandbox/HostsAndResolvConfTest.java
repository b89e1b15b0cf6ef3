package dev.kiln.core.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostsAndResolvConfTest {
  @Test
  void hostsNamesTheStepAndAddsExtraHosts() {
    assertEquals(
        "127.0.0.1\tlocalhost box\n::1\tlocalhost ip6-localhost ip6-loopback\n10.0.0.2\tdb\n",
        HostsFile.render("box", List.of(new HostEntry("db", "10.0.0.2"))));
  }

  @Test
  void hostNetworkKeepsTheHostsResolvConf() {
    String host = "nameserver 127.0.0.53\noptions edns0\nsearch example.com\n";
    assertEquals(host, ResolvConf.render(host, NetworkMode.HOST));
    assertEquals(host, ResolvConf.render(host, NetworkMode.DEFAULT));
  }

  @Test
  void ownNetworkDropsLoopbackResolversAndFallsBackToPublicOnes() {
    String host = "nameserver 127.0.0.53\nnameserver ::1\noptions edns0\nsearch example.com\n";
    assertEquals(
        "options edns0\nsearch example.com\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n",
        ResolvConf.render(host, NetworkMode.NONE));
  }

  @Test
  void ownNetworkKeepsReachableResolvers() {
    String host = "nameserver 127.0.0.1\nnameserver 10.0.0.1\n";
    assertEquals("nameserver 10.0.0.1\n", ResolvConf.render(host, NetworkMode.NONE));
  }
}
