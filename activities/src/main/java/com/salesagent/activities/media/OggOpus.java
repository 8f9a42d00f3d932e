package com.salesagent.activities.media;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ogg Opus, the only format WhatsApp plays as a voice note (RFC 7845 in an Ogg container, RFC
 * 3533): mono 16-bit PCM encoded by Concentus (a pure-Java port of libopus) in 20 ms frames at 24
 * kbit/s for speech, up to 50 packets (one second) a page. The same samples give the same bytes
 * (the stream's serial number is derived from them), so a voice note is content-addressed like an
 * image card. {@link #read} checks a stream someone else made: every page's capture pattern and
 * CRC, the identification and comment headers, and the length in seconds.
 */
public final class OggOpus {
  /** Opus encodes these input rates; others are resampled to 16 kHz first. */
  private static final int[] RATES = {8000, 12000, 16000, 24000, 48000};

  private static final int BITRATE = 24_000;
  private static final int PACKETS_PER_PAGE = 50;
  private static final int[] CRC = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int r = i << 24;
      for (int j = 0; j < 8; j++) {
        r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04c11db7 : r << 1;
      }
      CRC[i] = r;
    }
  }

  /**
   * A stream's identification header, length, and loudness: {@code loudestRms}, the root mean
   * square of the loudest decoded packet (a 20 ms frame as encoders write them), in 16-bit sample
   * units (32768 is full scale), 0 for digital silence throughout.
   */
  public record Info(int channels, int inputSampleRate, double seconds, double loudestRms) {}

  /** Not an Ogg Opus stream, or a damaged one; the message says what is wrong. */
  public static final class Invalid extends Exception {
    Invalid(String message) {
      super(message);
    }
  }

  private OggOpus() {}

  /** Encodes mono samples at {@code sampleRate} as an Ogg Opus stream. */
  public static byte[] encode(short[] samples, int sampleRate) {
    int rate = sampleRate;
    short[] pcm = samples;
    if (Arrays.stream(RATES).noneMatch(r -> r == sampleRate)) {
      pcm = resample(samples, sampleRate, 16_000);
      rate = 16_000;
    }
    try {
      OpusEncoder encoder = new OpusEncoder(rate, 1, OpusApplication.OPUS_APPLICATION_VOIP);
      encoder.setBitrate(BITRATE);
      encoder.setSignalType(OpusSignal.OPUS_SIGNAL_VOICE);
      encoder.setComplexity(5);
      int scale = 48_000 / rate;
      int preSkip = encoder.getLookahead() * scale;
      int serial = Arrays.hashCode(pcm) ^ rate;
      ByteArrayOutputStream out = new ByteArrayOutputStream(pcm.length / 4 + 1024);
      int sequence = 0;
      page(out, head(rate, preSkip), 0x02, 0, serial, sequence++);
      page(out, tags(), 0, 0, serial, sequence++);
      int frame = rate / 50;
      int frames = Math.max(1, (pcm.length + frame - 1) / frame);
      byte[] packet = new byte[1275];
      short[] input = new short[frame];
      List<byte[]> pagePackets = new ArrayList<>();
      long granule = preSkip;
      int lacing = 0;
      for (int f = 0; f < frames; f++) {
        Arrays.fill(input, (short) 0);
        int from = f * frame;
        System.arraycopy(pcm, from, input, 0, Math.max(0, Math.min(frame, pcm.length - from)));
        int length = encoder.encode(input, 0, frame, packet, 0, packet.length);
        if (lacing + length / 255 + 1 > 255) { // a page's segment table holds 255 values
          page(out, pagePackets, 0, granule, serial, sequence++);
          pagePackets.clear();
          lacing = 0;
        }
        pagePackets.add(Arrays.copyOf(packet, length));
        lacing += length / 255 + 1;
        boolean last = f == frames - 1;
        granule = last ? (long) pcm.length * scale + preSkip : granule + (long) frame * scale;
        if (last || pagePackets.size() == PACKETS_PER_PAGE) {
          page(out, pagePackets, last ? 0x04 : 0, granule, serial, sequence++);
          pagePackets.clear();
          lacing = 0;
        }
      }
      return out.toByteArray();
    } catch (OpusException e) {
      throw new IllegalStateException("Opus encoder: " + e.getMessage(), e);
    }
  }

  /**
   * Reads an Ogg Opus stream through: pages and their CRCs, the OpusHead and OpusTags headers, and
   * every audio packet decoded (a damaged packet is refused here, not by the lead's phone).
   */
  public static Info read(byte[] bytes) throws Invalid {
    Parsed parsed = parse(bytes);
    List<byte[]> packets = parsed.packets();
    long lastGranule = parsed.lastGranule();
    if (packets.size() < 2
        || !startsWith(packets.get(0), "OpusHead")
        || packets.get(0).length < 19) {
      throw new Invalid("not Opus: the first packet is not an OpusHead header");
    }
    if (!startsWith(packets.get(1), "OpusTags")) {
      throw new Invalid("not Opus: the second packet is not an OpusTags header");
    }
    ByteBuffer head = ByteBuffer.wrap(packets.get(0)).order(ByteOrder.LITTLE_ENDIAN);
    int channels = packets.get(0)[9] & 0xff;
    int preSkip = head.getShort(10) & 0xffff;
    int inputRate = head.getInt(12);
    if (channels < 1 || channels > 2) {
      throw new Invalid("Opus with " + channels + " channels (a voice note has one or two)");
    }
    double loudest = 0;
    try {
      OpusDecoder decoder = new OpusDecoder(48_000, channels);
      short[] out = new short[5760 * channels];
      for (byte[] packet : packets.subList(2, packets.size())) {
        int n = decoder.decode(packet, 0, packet.length, out, 0, 5760, false) * channels;
        double sum = 0;
        for (int i = 0; i < n; i++) {
          sum += (double) out[i] * out[i];
        }
        loudest = n == 0 ? loudest : Math.max(loudest, Math.sqrt(sum / n));
      }
    } catch (OpusException e) {
      throw new Invalid("an Opus packet does not decode: " + e.getMessage());
    }
    double seconds = Math.max(0, lastGranule - preSkip) / 48_000.0;
    return new Info(channels, inputRate, seconds, loudest);
  }

  /** The packets of an Ogg stream's pages, every page's capture pattern and CRC checked. */
  private record Parsed(List<byte[]> packets, long lastGranule) {}

  private static Parsed parse(byte[] bytes) throws Invalid {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    List<byte[]> packets = new ArrayList<>();
    ByteArrayOutputStream partial = new ByteArrayOutputStream();
    long lastGranule = -1;
    int pages = 0;
    while (b.remaining() > 0) {
      int start = b.position();
      if (b.remaining() < 27
          || !"OggS".equals(new String(bytes, start, 4, StandardCharsets.US_ASCII))) {
        throw new Invalid("not an Ogg stream (page " + pages + " has no capture pattern)");
      }
      int segments = bytes[start + 26] & 0xff;
      if (b.remaining() < 27 + segments) {
        throw new Invalid("truncated Ogg page " + pages);
      }
      int length = 0;
      for (int i = 0; i < segments; i++) {
        length += bytes[start + 27 + i] & 0xff;
      }
      int end = start + 27 + segments + length;
      if (end > bytes.length) {
        throw new Invalid("truncated Ogg page " + pages);
      }
      byte[] page = Arrays.copyOfRange(bytes, start, end);
      int stated = b.getInt(start + 22);
      Arrays.fill(page, 22, 26, (byte) 0);
      if (crc(page) != stated) {
        throw new Invalid("Ogg page " + pages + " fails its checksum");
      }
      long granule = b.getLong(start + 6);
      int at = start + 27 + segments;
      for (int i = 0; i < segments; i++) {
        int lace = bytes[start + 27 + i] & 0xff;
        partial.write(bytes, at, lace);
        at += lace;
        if (lace < 255) {
          packets.add(partial.toByteArray());
          partial.reset();
        }
      }
      if (granule != -1) {
        lastGranule = granule;
      }
      pages++;
      b.position(end);
    }
    return new Parsed(packets, lastGranule);
  }

  /** Decodes a stream to mono 48 kHz samples (tests and previews). */
  public static short[] decode(byte[] bytes) throws Invalid {
    read(bytes);
    List<byte[]> packets = parse(bytes).packets();
    int channels = packets.get(0)[9] & 0xff;
    try {
      OpusDecoder decoder = new OpusDecoder(48_000, channels);
      short[] frame = new short[5760 * channels];
      ByteArrayOutputStream pcm = new ByteArrayOutputStream();
      for (byte[] packet : packets.subList(2, packets.size())) {
        int n = decoder.decode(packet, 0, packet.length, frame, 0, 5760, false);
        for (int i = 0; i < n; i++) {
          short s = frame[i * channels];
          pcm.write(s & 0xff);
          pcm.write((s >> 8) & 0xff);
        }
      }
      byte[] raw = pcm.toByteArray();
      short[] samples = new short[raw.length / 2];
      ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
      return samples;
    } catch (OpusException e) {
      throw new Invalid("an Opus packet does not decode: " + e.getMessage());
    }
  }

  /** Linear resampling (speech to an Opus rate; the quality a voice note needs). */
  static short[] resample(short[] in, int from, int to) {
    int n = (int) ((long) in.length * to / from);
    short[] out = new short[n];
    for (int i = 0; i < n; i++) {
      double x = (double) i * from / to;
      int j = (int) x;
      double frac = x - j;
      int a = in[Math.min(j, in.length - 1)];
      int c = in[Math.min(j + 1, in.length - 1)];
      out[i] = (short) Math.round(a + (c - a) * frac);
    }
    return out;
  }

  /**
   * Opus packets made elsewhere (a browser's recording) in Ogg pages behind {@code head} (an
   * OpusHead packet), each packet's length in 48 kHz samples given: no re-encoding.
   */
  static byte[] mux(byte[] head, List<byte[]> packets, int[] samples) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int serial = Arrays.hashCode(head) ^ packets.size() ^ Arrays.hashCode(samples);
    int sequence = 0;
    page(out, head, 0x02, 0, serial, sequence++);
    page(out, tags(), 0, 0, serial, sequence++);
    List<byte[]> pagePackets = new ArrayList<>();
    long granule = 0;
    int lacing = 0;
    for (int i = 0; i < packets.size(); i++) {
      byte[] p = packets.get(i);
      if (lacing + p.length / 255 + 1 > 255) {
        page(out, pagePackets, 0, granule, serial, sequence++);
        pagePackets.clear();
        lacing = 0;
      }
      pagePackets.add(p);
      lacing += p.length / 255 + 1;
      granule += samples[i];
      boolean last = i == packets.size() - 1;
      if (last || pagePackets.size() == PACKETS_PER_PAGE) {
        page(out, pagePackets, last ? 0x04 : 0, granule, serial, sequence++);
        pagePackets.clear();
        lacing = 0;
      }
    }
    return out.toByteArray();
  }

  private static byte[] head(int inputRate, int preSkip) {
    return head(inputRate, preSkip, 1);
  }

  static byte[] head(int inputRate, int preSkip, int channels) {
    return ByteBuffer.allocate(19)
        .order(ByteOrder.LITTLE_ENDIAN)
        .put("OpusHead".getBytes(StandardCharsets.US_ASCII))
        .put((byte) 1)
        .put((byte) channels)
        .putShort((short) preSkip)
        .putInt(inputRate)
        .putShort((short) 0)
        .put((byte) 0)
        .array();
  }

  private static byte[] tags() {
    byte[] vendor = "sales-agent (Concentus)".getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + 4 + vendor.length + 4)
        .order(ByteOrder.LITTLE_ENDIAN)
        .put("OpusTags".getBytes(StandardCharsets.US_ASCII))
        .putInt(vendor.length)
        .put(vendor)
        .putInt(0)
        .array();
  }

  private static void page(
      ByteArrayOutputStream out, byte[] packet, int flags, long granule, int serial, int sequence) {
    page(out, List.of(packet), flags, granule, serial, sequence);
  }

  private static void page(
      ByteArrayOutputStream out,
      List<byte[]> packets,
      int flags,
      long granule,
      int serial,
      int sequence) {
    ByteArrayOutputStream lacing = new ByteArrayOutputStream();
    int size = 0;
    for (byte[] p : packets) {
      int left = p.length;
      while (left >= 255) {
        lacing.write(255);
        left -= 255;
      }
      lacing.write(left);
      size += p.length;
    }
    byte[] table = lacing.toByteArray();
    ByteBuffer b =
        ByteBuffer.allocate(27 + table.length + size)
            .order(ByteOrder.LITTLE_ENDIAN)
            .put("OggS".getBytes(StandardCharsets.US_ASCII))
            .put((byte) 0)
            .put((byte) flags)
            .putLong(granule)
            .putInt(serial)
            .putInt(sequence)
            .putInt(0)
            .put((byte) table.length)
            .put(table);
    for (byte[] p : packets) {
      b.put(p);
    }
    byte[] page = b.array();
    ByteBuffer.wrap(page, 22, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(crc(page));
    out.writeBytes(page);
  }

  private static int crc(byte[] page) {
    int crc = 0;
    for (byte x : page) {
      crc = (crc << 8) ^ CRC[((crc >>> 24) ^ (x & 0xff)) & 0xff];
    }
    return crc;
  }

  private static boolean startsWith(byte[] packet, String magic) {
    byte[] m = magic.getBytes(StandardCharsets.US_ASCII);
    return packet.length >= m.length && Arrays.equals(packet, 0, m.length, m, 0, m.length);
  }
}
