package com.salesagent.activities.media;

import com.sun.speech.freetts.Voice;
import com.sun.speech.freetts.audio.AudioPlayer;
import com.sun.speech.freetts.en.us.cmu_us_kal.KevinVoiceDirectory;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import javax.sound.sampled.AudioFormat;

/** The offline speaker of voice notes (FreeTTS), apart from {@link VoiceNotes}. */
final class OfflineVoice {
  private OfflineVoice() {}

  /**
   * FreeTTS's kevin16 (CMU's 16 kHz diphone voice, inside the jar): the same text gives the same
   * samples, so the same bytes. One voice, one text at a time (FreeTTS voices are not thread-safe).
   */
  static final class Offline implements VoiceNotes.Speaker {
    private static Voice voice;

    @Override
    public String label() {
      return VoiceNotes.OFFLINE;
    }

    @Override
    public byte[] speak(String text) {
      Collector collector = new Collector();
      synchronized (Offline.class) {
        if (voice == null) {
          Voice kevin = null;
          for (Voice v : new KevinVoiceDirectory().getVoices()) {
            if ("kevin16".equals(v.getName())) {
              kevin = v;
            }
          }
          if (kevin == null) {
            throw new IllegalStateException("FreeTTS has no kevin16 voice");
          }
          kevin.allocate();
          voice = kevin;
        }
        voice.setAudioPlayer(collector);
        voice.speak(text);
      }
      AudioFormat format = collector.format;
      byte[] raw = collector.bytes.toByteArray();
      short[] samples = new short[raw.length / 2];
      ByteBuffer.wrap(raw)
          .order(
              format != null && !format.isBigEndian()
                  ? ByteOrder.LITTLE_ENDIAN
                  : ByteOrder.BIG_ENDIAN)
          .asShortBuffer()
          .get(samples);
      return OggOpus.encode(samples, format == null ? 16_000 : Math.round(format.getSampleRate()));
    }
  }

  /** Collects what FreeTTS would play. */
  private static final class Collector implements AudioPlayer {
    private AudioFormat format;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void setAudioFormat(AudioFormat format) {
      this.format = format;
    }

    @Override
    public AudioFormat getAudioFormat() {
      return format;
    }

    @Override
    public void pause() {}

    @Override
    public void resume() {}

    @Override
    public void reset() {}

    @Override
    public boolean drain() {
      return true;
    }

    @Override
    public void begin(int size) {}

    @Override
    public boolean end() {
      return true;
    }

    @Override
    public void cancel() {}

    @Override
    public void close() {}

    @Override
    public float getVolume() {
      return 1f;
    }

    @Override
    public void setVolume(float volume) {}

    @Override
    public long getTime() {
      return 0;
    }

    @Override
    public void resetTime() {}

    @Override
    public void startFirstSampleTimer() {}

    @Override
    public boolean write(byte[] audio) {
      bytes.writeBytes(audio);
      return true;
    }

    @Override
    public boolean write(byte[] audio, int offset, int size) {
      bytes.write(audio, offset, size);
      return true;
    }

    @Override
    public void showMetrics() {}
  }
}
