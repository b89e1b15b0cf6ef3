package dev.kiln.core.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OwnerTest {
  private static final Optional<byte[]> PASSWD =
      Optional.of(
          ("root:x:0:0:root:/root:/bin/sh\n"
                  + "app:x:2000:100::/srv:/bin/sh\n"
                  + "odd:x:3000:3001::/:/bin/sh\n")
              .getBytes(StandardCharsets.UTF_8));
  private static final Optional<byte[]> GROUP =
      Optional.of("root:x:0:\nusers:x:100:app\nstaff:x:50:\n".getBytes(StandardCharsets.UTF_8));

  @Test
  void chownByNameTakesThePrimaryGroupAndByNumberTheSameNumber() {
    assertEquals(new Owner(2000, 100), Owner.resolve("app", PASSWD, GROUP));
    assertEquals(new Owner(2000, 2000), Owner.resolve("2000", PASSWD, GROUP));
    assertEquals(new Owner(1234, 1234), Owner.resolve("1234", PASSWD, GROUP));
    assertEquals(new Owner(2000, 50), Owner.resolve("app:staff", PASSWD, GROUP));
    assertEquals(new Owner(7, 8), Owner.resolve("7:8", Optional.empty(), Optional.empty()));
  }

  @Test
  void aProcessUserTakesItsPasswdEntrysGroupEvenWhenGivenByNumber() {
    assertEquals(new Owner(3000, 3001), Owner.ofUser("odd", PASSWD, GROUP));
    assertEquals(new Owner(3000, 3001), Owner.ofUser("3000", PASSWD, GROUP));
    assertEquals(new Owner(4242, 0), Owner.ofUser("4242", PASSWD, GROUP));
    assertEquals(new Owner(3000, 100), Owner.ofUser("odd:users", PASSWD, GROUP));
  }

  @Test
  void unknownNamesAreErrorsThatNameThem() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Owner.resolve("ghost", PASSWD, GROUP));
    assertTrue(e.getMessage().contains("ghost"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> Owner.resolve("app:nogroup", PASSWD, GROUP));
    assertTrue(e.getMessage().contains("nogroup"), e.getMessage());
  }

  @Test
  void idsOutsideLinuxsRangeAreAClearErrorNotACrash() {
    assertEquals(new Owner(4294967295L, 4294967295L), Owner.resolve("4294967295", PASSWD, GROUP));
    IllegalArgumentException huge =
        assertThrows(
            IllegalArgumentException.class,
            () -> Owner.resolve("99999999999999999999:1", PASSWD, GROUP));
    assertTrue(huge.getMessage().contains("ids go from 0 to 4294967295"), huge.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Owner.resolve("1:4294967296", PASSWD, GROUP));
    assertThrows(
        IllegalArgumentException.class,
        () -> Owner.ofUser("123456789012345678901234567890", PASSWD, GROUP));
    // Non-ASCII digits are a name, not a number: looked up, and not found.
    assertThrows(
        IllegalArgumentException.class, () -> Owner.resolve("\u0661\u0662", PASSWD, GROUP));
  }
}
