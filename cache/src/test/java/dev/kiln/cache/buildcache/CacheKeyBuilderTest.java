package dev.kiln.cache.buildcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.Platform;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheKeyBuilderTest {
  private static final CacheKey PARENT =
      new CacheKey(Digest.sha256("parent".getBytes(StandardCharsets.UTF_8)));
  private static final Digest A = Digest.sha256("a".getBytes(StandardCharsets.UTF_8));
  private static final Digest B = Digest.sha256("b".getBytes(StandardCharsets.UTF_8));

  private static CacheKeyBuilder step(String instruction) {
    return CacheKeyBuilder.after(PARENT).instruction(instruction);
  }

  @Test
  void sameInputsGiveTheSameKey() {
    CacheKey one = step("RUN make").variable("A", "1").input("context", A).build();
    CacheKey two = step("RUN make").variable("A", "1").input("context", A).build();
    assertEquals(one, two);
  }

  @Test
  void theKeyIsTheSha256OfTheDocumentedFraming() {
    // Derived independently of the builder: domain frame, then parent, instruction, variables.
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    frame(expected, 0xff, bytes(CacheKeyBuilder.DOMAIN));
    frame(expected, 1, bytes(PARENT.toString()));
    frame(expected, 4, bytes("RUN make"));
    ByteArrayOutputStream vars = new ByteArrayOutputStream();
    frame(vars, 1, bytes("A"));
    frame(vars, 2, bytes("1"));
    frame(expected, 5, vars.toByteArray());

    CacheKey key = step("RUN make").variable("A", "1").build();

    assertEquals(Digest.sha256(expected.toByteArray()), key.digest());
  }

  @Test
  void everyKindOfInputChangesTheKey() {
    CacheKey base = step("RUN make").build();
    assertNotEquals(base, step("RUN make all").build());
    assertNotEquals(base, step("RUN make").variable("A", "1").build());
    assertNotEquals(base, step("RUN make").heredoc("EOF", "echo hi\n").build());
    assertNotEquals(base, step("RUN make").mount("type=cache,target=/root/.m2").build());
    assertNotEquals(base, step("RUN make").input("context", A).build());
    assertNotEquals(base, step("RUN make").field("network", "none").build());
    CacheKey otherParent = new CacheKey(A);
    assertNotEquals(base, CacheKeyBuilder.after(otherParent).instruction("RUN make").build());
  }

  @Test
  void valuesChangeTheKey() {
    assertNotEquals(
        step("RUN x").variable("A", "1").build(), step("RUN x").variable("A", "2").build());
    assertNotEquals(
        step("RUN x").heredoc("EOF", "one").build(), step("RUN x").heredoc("EOF", "two").build());
    assertNotEquals(step("RUN x").input("c", A).build(), step("RUN x").input("c", B).build());
  }

  @Test
  void reorderingPartsOfOneKindChangesTheKey() {
    assertNotEquals(
        step("COPY a b /").input("context", A).input("context", B).build(),
        step("COPY a b /").input("context", B).input("context", A).build());
    assertNotEquals(
        step("RUN x").mount("m1").mount("m2").build(),
        step("RUN x").mount("m2").mount("m1").build());
    assertNotEquals(
        step("RUN x").heredoc("A", "1").heredoc("B", "2").build(),
        step("RUN x").heredoc("B", "2").heredoc("A", "1").build());
  }

  @Test
  void movingBytesAcrossPartBoundariesChangesTheKey() {
    // Concatenations that would collide without lengths.
    assertNotEquals(
        step("RUN x").mount("ab").mount("c").build(), step("RUN x").mount("a").mount("bc").build());
    assertNotEquals(step("RUN x").field("ab", "c").build(), step("RUN x").field("a", "bc").build());
    assertNotEquals(
        step("RUN x").variable("A", "1B=2").build(),
        step("RUN x").variable("A", "1").variable("B", "2").build());
    assertNotEquals(step("RUN x").input("ab", A).build(), step("RUN xab").input("", A).build());
  }

  @Test
  void theSameBytesAsDifferentKindsGiveDifferentKeys() {
    assertNotEquals(step("RUN x").mount("v").build(), step("RUN x").field("v", "").build());
    assertNotEquals(step("RUN x").heredoc("", "v").build(), step("RUN x").field("", "v").build());
    CacheKey asParent = CacheKeyBuilder.after(new CacheKey(A)).instruction("RUN x").build();
    CacheKey asBase =
        CacheKeyBuilder.onBaseImage(A, Platform.linuxAmd64()).instruction("RUN x").build();
    assertNotEquals(asParent, asBase);
  }

  @Test
  void variableOrderInTheMapDoesNotMatter() {
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("A", "1");
    ab.put("B", "2");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("B", "2");
    ba.put("A", "1");
    assertEquals(step("RUN x").variables(ab).build(), step("RUN x").variables(ba).build());
  }

  @Test
  void kindsAreHashedInAFixedOrderWhateverTheCallOrder() {
    assertEquals(
        step("RUN x").input("c", A).mount("m").build(),
        step("RUN x").mount("m").input("c", A).build());
  }

  @Test
  void baseImagePlatformIsNormalisedAndPartOfTheKey() {
    CacheKey v8 =
        CacheKeyBuilder.onBaseImage(A, Platform.parse("linux/arm64/v8"))
            .instruction("RUN x")
            .build();
    CacheKey plain =
        CacheKeyBuilder.onBaseImage(A, Platform.parse("linux/arm64")).instruction("RUN x").build();
    CacheKey amd =
        CacheKeyBuilder.onBaseImage(A, Platform.linuxAmd64()).instruction("RUN x").build();
    assertEquals(v8, plain);
    assertNotEquals(plain, amd);
    assertNotEquals(
        CacheKeyBuilder.onBaseImage(B, Platform.linuxAmd64()).instruction("RUN x").build(), amd);
    assertNotEquals(
        CacheKeyBuilder.onScratch(Platform.linuxAmd64()).instruction("RUN x").build(), amd);
  }

  @Test
  void misuseIsRefused() {
    assertThrows(IllegalStateException.class, () -> CacheKeyBuilder.after(PARENT).build());
    assertThrows(IllegalStateException.class, () -> step("RUN x").instruction("RUN y"));
    assertThrows(
        IllegalArgumentException.class, () -> step("RUN x").variable("A", "1").variable("A", "2"));
    assertEquals(
        step("RUN x").variable("A", "1").build(),
        step("RUN x").variable("A", "1").variable("A", "1").build());
  }

  @Test
  void partsDescribeTheKeyForLogs() {
    CacheKeyBuilder b = step("RUN make").variable("A", "1").input("context", A);
    assertEquals(
        "[parent " + PARENT + ", instruction RUN make, variables A=1, input context " + A + "]",
        b.parts().toString());
    assertEquals(b.build().digest(), CacheKeyBuilder.hash(b.parts()));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void frame(ByteArrayOutputStream out, int tag, byte[] body) {
    out.write(tag);
    out.write(body.length >>> 24);
    out.write(body.length >>> 16);
    out.write(body.length >>> 8);
    out.write(body.length);
    out.writeBytes(body);
  }
}
