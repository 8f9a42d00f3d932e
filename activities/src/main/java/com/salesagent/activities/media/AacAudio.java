package com.salesagent.activities.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import net.sourceforge.jaad.aac.AACException;
import net.sourceforge.jaad.aac.Decoder;
import net.sourceforge.jaad.aac.SampleBuffer;
import org.jcodec.common.DemuxerTrack;
import org.jcodec.common.io.ByteBufferSeekableByteChannel;
import org.jcodec.common.model.Packet;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;

/**
 * AAC recordings decoded to mono 16-bit PCM: an M4A (the MP4 audio a phone's recorder or voice memo
 * app saves; JCodec's demuxer) or raw ADTS frames ({@code .aac}), each frame through JAAD's decoder
 * (AAC-LC tested). Stopped past {@code maxSeconds}; a file with no AAC audio, or one the decoder
 * cannot read, is refused with the reason.
 */
final class AacAudio {
  /** What Tika calls an M4A. */
  static final Set<String> MP4 = Set.of("audio/mp4", "audio/x-m4a", "audio/m4a");

  /** What Tika calls raw AAC (ADTS). */
  static final Set<String> ADTS = Set.of("audio/x-aac", "audio/aac");

  /** The most audio an M4A may hold (Meta's 16 MB for audio). */
  static final int MAX_AAC_BYTES = 16 * 1024 * 1024;

  /** Decoded audio: mono samples at their rate. */
  record Pcm(short[] mono, int rate) {}

  /** Why a recording could not be decoded (the caller answers 422 with it). */
  static final class Undecodable extends Exception {
    Undecodable(String message) {
      super(message);
    }
  }

  private AacAudio() {}

  static Pcm decode(byte[] bytes, String type, double maxSeconds) throws Undecodable {
    return MP4.contains(type) ? fromMp4(bytes, maxSeconds) : fromAdts(bytes, maxSeconds);
  }

  private static Pcm fromMp4(byte[] bytes, double maxSeconds) throws Undecodable {
    try {
      MP4Demuxer demuxer =
          MP4Demuxer.createMP4Demuxer(
              ByteBufferSeekableByteChannel.readFromByteBuffer(ByteBuffer.wrap(bytes)));
      DemuxerTrack track =
          demuxer.getAudioTracks().stream()
              .filter(
                  t -> t.getMeta() != null && "AAC".equals(String.valueOf(t.getMeta().getCodec())))
              .findFirst()
              .orElseThrow(() -> new Undecodable("the M4A has no AAC audio track"));
      if (track.getMeta().getTotalDuration() > maxSeconds) {
        throw new Undecodable(tooLong(maxSeconds, track.getMeta().getTotalDuration()));
      }
      // JCodec hands AAC samples over as ADTS frames (header included): read as a raw AAC stream.
      java.io.ByteArrayOutputStream adts = new java.io.ByteArrayOutputStream();
      Packet packet;
      while ((packet = track.nextFrame()) != null) {
        ByteBuffer frame = packet.getData();
        byte[] data = new byte[frame.remaining()];
        frame.get(data);
        adts.write(data);
        if (adts.size() > MAX_AAC_BYTES) {
          throw new Undecodable("the M4A's audio is over " + MAX_AAC_BYTES / (1024 * 1024) + " MB");
        }
      }
      return fromAdts(adts.toByteArray(), maxSeconds);
    } catch (IOException | RuntimeException e) {
      throw new Undecodable("the M4A cannot be read: " + e.getClass().getSimpleName());
    }
  }

  /** Sampling rates by ADTS index (ISO/IEC 14496-3). */
  private static final int[] RATES = {
    96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350
  };

  /** Raw ADTS: each frame's 7 (or 9, with CRC) byte header gives its length and configuration. */
  private static Pcm fromAdts(byte[] bytes, double maxSeconds) throws Undecodable {
    try {
      Decoding out = null;
      int at = 0;
      while (at + 7 <= bytes.length) {
        if ((bytes[at] & 0xff) != 0xff || (bytes[at + 1] & 0xf0) != 0xf0) {
          throw new Undecodable("the AAC stream is damaged at byte " + at);
        }
        boolean crc = (bytes[at + 1] & 0x01) == 0;
        int profile = ((bytes[at + 2] & 0xc0) >> 6) + 1; // audio object type
        int rateIndex = (bytes[at + 2] & 0x3c) >> 2;
        int channels = ((bytes[at + 2] & 0x01) << 2) | ((bytes[at + 3] & 0xc0) >> 6);
        int length =
            ((bytes[at + 3] & 0x03) << 11)
                | ((bytes[at + 4] & 0xff) << 3)
                | ((bytes[at + 5] & 0xe0) >> 5);
        int header = crc ? 9 : 7;
        if (rateIndex >= RATES.length || length <= header || at + length > bytes.length) {
          throw new Undecodable("the AAC stream is damaged at byte " + at);
        }
        if (channels == 0 || (bytes[at + 6] & 0x03) != 0) {
          // A channel layout in the stream itself, or several raw blocks per frame: rare in
          // recordings, and not what a frame-by-frame decode here reads.
          throw new Undecodable(
              "this AAC stream's layout (channel configuration 0 or several blocks per frame)"
                  + " cannot be read here: export the recording as M4A, WAV, MP3 or Ogg Opus");
        }
        if (out == null) {
          byte[] asc = {
            (byte) ((profile << 3) | (rateIndex >> 1)),
            (byte) (((rateIndex & 1) << 7) | (channels << 3))
          };
          out = new Decoding(new Decoder(asc), maxSeconds);
        }
        byte[] frame = new byte[length - header];
        System.arraycopy(bytes, at + header, frame, 0, frame.length);
        out.frame(frame);
        at += length;
      }
      if (out == null) {
        throw new Undecodable("the AAC stream has no frame");
      }
      return out.pcm();
    } catch (AACException e) {
      throw new Undecodable("the AAC audio cannot be decoded: " + e.getMessage());
    } catch (RuntimeException e) {
      throw new Undecodable("the AAC stream cannot be read: " + e.getClass().getSimpleName());
    }
  }

  private static String tooLong(double maxSeconds, double seconds) {
    return "a voice note is at most "
        + (int) maxSeconds / 60
        + " minutes; this is "
        + Math.round(seconds)
        + " s";
  }

  /**
   * Frames of exact digital silence to the end, after audio, that mean the decoder lost the audio
   * (at least about 0.2 s, and at least half of what followed the first sound; a microphone's noise
   * floor is never exactly zero for that long). JAAD's noise substitution (PNS) draws from a
   * generator that decays to zero and then fills its state with NaN, after which every frame
   * decodes as silence: such a recording is refused, not sent mute.
   */
  static final int LOST_AFTER_SILENT_FRAMES = 10;

  /** Frames decoded one by one, mixed to mono, stopped past the longest voice note. */
  private static final class Decoding {
    private final Decoder decoder;
    private final double maxSeconds;
    private final SampleBuffer buffer = new SampleBuffer();
    private short[] mono = new short[48_000];
    private int samples;
    private int rate;
    private boolean audible;
    private int silentRun;
    private int frames;
    private int firstAudible;

    Decoding(Decoder decoder, double maxSeconds) {
      this.decoder = decoder;
      this.maxSeconds = maxSeconds;
      buffer.setBigEndian(false);
    }

    void frame(byte[] data) throws AACException, Undecodable {
      decoder.decodeFrame(data, buffer);
      int channels = Math.max(1, buffer.getChannels());
      rate = buffer.getSampleRate();
      short[] pcm = new short[buffer.getData().length / 2];
      ByteBuffer.wrap(buffer.getData()).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(pcm);
      int n = pcm.length / channels;
      boolean silent = true;
      for (short v : pcm) {
        if (v != 0) {
          silent = false;
          break;
        }
      }
      frames++;
      if (!silent) {
        if (!audible) {
          firstAudible = frames;
        }
        audible = true;
        silentRun = 0;
      } else if (audible) {
        silentRun++;
      }
      if (samples + n > mono.length) {
        mono = java.util.Arrays.copyOf(mono, Math.max(mono.length * 2, samples + n));
      }
      for (int i = 0; i < n; i++) {
        int sum = 0;
        for (int c = 0; c < channels; c++) {
          sum += pcm[i * channels + c];
        }
        mono[samples++] = (short) (sum / channels);
      }
      if (rate > 0 && samples > maxSeconds * rate) {
        throw new Undecodable(tooLong(maxSeconds, samples / (double) rate));
      }
    }

    Pcm pcm() throws Undecodable {
      if (samples == 0 || rate < 8_000 || !audible) {
        throw new Undecodable("the recording has no audio");
      }
      // Lost: the audio never came back, for at least LOST_AFTER_SILENT_FRAMES frames and half of
      // what followed the first sound (a clip's short digital silence at its end is not that).
      boolean lost =
          silentRun >= LOST_AFTER_SILENT_FRAMES && silentRun * 2 >= frames - firstAudible + 1;
      if (lost) {
        throw new Undecodable(
            "the AAC audio uses a coding tool the decoder here cannot play back (perceptual noise"
                + " substitution, which some encoders use at low bit rates): export the recording"
                + " as WAV, MP3 or Ogg Opus, or as AAC at 96 kbit/s or more");
      }
      return new Pcm(java.util.Arrays.copyOf(mono, samples), rate);
    }
  }
}
