package dev.kiln.core.checksum;

import dev.kiln.cache.store.AtomicFile;
import dev.kiln.cache.store.StorePaths;
import dev.kiln.registry.model.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Remembers, per build-context file, the {@link FileContent} computed for it together with the
 * {@link StatStamp} the file had, so an unchanged context is not read again: a file whose stamp is
 * unchanged gets its recorded content digest and capability without being opened.
 *
 * <p>Persisted as one binary file per context directory under the content store ({@link
 * StorePaths#statMemo}). {@link #save} merges with what is on disk and replaces the file
 * atomically, so two kiln processes using one context at once lose at most each other's newest
 * records, which only costs a re-read. A damaged or foreign file is ignored (the memo starts
 * empty): it is a hint, never a source of truth, because every record is checked against a fresh
 * stamp.
 *
 * <p>Thread-safe.
 */
public final class StatMemo {
  private static final byte[] MAGIC = {'K', 'I', 'L', 'N', 'M', 'E', 'M', 'O'};
  private static final int VERSION = 1;

  private record Record(StatStamp stamp, FileContent content) {}

  private final Path file;
  private final Map<String, Record> records;
  // What this process learned or found stale, to merge into the file on save.
  private final Map<String, Optional<Record>> changes = new LinkedHashMap<>();

  private StatMemo(Path file, Map<String, Record> records) {
    this.file = file;
    this.records = records;
  }

  /** A memo that remembers nothing between builds (extracted stages, tests). */
  public static StatMemo inMemory() {
    return new StatMemo(null, new HashMap<>());
  }

  /** The memo of the context directory {@code contextRoot} in the store at {@code store}. */
  public static StatMemo open(StorePaths store, Path contextRoot) {
    return load(store.statMemo(contextRoot));
  }

  /** The memo persisted in {@code file} (empty if it does not exist or cannot be read). */
  public static StatMemo load(Path file) {
    return new StatMemo(file, read(file));
  }

  /** The content recorded for {@code path}, if it was recorded with exactly {@code stamp}. */
  public synchronized Optional<FileContent> find(String path, StatStamp stamp) {
    Record r = records.get(path);
    return r != null && r.stamp().equals(stamp) ? Optional.of(r.content()) : Optional.empty();
  }

  /** Records that the file at {@code path}, while it had {@code stamp}, had {@code content}. */
  public synchronized void record(String path, StatStamp stamp, FileContent content) {
    Record r = new Record(stamp, content);
    records.put(path, r);
    changes.put(path, Optional.of(r));
  }

  /** Drops what is recorded for {@code path} (the file is gone or changed while being read). */
  public synchronized void forget(String path) {
    if (records.remove(path) != null) {
      changes.put(path, Optional.empty());
    }
  }

  /** How many files the memo knows. */
  public synchronized int size() {
    return records.size();
  }

  /**
   * Writes what this process learned into the memo file: the file is read again, this process's
   * records and removals are applied on top, and the result replaces it atomically. Does nothing
   * for an {@link #inMemory} memo or when nothing changed.
   */
  public synchronized void save() throws IOException {
    if (file == null || changes.isEmpty()) {
      return;
    }
    Map<String, Record> merged = read(file);
    changes.forEach(
        (path, change) -> {
          if (change.isPresent()) {
            merged.put(path, change.get());
          } else {
            merged.remove(path);
          }
        });
    AtomicFile.write(file, encode(merged));
    changes.clear();
  }

  private static byte[] encode(Map<String, Record> records) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(MAGIC);
    out.writeInt(VERSION);
    out.writeInt(records.size());
    for (Map.Entry<String, Record> e : new TreeMap<>(records).entrySet()) {
      StatStamp s = e.getValue().stamp();
      FileContent c = e.getValue().content();
      out.writeUTF(e.getKey());
      out.writeLong(s.device());
      out.writeLong(s.inode());
      out.writeLong(s.size());
      out.writeLong(s.mtimeNanos());
      out.writeLong(s.ctimeNanos());
      out.writeInt(s.mode());
      out.write(java.util.HexFormat.of().parseHex(c.digest().hex()));
      byte[] cap = c.capability();
      out.writeInt(cap == null ? -1 : cap.length);
      if (cap != null) {
        out.write(cap);
      }
    }
    out.flush();
    byte[] body = bytes.toByteArray();
    byte[] check = Digest.newSha256().digest(body);
    byte[] all = Arrays.copyOf(body, body.length + check.length);
    System.arraycopy(check, 0, all, body.length, check.length);
    return all;
  }

  private static Map<String, Record> read(Path file) {
    Map<String, Record> records = new HashMap<>();
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return records;
    } catch (IOException e) {
      return records; // unreadable: start afresh, the memo is only a hint
    }
    if (all.length < MAGIC.length + 32) {
      return records;
    }
    int bodyLength = all.length - 32;
    byte[] check = Digest.newSha256().digest(Arrays.copyOf(all, bodyLength));
    if (!MessageDigest.isEqual(check, Arrays.copyOfRange(all, bodyLength, all.length))) {
      return records;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, bodyLength))) {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC) || in.readInt() != VERSION) {
        return records;
      }
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        String path = in.readUTF();
        StatStamp stamp =
            new StatStamp(
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readInt());
        Digest digest = Digest.ofSha256(in.readNBytes(32));
        int capLength = in.readInt();
        byte[] cap = capLength < 0 ? null : in.readNBytes(capLength);
        records.put(path, new Record(stamp, new FileContent(digest, cap)));
      }
    } catch (EOFException | IllegalArgumentException e) {
      return new HashMap<>();
    } catch (IOException e) {
      return new HashMap<>();
    }
    return records;
  }
}
