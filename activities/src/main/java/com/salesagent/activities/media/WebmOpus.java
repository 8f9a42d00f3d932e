package com.salesagent.activities.media;

import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A browser's recording (MediaRecorder in Chrome and Edge: WebM with one Opus track, often written
 * live with unknown sizes) rewrapped as Ogg Opus without re-encoding: the Opus packets are taken
 * from the WebM blocks as they are, their lengths counted by decoding them (which also proves them
 * sound), and written in Ogg pages behind the track's own OpusHead. Matroska is read as a flat
 * sequence of EBML elements, stepping into the containers that hold the track and its blocks, so an
 * unknown-size segment or cluster reads like any other; laced blocks (which MediaRecorder does not
 * write) are refused.
 */
final class WebmOpus {
  private static final long SEGMENT = 0x18538067L;
  private static final long CLUSTER = 0x1F43B675L;
  private static final long TRACKS = 0x1654AE6BL;
  private static final long TRACK_ENTRY = 0xAEL;
  private static final long BLOCK_GROUP = 0xA0L;
  private static final long AUDIO = 0xE1L;
  private static final long TRACK_NUMBER = 0xD7L;
  private static final long CODEC_ID = 0x86L;
  private static final long CODEC_PRIVATE = 0x63A2L;
  private static final long CHANNELS = 0x9FL;
  private static final long SIMPLE_BLOCK = 0xA3L;
  private static final long BLOCK = 0xA1L;

  /** Containers stepped into (their contents are read as the sequence goes on). */
  private static final Set<Long> CONTAINERS =
      Set.of(SEGMENT, CLUSTER, TRACKS, TRACK_ENTRY, BLOCK_GROUP, AUDIO);

  private WebmOpus() {}

  /** The recording as Ogg Opus; {@link OggOpus.Invalid} says what is wrong with it. */
  static byte[] toOgg(byte[] webm, double maxSeconds) throws OggOpus.Invalid {
    long opusTrack = -1;
    long entryNumber = -1;
    String entryCodec = null;
    byte[] entryPrivate = null;
    int entryChannels = 1;
    byte[] head = null;
    int channels = 1;
    List<byte[]> packets = new ArrayList<>();
    List<long[]> blocks = new ArrayList<>(); // {track, offset, length}
    int at = 0;
    while (at < webm.length) {
      long[] id = vint(webm, at, true);
      long[] size = vint(webm, at + (int) id[1], false);
      int data = at + (int) id[1] + (int) size[1];
      long length = size[0];
      if (CONTAINERS.contains(id[0])) {
        if (id[0] == TRACK_ENTRY) {
          entryNumber = -1;
          entryCodec = null;
          entryPrivate = null;
          entryChannels = 1;
        }
        at = data; // step in: its children follow
        continue;
      }
      if (length < 0 || data + length > webm.length) {
        if (length < 0) {
          throw new OggOpus.Invalid("WebM element " + Long.toHexString(id[0]) + " of unknown size");
        }
        break; // a recording cut short: keep what came whole
      }
      int end = data + (int) length;
      if (id[0] == TRACK_NUMBER) {
        entryNumber = uint(webm, data, (int) length);
      } else if (id[0] == CODEC_ID) {
        entryCodec = new String(webm, data, (int) length, StandardCharsets.US_ASCII).trim();
      } else if (id[0] == CODEC_PRIVATE) {
        entryPrivate = Arrays.copyOfRange(webm, data, end);
      } else if (id[0] == CHANNELS) {
        entryChannels = (int) uint(webm, data, (int) length);
      } else if (id[0] == SIMPLE_BLOCK || id[0] == BLOCK) {
        long[] track = vint(webm, data, false);
        blocks.add(new long[] {track[0], data, length});
      }
      if (entryCodec != null && entryNumber >= 0 && opusTrack < 0 && "A_OPUS".equals(entryCodec)) {
        opusTrack = entryNumber;
      }
      if (opusTrack == entryNumber && entryPrivate != null && head == null) {
        head = entryPrivate;
        channels = entryChannels;
      }
      at = end;
    }
    if (opusTrack < 0) {
      throw new OggOpus.Invalid("the WebM recording has no Opus audio track");
    }
    for (long[] b : blocks) {
      if (b[0] != opusTrack) {
        continue;
      }
      int offset = (int) b[1];
      int trackLength = (int) vint(webm, offset, false)[1];
      if (offset + trackLength + 3 > b[1] + b[2]) {
        continue; // a block too short to hold its header
      }
      int flags = webm[offset + trackLength + 2] & 0xff;
      if ((flags & 0x06) != 0) {
        throw new OggOpus.Invalid("laced WebM blocks are not read here");
      }
      int start = offset + trackLength + 3;
      int end = (int) (b[1] + b[2]);
      if (start < end) {
        packets.add(Arrays.copyOfRange(webm, start, end));
      }
    }
    if (packets.isEmpty()) {
      throw new OggOpus.Invalid("the WebM recording has no audio");
    }
    if (head == null
        || head.length < 19
        || !new String(head, 0, 8, StandardCharsets.US_ASCII).equals("OpusHead")) {
      head = OggOpus.head(48_000, 312, channels);
    }
    channels = Math.max(1, Math.min(2, head[9] & 0xff));
    int[] samples = new int[packets.size()];
    long total = 0;
    try {
      OpusDecoder decoder = new OpusDecoder(48_000, channels);
      short[] pcm = new short[5760 * channels];
      for (int i = 0; i < samples.length; i++) {
        byte[] p = packets.get(i);
        samples[i] = decoder.decode(p, 0, p.length, pcm, 0, 5760, false);
        total += samples[i];
        if (total > maxSeconds * 48_000) {
          throw new OggOpus.Invalid(
              "a voice note is at most " + (int) maxSeconds / 60 + " minutes");
        }
      }
    } catch (OpusException e) {
      throw new OggOpus.Invalid("an Opus packet in the WebM recording does not decode");
    }
    return OggOpus.mux(head, packets, samples);
  }

  /** An EBML variable-length integer at {@code at}: {value, length}; -1 for all ones (unknown). */
  private static long[] vint(byte[] b, int at, boolean keepMarker) throws OggOpus.Invalid {
    if (at >= b.length) {
      throw new OggOpus.Invalid("truncated WebM");
    }
    int first = b[at] & 0xff;
    int length = Integer.numberOfLeadingZeros(first) - 23;
    if (first == 0 || length > 8 || at + length > b.length) {
      throw new OggOpus.Invalid("not WebM: a malformed element at byte " + at);
    }
    long value = keepMarker ? first : first & (0xff >> length);
    boolean allOnes = value == (0xff >> length);
    for (int i = 1; i < length; i++) {
      int next = b[at + i] & 0xff;
      allOnes &= next == 0xff;
      value = (value << 8) | next;
    }
    return new long[] {!keepMarker && allOnes ? -1 : value, length};
  }

  private static long uint(byte[] b, int at, int length) {
    long value = 0;
    for (int i = 0; i < Math.min(length, 8); i++) {
      value = (value << 8) | (b[at + i] & 0xff);
    }
    return value;
  }
}
