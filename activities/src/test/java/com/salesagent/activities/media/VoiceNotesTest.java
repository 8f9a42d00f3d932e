package com.salesagent.activities.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;

class VoiceNotesTest {

  private static short[] tone(double hz, int rate, double seconds) {
    short[] s = new short[(int) (rate * seconds)];
    for (int i = 0; i < s.length; i++) {
      s[i] = (short) (8000 * Math.sin(2 * Math.PI * hz * i / rate));
    }
    return s;
  }

  private static double rms(short[] s) {
    double sum = 0;
    for (short x : s) {
      sum += (double) x * x;
    }
    return Math.sqrt(sum / Math.max(1, s.length));
  }

  /** Upward zero crossings per second: the pitch of a pure tone. */
  private static double crossingsPerSecond(short[] s, int rate) {
    int n = 0;
    for (int i = 1; i < s.length; i++) {
      if (s[i - 1] < 0 && s[i] >= 0) {
        n++;
      }
    }
    return n * (double) rate / s.length;
  }

  @Test
  void aToneSurvivesEncodingAsOggOpusAtItsPitchAndLength() throws Exception {
    byte[] ogg = OggOpus.encode(tone(440, 16_000, 2.0), 16_000);

    OggOpus.Info info = OggOpus.read(ogg);
    assertEquals(1, info.channels());
    assertEquals(16_000, info.inputSampleRate());
    assertEquals(2.0, info.seconds(), 0.001);
    assertEquals("audio/opus", MediaTypes.sniff(ogg));
    short[] decoded = OggOpus.decode(ogg);
    short[] middle = Arrays.copyOfRange(decoded, 24_000, 72_000); // 0.5 s to 1.5 s at 48 kHz
    assertEquals(440, crossingsPerSecond(middle, 48_000), 5);
    assertTrue(rms(middle) > 3000, "the tone is heard, rms " + rms(middle));
    // Speech bitrate: two seconds in a few kilobytes, far under the 512 KB of a play button.
    assertTrue(ogg.length < 12_000, "size " + ogg.length);
  }

  @Test
  void theSameSamplesGiveTheSameBytes() {
    assertArrayEquals(
        OggOpus.encode(tone(300, 16_000, 1.0), 16_000),
        OggOpus.encode(tone(300, 16_000, 1.0), 16_000));
  }

  @Test
  void aDamagedPageOrAnotherFormatIsRefusedWithTheReason() {
    byte[] ogg = OggOpus.encode(tone(440, 16_000, 1.0), 16_000);
    byte[] damaged = ogg.clone();
    damaged[damaged.length - 10] ^= 0x55;
    OggOpus.Invalid crc = assertThrows(OggOpus.Invalid.class, () -> OggOpus.read(damaged));
    assertTrue(crc.getMessage().contains("checksum"), crc.getMessage());

    byte[] truncated = Arrays.copyOf(ogg, ogg.length - 7);
    assertThrows(OggOpus.Invalid.class, () -> OggOpus.read(truncated));
    OggOpus.Invalid text =
        assertThrows(
            OggOpus.Invalid.class,
            () -> OggOpus.read("hello, not audio".getBytes(StandardCharsets.UTF_8)));
    assertTrue(text.getMessage().contains("not an Ogg stream"), text.getMessage());
  }

  @Test
  void theOfflineVoiceSpeaksATextAsAVoiceNoteTheSameEveryTime() throws Exception {
    OfflineVoice.Offline voice = new OfflineVoice.Offline();
    String text = "Hi Ana, this is Sam from Acme. Would a short call on Thursday work?";

    byte[] ogg = voice.speak(text);

    OggOpus.Info info = OggOpus.read(ogg);
    assertEquals(16_000, info.inputSampleRate());
    assertTrue(info.seconds() > 2 && info.seconds() < 10, "seconds " + info.seconds());
    short[] decoded = OggOpus.decode(ogg);
    assertTrue(rms(decoded) > 500, "speech is heard, rms " + rms(decoded));
    assertArrayEquals(ogg, voice.speak(text));
    // A longer text speaks longer.
    assertTrue(OggOpus.read(voice.speak(text + " " + text)).seconds() > info.seconds() * 1.6);
  }

  @Test
  void aWavRecordingIsTranscodedToMonoOggOpus() throws Exception {
    // 44.1 kHz stereo, as a phone or a laptop records: resampled to 16 kHz, mixed to mono.
    int rate = 44_100;
    short[] left = tone(500, rate, 1.5);
    ByteBuffer pcm = ByteBuffer.allocate(left.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (short s : left) {
      pcm.putShort(s).putShort(s);
    }
    AudioFormat format = new AudioFormat(rate, 16, 2, true, false);
    ByteArrayOutputStream wav = new ByteArrayOutputStream();
    AudioSystem.write(
        new AudioInputStream(new ByteArrayInputStream(pcm.array()), format, left.length),
        AudioFileFormat.Type.WAVE,
        wav);

    byte[] ogg = VoiceNotes.transcode(wav.toByteArray());

    OggOpus.Info info = OggOpus.read(ogg);
    assertEquals(1, info.channels());
    assertEquals(16_000, info.inputSampleRate());
    assertEquals(1.5, info.seconds(), 0.01);
    short[] decoded = OggOpus.decode(ogg);
    assertEquals(500, crossingsPerSecond(Arrays.copyOfRange(decoded, 12_000, 60_000), 48_000), 6);
  }

  private static byte[] resource(String name) throws Exception {
    try (var in = VoiceNotesTest.class.getResourceAsStream("/media/" + name)) {
      return in.readAllBytes();
    }
  }

  /**
   * A browser's recording (WebM Opus, as Chrome's MediaRecorder writes it: fixtures made by ffmpeg,
   * one with the live stream's unknown sizes) is rewrapped as Ogg Opus, packets untouched.
   */
  @Test
  void aBrowsersWebmRecordingIsRewrappedAsOggOpus() throws Exception {
    for (String name : new String[] {"tone-440-mono.webm", "tone-440-stereo-live.webm"}) {
      byte[] webm = resource(name);
      assertTrue(VoiceNotes.MATROSKA.contains(MediaTypes.sniff(webm)), MediaTypes.sniff(webm));

      byte[] ogg = WebmOpus.toOgg(webm, VoiceNotes.MAX_SECONDS);

      OggOpus.Info info = OggOpus.read(ogg);
      assertEquals(2.0, info.seconds(), 0.03, name);
      short[] decoded = OggOpus.decode(ogg);
      assertEquals(
          440, crossingsPerSecond(Arrays.copyOfRange(decoded, 24_000, 72_000), 48_000), 5, name);
      // Cut short (the tab closed mid-upload): what came whole is kept.
      byte[] cut = Arrays.copyOf(webm, webm.length - 1500);
      double partial = OggOpus.read(WebmOpus.toOgg(cut, VoiceNotes.MAX_SECONDS)).seconds();
      assertTrue(partial > 0.5 && partial < 2.0, name + " " + partial);
    }
    OggOpus.Invalid vorbis =
        assertThrows(
            OggOpus.Invalid.class,
            () -> WebmOpus.toOgg(resource("tone-vorbis.webm"), VoiceNotes.MAX_SECONDS));
    assertTrue(vorbis.getMessage().contains("no Opus audio track"), vorbis.getMessage());
    OggOpus.Invalid tooLong =
        assertThrows(
            OggOpus.Invalid.class, () -> WebmOpus.toOgg(resource("tone-440-mono.webm"), 1.0));
    assertTrue(tooLong.getMessage().contains("at most"), tooLong.getMessage());
    byte[] garbage = resource("tone-440-mono.webm");
    for (int i = 40; i < garbage.length; i += 7) {
      garbage[i] = (byte) 0xff;
    }
    assertThrows(OggOpus.Invalid.class, () -> WebmOpus.toOgg(garbage, VoiceNotes.MAX_SECONDS));
  }

  @Test
  void anMp3RecordingIsDecodedAndEncodedAsOggOpus() throws Exception {
    byte[] mp3 = resource("tone-440.mp3"); // ffmpeg's 440 Hz, one second, 64 kbit/s
    assertEquals("audio/mpeg", MediaTypes.sniff(mp3));

    byte[] ogg = VoiceNotes.fromMp3(mp3);

    OggOpus.Info info = OggOpus.read(ogg);
    assertEquals(1.0, info.seconds(), 0.1);
    short[] decoded = OggOpus.decode(ogg);
    assertEquals(440, crossingsPerSecond(Arrays.copyOfRange(decoded, 9_600, 38_400), 48_000), 6);
    byte[] noise = new byte[600];
    Arrays.fill(noise, (byte) 0x5a);
    assertEquals(
        422, assertThrows(VoiceNotes.Refused.class, () -> VoiceNotes.fromMp3(noise)).status());
  }

  /**
   * What phones record: an M4A (ffmpeg's 440 Hz, one second, mono 44.1 kHz AAC-LC) and raw ADTS AAC
   * (stereo 48 kHz) are decoded and encoded as Ogg Opus that plays the same tone; a damaged AAC
   * stream, one too long, and one whose audio the decoder loses are refused with the reason.
   */
  @Test
  void aPhonesM4aOrAacRecordingIsDecodedAndEncodedAsOggOpus() throws Exception {
    for (String name : java.util.List.of("tone-440.m4a", "tone-440-stereo.aac")) {
      byte[] recording = resource(name);
      String type = MediaTypes.sniff(recording);
      assertTrue(AacAudio.MP4.contains(type) || AacAudio.ADTS.contains(type), name + ": " + type);

      AacAudio.Pcm pcm = AacAudio.decode(recording, type, VoiceNotes.MAX_SECONDS);
      byte[] ogg = OggOpus.encode(pcm.mono(), pcm.rate());

      OggOpus.Info info = OggOpus.read(ogg);
      assertEquals(1.0, info.seconds(), 0.1, name);
      short[] decoded = OggOpus.decode(ogg);
      assertEquals(
          440, crossingsPerSecond(Arrays.copyOfRange(decoded, 9_600, 38_400), 48_000), 6, name);
    }
    byte[] aac = resource("tone-440-stereo.aac");
    byte[] damaged = Arrays.copyOf(aac, aac.length);
    for (int i = 600; i < 640; i++) {
      damaged[i] = 0;
    }
    AacAudio.Undecodable broken =
        assertThrows(
            AacAudio.Undecodable.class,
            () -> AacAudio.decode(damaged, "audio/x-aac", VoiceNotes.MAX_SECONDS));
    assertTrue(broken.getMessage().contains("AAC"), broken.getMessage());
    AacAudio.Undecodable tooLong =
        assertThrows(
            AacAudio.Undecodable.class,
            () -> AacAudio.decode(resource("tone-440.m4a"), "audio/mp4", 0.5));
    assertTrue(tooLong.getMessage().contains("at most"), tooLong.getMessage());
    // ffmpeg's encoder uses noise substitution on noisy audio; the decoder here loses the audio
    // there: refused with what to send instead, never sent as a mute voice note.
    VoiceNotes.Refused mute =
        assertThrows(
            VoiceNotes.Refused.class,
            () -> new VoiceNotes(null, null).upload(resource("chirp-noise-pns.m4a"), "ana"));
    assertEquals(422, mute.status());
    assertTrue(mute.getMessage().contains("noise substitution"), mute.getMessage());
    // A clip that ends in 0.4 s of digital silence (an edited recording) is no lost audio.
    AacAudio.Pcm padded =
        AacAudio.decode(resource("tone-then-silence.m4a"), "audio/mp4", VoiceNotes.MAX_SECONDS);
    assertEquals(1.4, padded.mono().length / (double) padded.rate(), 0.1);
  }

  @Test
  void aConfiguredProviderSpeaksTheTextInOggOpus() throws Exception {
    byte[] answer = OggOpus.encode(tone(200, 24_000, 1.0), 24_000);
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    int[] status = {200};
    com.sun.net.httpserver.HttpServer server =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/audio/speech",
        ex -> {
          seen.add(
              ex.getRequestHeaders().getFirst("Authorization")
                  + " "
                  + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          byte[] body =
              status[0] == 200 ? answer : "{\"error\":{}}".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(status[0], body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
      com.salesagent.activities.compose.LlmSettings llm =
          new com.salesagent.activities.compose.LlmSettings(
              "openai", "gpt-4o-mini", "sk-test", base, java.time.Duration.ofSeconds(5), 0);
      assertEquals(null, VoiceNotes.provider(llm, ""));
      VoiceNotes.Speaker speaker = VoiceNotes.provider(llm, "gpt-4o-mini-tts");
      assertEquals("openai/gpt-4o-mini-tts", speaker.label());

      assertArrayEquals(answer, speaker.speak("Olá Ana, tudo bem?"));
      assertTrue(seen.get(0).startsWith("Bearer sk-test {"), seen.get(0));
      assertTrue(seen.get(0).contains("\"response_format\":\"opus\""), seen.get(0));
      assertTrue(seen.get(0).contains("\"input\":\"Olá Ana, tudo bem?\""), seen.get(0));

      status[0] = 429;
      assertThrows(
          com.salesagent.activities.whatsapp.CloudMedia.Unavailable.class,
          () -> speaker.speak("again"));
      status[0] = 400;
      assertThrows(
          com.salesagent.activities.whatsapp.CloudMedia.Refused.class,
          () -> speaker.speak("again"));
    } finally {
      server.stop(0);
    }
  }

  @Test
  void whatCannotBecomeAVoiceNoteIsRefusedBeforeAnythingIsStored() {
    VoiceNotes notes = new VoiceNotes(null, null); // no storage: a refusal never reaches it
    byte[] m4a = new byte[4096];
    byte[] box = "\0\0\0\u0020ftypM4A \0\0\0\0M4A mp42isom".getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(box, 0, m4a, 0, box.length);
    VoiceNotes.Refused empty =
        assertThrows(VoiceNotes.Refused.class, () -> notes.upload(m4a, "ana"));
    assertEquals(422, empty.status(), "an M4A with no audio in it");
    assertTrue(empty.getMessage().contains("M4A"), empty.getMessage());
    byte[] pdf = "%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n".getBytes(StandardCharsets.ISO_8859_1);
    VoiceNotes.Refused type =
        assertThrows(VoiceNotes.Refused.class, () -> notes.upload(pdf, "ana"));
    assertEquals(415, type.status());
    assertTrue(type.getMessage().contains("M4A or AAC"), type.getMessage());
    assertTrue(type.getMessage().contains("application/pdf"), type.getMessage());

    VoiceNotes.Refused big =
        assertThrows(
            VoiceNotes.Refused.class,
            () -> notes.upload(new byte[(int) VoiceNotes.MAX_BYTES + 1], "ana"));
    assertEquals(413, big.status());
    assertEquals(
        422,
        assertThrows(VoiceNotes.Refused.class, () -> notes.upload(new byte[0], "ana")).status());

    byte[] damaged = OggOpus.encode(tone(440, 16_000, 1.0), 16_000);
    damaged[damaged.length - 3] ^= 0x11;
    VoiceNotes.Refused broken =
        assertThrows(VoiceNotes.Refused.class, () -> notes.upload(damaged, "ana"));
    assertEquals(422, broken.status());
    assertTrue(broken.getMessage().contains("damaged"), broken.getMessage());

    VoiceNotes.Refused language =
        assertThrows(VoiceNotes.Refused.class, () -> notes.speak("Olá Ana", "pt-BR"));
    assertTrue(language.getMessage().contains("English only"), language.getMessage());
    assertEquals(
        422,
        assertThrows(
                VoiceNotes.Refused.class,
                () -> notes.speak("x".repeat(VoiceNotes.MAX_TEXT + 1), "en"))
            .status());
    assertFalse(VoiceNotes.OFFLINE.isBlank());

    // The cap counts code points: 1,500 emoji (3,000 UTF-16 chars) pass it, on to the next check
    // (the offline voice speaks English only); 1,501 are over it. Before, both were over it.
    String emoji = new String(Character.toChars(0x1F600));
    VoiceNotes.Refused atCap =
        assertThrows(
            VoiceNotes.Refused.class,
            () -> notes.speak(emoji.repeat(VoiceNotes.MAX_TEXT), "pt-BR"));
    assertTrue(atCap.getMessage().contains("English only"), atCap.getMessage());
    VoiceNotes.Refused past =
        assertThrows(
            VoiceNotes.Refused.class,
            () -> notes.speak(emoji.repeat(VoiceNotes.MAX_TEXT + 1), "pt-BR"));
    assertTrue(past.getMessage().contains("at most"), past.getMessage());
  }

  private static byte[] pcmFile(short[] mono, int rate, AudioFileFormat.Type type)
      throws Exception {
    ByteBuffer pcm = ByteBuffer.allocate(mono.length * 2).order(ByteOrder.BIG_ENDIAN);
    for (short s : mono) {
      pcm.putShort(s);
    }
    AudioFormat format = new AudioFormat(rate, 16, 1, true, true);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AudioSystem.write(
        new AudioInputStream(new ByteArrayInputStream(pcm.array()), format, mono.length),
        type,
        out);
    return out.toByteArray();
  }

  /**
   * A muted microphone (QA: 2 s of zero samples as WAV went out as a 2.0 s voice note) or one that
   * picked up only its noise floor is refused (422, saying it is silent) in every type a recording
   * comes in: each is decoded here. Quiet speech is not.
   */
  @Test
  void aSilentRecordingIsRefusedInEveryTypeAndAQuietOneIsNot() throws Exception {
    VoiceNotes notes = new VoiceNotes(null, null); // no storage: a refusal never reaches it
    short[] zeros = new short[32_000];
    java.util.Random random = new java.util.Random(7);
    short[] noiseFloor = new short[32_000]; // about -70 dBFS
    for (int i = 0; i < noiseFloor.length; i++) {
      noiseFloor[i] = (short) Math.round(random.nextGaussian() * 10);
    }
    java.util.Map<String, byte[]> silent = new java.util.LinkedHashMap<>();
    silent.put("WAV of zeros", pcmFile(zeros, 16_000, AudioFileFormat.Type.WAVE));
    silent.put("WAV at the noise floor", pcmFile(noiseFloor, 16_000, AudioFileFormat.Type.WAVE));
    silent.put("AIFF of zeros", pcmFile(zeros, 44_100, AudioFileFormat.Type.AIFF));
    silent.put("AU of zeros", pcmFile(zeros, 8_000, AudioFileFormat.Type.AU));
    silent.put("Ogg Opus of zeros", OggOpus.encode(zeros, 16_000));
    silent.put("Ogg Opus at the noise floor", OggOpus.encode(noiseFloor, 48_000));
    silent.forEach(
        (what, recording) -> {
          VoiceNotes.Refused refused =
              assertThrows(VoiceNotes.Refused.class, () -> notes.uploaded(recording, "ana"), what);
          assertEquals(422, refused.status(), what);
          assertTrue(refused.getMessage().contains("silent"), what + ": " + refused.getMessage());
        });

    short[] quiet = tone(300, 16_000, 2);
    for (int i = 0; i < quiet.length; i++) {
      quiet[i] = (short) (quiet[i] / 50); // peak 160, about -46 dBFS: quiet, audible
    }
    // What upload checks, short of storing (no storage here): the WAV's Ogg Opus is loud enough.
    OggOpus.Info info =
        OggOpus.read(VoiceNotes.transcode(pcmFile(quiet, 16_000, AudioFileFormat.Type.WAVE)));
    assertEquals(2.0, info.seconds(), 0.05);
    assertTrue(info.loudestRms() > 2 * VoiceNotes.SILENT_BELOW_RMS, "rms " + info.loudestRms());
  }

  /** A speaker that answers two seconds of Ogg Opus of these samples, whatever it is given. */
  private static VoiceNotes.Speaker speaking(short[] samples, String label) {
    return new VoiceNotes.Speaker() {
      @Override
      public byte[] speak(String text) {
        return OggOpus.encode(samples, 16_000);
      }

      @Override
      public String label() {
        return label;
      }
    };
  }

  /**
   * A spoken voice note is checked for silence as a recording is (QA: only recordings were): a
   * speech provider that answers silence (a broken one, or a text with nothing to say once its
   * markup is stripped) is refused 422, naming the provider and what to do, for a rep's voice note
   * and a variant's alike, before anything is stored. A spoken tone is not.
   */
  @Test
  void aSpeakerThatAnswersSilenceIsRefusedNamingItAndNothingIsStored() {
    // A bucket's name and no S3 client: storing anything would fail.
    com.salesagent.activities.storage.ObjectStorage nowhere =
        new com.salesagent.activities.storage.ObjectStorage(null, null, "voices", "us-east-1");
    VoiceNotes notes = new VoiceNotes(nowhere, speaking(new short[32_000], "openai/tts-broken"));
    VoiceNotes.Refused refused =
        assertThrows(VoiceNotes.Refused.class, () -> notes.spoken("Hi Ana, here it is", "en"));
    assertEquals(422, refused.status());
    assertTrue(refused.getMessage().contains("openai/tts-broken"), refused.getMessage());
    assertTrue(refused.getMessage().contains("nothing audible"), refused.getMessage());
    assertThrows(VoiceNotes.Refused.class, () -> notes.speak("Hi Ana, here it is", "en"));

    VoiceNotes.Made made =
        new VoiceNotes(nowhere, speaking(tone(220, 16_000, 2.0), "openai/tts"))
            .spoken("Hi Ana, here it is", "en");
    assertEquals("openai/tts", made.media().getString("madeBy"));
  }
}
