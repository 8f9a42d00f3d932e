package com.salesagent.activities.media;

import com.salesagent.activities.compose.LlmSettings;
import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.activities.whatsapp.CloudMedia;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.Set;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import org.bson.Document;

/**
 * Voice notes out: Ogg Opus (the only format WhatsApp plays as a voice note, with its microphone
 * icon and transcript), stored once in S3 under its checksum ({@code media/outbound/<sha256>.ogg}).
 * They come from a person's recording (WAV, AIFF or AU transcoded here, Ogg Opus taken as it is, a
 * browser's WebM Opus rewrapped, MP3 decoded by JLayer, a phone's M4A or raw AAC decoded by
 * JCodec/JAAD ({@link AacAudio})), or are spoken from a text: by the configured provider ({@code
 * VOICE_MODEL} with {@code LLM_PROVIDER=openai}: {@code POST {base}/audio/speech}, answered in Ogg
 * Opus) or offline by FreeTTS's 16 kHz diphone voice ({@code kevin16}: intelligible, robotic,
 * English only; said so by {@code madeBy}).
 */
public final class VoiceNotes {
  /** How the send path declares a voice note to Meta's media upload. */
  public static final String CONTENT_TYPE = "audio/ogg";

  /** Meta's limit for audio. */
  public static final long MAX_BYTES = 16L * 1024 * 1024;

  /** The longest recording taken (a voice note is a minute or two; ten is a podcast). */
  public static final double MAX_SECONDS = 600;

  /** The longest text spoken (about a minute and a half of speech). */
  public static final int MAX_TEXT = 1_500;

  /** Above this WhatsApp shows a download arrow instead of the play button (Meta's docs). */
  public static final long PLAY_ICON_BYTES = 512L * 1024;

  /**
   * A recording whose loudest 20 ms stays below this (-60 dBFS RMS, in 16-bit sample units) is
   * silent: a muted microphone (digital zeros) or one that picked up nothing but its own noise
   * floor. Speech, even whispered or recorded from across a room, is far above it (about -40 to -10
   * dBFS).
   */
  public static final double SILENT_BELOW_RMS = 32768 * 0.001;

  static final String OFFLINE = "freetts/kevin16 (offline, robotic, English only)";

  /** How {@code madeBy} of a voice note the offline voice spoke begins. */
  public static final String OFFLINE_PREFIX = "freetts/";

  static final String PREFIX = "media/outbound/";

  /** What tika-core names a WebM file (its magic number; the Opus track is checked on reading). */
  static final Set<String> MATROSKA = Set.of("video/webm", "audio/webm", "application/x-matroska");

  private static final Set<String> TRANSCODED =
      Set.of("audio/vnd.wave", "audio/wav", "audio/x-wav", "audio/x-aiff", "audio/basic");

  /** A recording or text that cannot become a voice note; the message says why and what to do. */
  public static class Refused extends RuntimeException {
    private final int status;

    public Refused(int status, String message) {
      super(message);
      this.status = status;
    }

    /** 413 too large, 415 a type that cannot be made a voice note, 422 anything else. */
    public int status() {
      return status;
    }
  }

  /** A text spoken as silence: refused (422) as a silent recording is. */
  public static final class Silent extends Refused {
    Silent(String message) {
      super(422, message);
    }
  }

  /** Speaks a text as Ogg Opus. */
  public interface Speaker {
    byte[] speak(String text);

    String label();
  }

  private final ObjectStorage storage;
  private final Speaker speaker;

  public VoiceNotes(ObjectStorage storage, Speaker speaker) {
    this.storage = storage;
    this.speaker = speaker == null ? new OfflineVoice.Offline() : speaker;
  }

  /** The provider's speaker when {@code model} is set for OpenAI with a key, else null. */
  public static Speaker provider(LlmSettings llm, String model) {
    if (llm == null
        || model == null
        || model.isBlank()
        || !"openai".equals(llm.provider())
        || llm.apiKey() == null
        || llm.apiKey().isBlank()) {
      return null;
    }
    String base =
        llm.baseUrl() == null || llm.baseUrl().isBlank()
            ? "https://api.openai.com/v1"
            : llm.baseUrl();
    return new SpeechProviders.OpenAiSpeech(base, llm.apiKey(), model, null);
  }

  /** Who speaks texts here, for the audit. */
  public String speakerLabel() {
    return speaker.label();
  }

  /**
   * The voice note of {@code text}, spoken and stored; the offline voice speaks English only, so a
   * lead whose language is another is refused (upload a recording, or configure a provider).
   */
  public Document speak(String text, String locale) {
    return store(spoken(text, locale));
  }

  /**
   * A voice note made (spoken or read through, every check passed) and not stored yet: its Ogg Opus
   * bytes and the document naming where {@link #store} puts them. A caller that may still be
   * refused (a person's message another rep's answer overtook) stores it only once it may go, so a
   * refusal leaves nothing in the bucket.
   */
  public record Made(byte[] ogg, Document media) {}

  /** {@link #speak} without storing: {@link #store} it once the message may go. */
  public Made spoken(String text, String locale) {
    if (text == null || text.isBlank()) {
      throw new Refused(422, "nothing to say: the text is blank");
    }
    // Characters as a person sees them (code points: an emoji is one), as every text cap counts.
    int characters = text.codePointCount(0, text.length());
    if (characters > MAX_TEXT) {
      throw new Refused(
          422, "a voice note speaks at most " + MAX_TEXT + " characters (" + characters + ")");
    }
    if (speaker instanceof OfflineVoice.Offline
        && locale != null
        && !locale.isBlank()
        && !locale.toLowerCase(Locale.ROOT).startsWith("en")) {
      throw new Refused(
          422,
          "the offline voice speaks English only and this lead's language is "
              + locale
              + ": upload a recording, or set VOICE_MODEL with a speech provider");
    }
    return speakWith(speaker, text);
  }

  /**
   * A person's voice note spoken as by {@link #spoken}; when the configured speech provider fails
   * (unreachable, refused, no Ogg Opus, or silence) and the lead's language is English, spoken by
   * the offline voice instead and said so: {@code madeBy} the offline voice, {@code fallback} the
   * provider and its failure ({@code from}, {@code because}). For a lead in another language (which
   * the offline voice does not speak) the provider's failure, naming it and what to do; the offline
   * voice itself (no provider configured) as {@link #spoken}.
   */
  public Made spokenOrOffline(String text, String locale) {
    if (speaker instanceof OfflineVoice.Offline) {
      return spoken(text, locale);
    }
    try {
      return spoken(text, locale);
    } catch (CloudMedia.Unavailable | CloudMedia.Refused | Silent e) {
      String failure =
          e.getMessage() != null && e.getMessage().startsWith(speaker.label())
              ? e.getMessage()
              : speaker.label() + ": " + e.getMessage();
      if (locale != null
          && !locale.isBlank()
          && !locale.toLowerCase(Locale.ROOT).startsWith("en")) {
        String what =
            failure
                + "; the offline voice speaks English only and this lead's language is "
                + locale
                + ": try again later, or upload a recording";
        if (e instanceof Silent) {
          throw new Silent(what);
        }
        if (e instanceof CloudMedia.Unavailable) {
          throw new CloudMedia.Unavailable(what);
        }
        throw new CloudMedia.Refused(what);
      }
      Made made;
      try {
        made = speakWith(FALLBACK, text);
      } catch (Silent offline) {
        throw new Silent(failure + "; and " + offline.getMessage());
      }
      made.media()
          .append("fallback", new Document("from", speaker.label()).append("because", failure));
      return made;
    }
  }

  /** The offline voice a person's voice note falls back to ({@link #spokenOrOffline}). */
  private static final Speaker FALLBACK = new OfflineVoice.Offline();

  /**
   * {@code text} spoken by {@code voice}, read through and checked as a recording is: a speaker
   * that answers silence (a failing provider, or a text with nothing to say once its markup is
   * stripped) is refused ({@link Silent}, 422), never sent as a mute voice note.
   */
  private Made speakWith(Speaker voice, String text) {
    byte[] ogg = voice.speak(text.strip());
    OggOpus.Info info;
    try {
      info = OggOpus.read(ogg);
    } catch (OggOpus.Invalid e) {
      throw new CloudMedia.Refused(voice.label() + " answered no Ogg Opus: " + e.getMessage());
    }
    if (info.loudestRms() < SILENT_BELOW_RMS) {
      throw new Silent(
          voice.label()
              + " spoke nothing audible for this text (no 20 ms of it reaches -60 dBFS): a text of"
              + " symbols or markup only says nothing, or the speech provider is failing; write"
              + " the text in words, or upload a recording");
    }
    Made made = made(ogg, info, voice.label());
    made.media().append("script", text.strip());
    return made;
  }

  /**
   * A person's recording as a voice note: Ogg Opus as it is (read through, every page checked),
   * WAV, AIFF or AU transcoded; the type is what the bytes are, never the declared one.
   */
  public Document upload(byte[] bytes, String by) {
    return store(uploaded(bytes, by));
  }

  /** {@link #upload} without storing: {@link #store} it once the message may go. */
  public Made uploaded(byte[] bytes, String by) {
    if (bytes == null || bytes.length == 0) {
      throw new Refused(422, "the recording is empty");
    }
    if (bytes.length > MAX_BYTES) {
      throw new Refused(
          413, "a recording is at most 16 MB (Meta's limit for audio); this is " + bytes.length);
    }
    String type = MediaTypes.sniff(bytes);
    byte[] ogg;
    if ("audio/opus".equals(type)) {
      ogg = bytes;
    } else if (MATROSKA.contains(type)) {
      try {
        ogg =
            WebmOpus.toOgg(bytes, MAX_SECONDS); // a browser's recording: rewrapped, not re-encoded
      } catch (OggOpus.Invalid e) {
        throw new Refused(422, "the recording cannot be read: " + e.getMessage());
      }
    } else if (TRANSCODED.contains(type)) {
      ogg = transcode(bytes);
    } else if ("audio/mpeg".equals(type)) {
      ogg = fromMp3(bytes);
    } else if (AacAudio.MP4.contains(type) || AacAudio.ADTS.contains(type)) {
      try {
        AacAudio.Pcm pcm = AacAudio.decode(bytes, type, MAX_SECONDS);
        ogg = OggOpus.encode(pcm.mono(), pcm.rate());
      } catch (AacAudio.Undecodable e) {
        throw new Refused(422, e.getMessage());
      }
    } else {
      throw new Refused(
          415,
          "a voice note is made from Ogg Opus, WebM Opus (a browser's recording), M4A or AAC (a"
              + " phone's recording), MP3, WAV, AIFF or AU; this is "
              + type);
    }
    OggOpus.Info info;
    try {
      info = OggOpus.read(ogg);
    } catch (OggOpus.Invalid e) {
      throw new Refused(422, "the recording is damaged: " + e.getMessage());
    }
    if (info.seconds() > MAX_SECONDS) {
      throw new Refused(
          422,
          "a voice note is at most "
              + (int) MAX_SECONDS / 60
              + " minutes; this is "
              + Math.round(info.seconds())
              + " s");
    }
    // Every type is decoded here (its Ogg Opus, read through): a silent recording of any of them
    // would reach the lead as a mute voice note.
    if (info.loudestRms() < SILENT_BELOW_RMS) {
      throw new Refused(
          422,
          "the recording is silent (nothing in it reaches -60 dBFS): is the microphone muted?"
              + " Record it again");
    }
    String how =
        ogg == bytes
            ? ""
            : MATROSKA.contains(type)
                ? " (rewrapped from WebM, not re-encoded)"
                : " (transcoded from " + type + ")";
    return made(ogg, info, "upload by " + by + how);
  }

  /** Stores a voice note made by {@link #spoken} or {@link #uploaded} once (by its checksum). */
  public Document store(Made made) {
    String key = PREFIX + made.media().getString("sha256") + ".ogg";
    if (!storage.exists(key)) {
      storage.put(key, made.ogg(), "audio/ogg; codecs=opus");
    }
    return made.media();
  }

  private Made made(byte[] ogg, OggOpus.Info info, String madeBy) {
    if (ogg.length > MAX_BYTES) {
      throw new Refused(413, "the voice note is over Meta's 16 MB");
    }
    String sha256 = InboundMediaActivitiesImpl.sha256(ogg);
    String key = PREFIX + sha256 + ".ogg";
    Document media =
        new Document("kind", "audio")
            .append("voice", true)
            .append("url", "s3://" + storage.bucket() + "/" + key)
            .append("contentType", "audio/ogg; codecs=opus")
            .append("size", ogg.length)
            .append("sha256", sha256)
            .append("seconds", Math.round(info.seconds() * 10) / 10.0)
            .append("playButton", ogg.length <= PLAY_ICON_BYTES)
            .append("madeBy", madeBy);
    return new Made(ogg, media);
  }

  /**
   * An MP3 decoded by JLayer frame by frame (mixed to mono), stopped past the longest voice note,
   * encoded as Ogg Opus. A file JLayer cannot read, or one with no audio frame, is refused.
   */
  static byte[] fromMp3(byte[] bytes) {
    javazoom.jl.decoder.Bitstream stream =
        new javazoom.jl.decoder.Bitstream(new ByteArrayInputStream(bytes));
    javazoom.jl.decoder.Decoder decoder = new javazoom.jl.decoder.Decoder();
    java.io.ByteArrayOutputStream pcm = new java.io.ByteArrayOutputStream();
    int rate = 0;
    long samples = 0;
    try {
      javazoom.jl.decoder.Header header;
      while ((header = stream.readFrame()) != null) {
        javazoom.jl.decoder.SampleBuffer out =
            (javazoom.jl.decoder.SampleBuffer) decoder.decodeFrame(header, stream);
        int channels = Math.max(1, out.getChannelCount());
        rate = out.getSampleFrequency();
        short[] buffer = out.getBuffer();
        int n = out.getBufferLength() / channels;
        for (int i = 0; i < n; i++) {
          int sum = 0;
          for (int c = 0; c < channels; c++) {
            sum += buffer[i * channels + c];
          }
          short s = (short) (sum / channels);
          pcm.write(s & 0xff);
          pcm.write((s >> 8) & 0xff);
        }
        samples += n;
        stream.closeFrame();
        if (rate > 0 && samples > MAX_SECONDS * rate) {
          throw new Refused(422, "a voice note is at most " + (int) MAX_SECONDS / 60 + " minutes");
        }
      }
    } catch (javazoom.jl.decoder.JavaLayerException | RuntimeException e) {
      if (e instanceof Refused refused) {
        throw refused;
      }
      throw new Refused(422, "the MP3 cannot be decoded: " + e.getClass().getSimpleName());
    } finally {
      try {
        stream.close();
      } catch (javazoom.jl.decoder.BitstreamException e) {
        // nothing held but the array
      }
    }
    if (samples == 0 || rate < 8_000) {
      throw new Refused(422, "the MP3 has no audio");
    }
    byte[] raw = pcm.toByteArray();
    short[] mono = new short[raw.length / 2];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(mono);
    return OggOpus.encode(mono, rate);
  }

  /** PCM in a WAV, AIFF or AU container, as mono 16-bit, encoded as Ogg Opus. */
  static byte[] transcode(byte[] bytes) {
    try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(bytes))) {
      AudioFormat source = in.getFormat();
      float rate = source.getSampleRate();
      int channels = Math.max(1, source.getChannels());
      if (rate < 8_000 || rate > 192_000) {
        throw new Refused(422, "a sample rate of " + rate + " Hz is not speech audio");
      }
      long frames = in.getFrameLength();
      if (frames != AudioSystem.NOT_SPECIFIED && frames / rate > MAX_SECONDS) {
        throw new Refused(
            422,
            "a voice note is at most "
                + (int) MAX_SECONDS / 60
                + " minutes; this is "
                + Math.round(frames / rate)
                + " s");
      }
      AudioFormat pcm =
          new AudioFormat(
              AudioFormat.Encoding.PCM_SIGNED, rate, 16, channels, 2 * channels, rate, false);
      byte[] raw;
      try (AudioInputStream converted = AudioSystem.getAudioInputStream(pcm, in)) {
        raw = converted.readAllBytes();
      }
      int n = raw.length / (2 * channels);
      short[] mono = new short[n];
      ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        int sum = 0;
        for (int c = 0; c < channels; c++) {
          sum += b.getShort();
        }
        mono[i] = (short) (sum / channels);
      }
      return OggOpus.encode(mono, Math.round(rate));
    } catch (UnsupportedAudioFileException | IllegalArgumentException e) {
      throw new Refused(415, "the recording's encoding cannot be read: " + e.getMessage());
    } catch (IOException e) {
      throw new Refused(422, "the recording cannot be read: " + e.getMessage());
    }
  }
}
