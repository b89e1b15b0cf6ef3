package dev.kiln.core.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputPumpTest {
  @Test
  void deliversLinesOfBothStreamsAndKeepsTheTail() throws Exception {
    StringBuilder stdout = new StringBuilder();
    for (int i = 1; i <= 25; i++) {
      stdout.append("out").append(i).append(i % 2 == 0 ? "\r\n" : "\n");
    }
    stdout.append("unterminated");
    List<String> seen = new ArrayList<>();
    OutputPump pump =
        OutputPump.start(
            new ByteArrayInputStream(stdout.toString().getBytes(StandardCharsets.UTF_8)),
            new ByteArrayInputStream("err1\n".getBytes(StandardCharsets.UTF_8)),
            () -> true,
            (stream, line) -> seen.add(stream + " " + line),
            "test");
    pump.join();
    assertEquals(27, seen.size());
    assertEquals("STDOUT out2", seen.stream().filter(s -> s.startsWith("STDOUT")).toList().get(1));
    assertEquals(
        "STDOUT unterminated", seen.stream().filter(s -> s.startsWith("STDOUT")).toList().get(25));
    assertEquals(
        List.of("STDERR err1"), seen.stream().filter(s -> s.startsWith("STDERR")).toList());
    assertEquals(OutputPump.TAIL_LINES, pump.tail().size());
    assertEquals(true, pump.tail().contains("unterminated"));
  }

  @Test
  void splitsOverlongLinesSoMemoryStaysBounded() throws Exception {
    byte[] huge = new byte[OutputPump.MAX_LINE_BYTES * 2 + 10];
    java.util.Arrays.fill(huge, (byte) 'x');
    List<Integer> lengths = new ArrayList<>();
    OutputPump pump =
        OutputPump.start(
            new ByteArrayInputStream(huge),
            new ByteArrayInputStream(new byte[0]),
            () -> true,
            (stream, line) -> lengths.add(line.length()),
            "test");
    pump.join();
    assertEquals(List.of(OutputPump.MAX_LINE_BYTES, OutputPump.MAX_LINE_BYTES, 10), lengths);
  }

  @Test
  void aProcesssLastStderrLineComesAfterItsStdoutLines() throws Exception {
    // Two reader threads put "boom" among the first lines about half of the time; one thread that
    // did not look at stdout again after finding stderr bytes, now and then on a loaded machine.
    for (int run = 0; run < 100; run++) {
      List<String> seen = pumpProcess("for i in $(seq 1 12); do echo line $i; done; echo boom >&2");
      assertEquals(13, seen.size(), seen.toString());
      assertEquals("STDERR boom", seen.get(12), "run " + run + ": " + seen);
    }
  }

  @Test
  void linesWrittenAtDifferentTimesKeepTheirOrderAcrossStreams() throws Exception {
    List<String> seen =
        pumpProcess("echo a; sleep 0.05; echo b >&2; sleep 0.05; echo c; sleep 0.05; echo d >&2");
    assertEquals(List.of("STDOUT a", "STDERR b", "STDOUT c", "STDERR d"), seen);
  }

  private static List<String> pumpProcess(String script) throws Exception {
    Process process = new ProcessBuilder("sh", "-c", script).start();
    process.getOutputStream().close();
    List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    OutputPump pump =
        OutputPump.start(process, (stream, line) -> seen.add(stream + " " + line), "t");
    process.waitFor();
    pump.join();
    return List.copyOf(seen);
  }
}
