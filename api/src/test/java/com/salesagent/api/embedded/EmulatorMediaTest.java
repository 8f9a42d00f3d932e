package com.salesagent.api.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The emulator's media endpoints, as Meta's: upload, URL, download (token, expiry), samples for ids
 * it never stored, limits, and recipients replying with media.
 */
class EmulatorMediaTest {
  private static final String BOUNDARY = "----emulator-media-test-boundary";
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private WhatsAppEmulator emulator;
  private HttpServer webhook;

  @BeforeEach
  void start() throws IOException {
    emulator = new WhatsAppEmulator(0, null, null, null, null, ackOnly());
    emulator.start();
  }

  @AfterEach
  void stop() {
    emulator.stop();
    if (webhook != null) {
      webhook.stop(0);
    }
  }

  @Test
  void uploadThenUrlThenDownloadGivesTheSameBytes() throws Exception {
    byte[] png = EmulatorMedia.samplePng("uploaded");
    HttpResponse<String> up = upload(emulator.phoneNumberId(), token(), "image/png", png);
    assertThat(up.statusCode()).isEqualTo(200);
    String id = json.readTree(up.body()).path("id").asText();
    assertThat(id).matches("10[0-9]{14}");
    assertThat(emulator.media().bytes(id)).isEqualTo(png);

    HttpResponse<String> meta = get("/v21.0/" + id, token());
    assertThat(meta.statusCode()).isEqualTo(200);
    JsonNode m = json.readTree(meta.body());
    assertThat(m.path("messaging_product").asText()).isEqualTo("whatsapp");
    assertThat(m.path("id").asText()).isEqualTo(id);
    assertThat(m.path("mime_type").asText()).isEqualTo("image/png");
    assertThat(m.path("sha256").asText())
        .isEqualTo(EmulatorMedia.sha256(png))
        .matches("[0-9a-f]{64}");
    assertThat(m.path("file_size").isNumber()).isTrue();
    assertThat(m.path("file_size").asLong()).isEqualTo(png.length);
    String url = m.path("url").asText();
    assertThat(url).startsWith(emulator.baseUrl() + "/emulator/media/" + id + "/download?expires=");
    long expires = Long.parseLong(url.substring(url.indexOf("expires=") + 8));
    assertThat(expires - Instant.now().getEpochSecond()).isBetween(280L, 301L);

    HttpResponse<byte[]> down = download(url, token());
    assertThat(down.statusCode()).isEqualTo(200);
    assertThat(down.body()).isEqualTo(png);
    assertThat(down.headers().firstValue("Content-Type")).hasValue("image/png");

    assertThat(download(url, null).statusCode()).isEqualTo(401);
    assertThat(download(url, "wrong-token").statusCode()).isEqualTo(401);
    assertThat(get("/v21.0/" + id, "wrong-token").statusCode()).isEqualTo(401);
    assertThat(json.readTree(get("/v21.0/" + id, null).body()).path("error").path("code").asInt())
        .isEqualTo(190);

    assertThat(emulator.media().urlRequests(id)).isEqualTo(1);
    assertThat(emulator.media().downloads(id)).isEqualTo(1);
    download(url, token());
    assertThat(emulator.media().downloads(id)).isEqualTo(2);
  }

  @Test
  void anyServedNumbersTokenReadsMedia() throws Exception {
    EmulatorNumbers.Number second = emulator.addNumber();
    String id = emulator.media().put("audio/ogg; codecs=opus", emulator.media().voiceNote());
    HttpResponse<String> meta = get("/v19.0/" + id, second.accessToken());
    assertThat(meta.statusCode()).isEqualTo(200);
    JsonNode m = json.readTree(meta.body());
    assertThat(m.path("mime_type").asText()).isEqualTo("audio/ogg; codecs=opus");
    HttpResponse<byte[]> down = download(m.path("url").asText(), token());
    assertThat(down.body()).isEqualTo(emulator.media().voiceNote());
    assertThat(down.headers().firstValue("Content-Type")).hasValue("audio/ogg; codecs=opus");
  }

  @Test
  void anExpiredUrlIsNotFound() throws Exception {
    String id = emulator.media().put("image/png", EmulatorMedia.samplePng("x"));
    emulator.media().setClock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-6)));
    String url = json.readTree(get("/v21.0/" + id, token()).body()).path("url").asText();
    emulator.media().setClock(Clock.systemUTC());
    assertThat(download(url, token()).statusCode()).isEqualTo(404);
    assertThat(download(url.substring(0, url.indexOf('?')), token()).statusCode()).isEqualTo(404);
    assertThat(
            download(url.replaceAll("expires=[0-9]+", "expires=99999999999"), token()).statusCode())
        .isEqualTo(404);
    assertThat(emulator.media().downloads(id)).isZero();
  }

  /**
   * A media id from a replayed payload is served as a sample of its declared type: what the bytes
   * are (sniffed as the app sniffs) is what was declared, for every type the emulator can make; an
   * id it created, a malformed id, or a type it cannot make is not taken.
   */
  @Test
  void aReplayedMediaIdIsServedAsASampleOfItsDeclaredType() throws Exception {
    java.util.Map<String, String> declared = new java.util.LinkedHashMap<>();
    declared.put("image/jpeg", "image/jpeg");
    declared.put("image/png", "image/png");
    declared.put("image/webp", "image/webp");
    declared.put("audio/ogg; codecs=opus", "audio/opus");
    declared.put("audio/mpeg", "audio/mpeg");
    declared.put("audio/mp4", "audio/mp4");
    declared.put("audio/aac", "audio/x-aac");
    declared.put("video/mp4", "video/mp4");
    declared.put("application/pdf", "application/pdf");
    declared.put("text/plain", "text/plain");
    int n = 0;
    for (var e : declared.entrySet()) {
      String id = "5550000000" + n++;
      assertThat(emulator.media().expect(id, e.getKey())).as(e.getKey()).isTrue();
      JsonNode m = json.readTree(get("/v21.0/" + id, token()).body());
      assertThat(m.path("mime_type").asText()).isEqualTo(e.getKey());
      byte[] bytes = download(m.path("url").asText(), token()).body();
      assertThat(com.salesagent.activities.media.MediaTypes.sniff(bytes))
          .as(e.getKey())
          .isEqualTo(e.getValue());
      assertThat(m.path("file_size").asLong()).isEqualTo(bytes.length);
    }
    assertThat(emulator.media().expect("5550000000" + 0, "image/png"))
        .as("taken already")
        .isFalse();
    assertThat(emulator.media().expect("bad id!", "image/png")).isFalse();
    assertThat(emulator.media().expect("5551111111", "application/zip")).isFalse();
    assertThat(get("/v21.0/5551111111", token()).body()).contains("image/png"); // the old default
  }

  @Test
  void anUnknownWellFormedIdIsADeterministicSamplePng() throws Exception {
    String id = "998877665544332";
    HttpResponse<String> meta = get("/v21.0/" + id, token());
    assertThat(meta.statusCode()).isEqualTo(200);
    JsonNode m = json.readTree(meta.body());
    assertThat(m.path("mime_type").asText()).isEqualTo("image/png");
    byte[] first = download(m.path("url").asText(), token()).body();
    byte[] second = download(m.path("url").asText(), token()).body();
    assertThat(EmulatorMediaTypes.isPng(first)).isTrue();
    assertThat(first).isEqualTo(second).isEqualTo(EmulatorMedia.samplePng(id));
    assertThat(m.path("sha256").asText()).isEqualTo(EmulatorMedia.sha256(first));
    assertThat(m.path("file_size").asLong()).isEqualTo(first.length);
    assertThat(EmulatorMedia.samplePng("other")).isNotEqualTo(first);
    assertThat(emulator.media().bytes(id)).isNull();
    assertThat(emulator.media().urlRequests(id)).isEqualTo(1);
    assertThat(emulator.media().downloads(id)).isEqualTo(2);
  }

  @Test
  void aMalformedIdIsRefused() throws Exception {
    HttpResponse<String> r = get("/v21.0/bad$id", token());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json.readTree(r.body()).path("error").path("code").asInt()).isEqualTo(100);
    assertThat(get("/v21.0/" + "1".repeat(129), token()).statusCode()).isEqualTo(400);
    // paths that are not Graph versions stay 404, as before
    assertThat(get("/emulator/nothing", token()).statusCode()).isEqualTo(404);
  }

  @Test
  void uploadsOverMetasLimitsOrOfOtherTypesAreRefused() throws Exception {
    byte[] big = new byte[5 * 1024 * 1024 + 1];
    HttpResponse<String> r = upload(emulator.phoneNumberId(), token(), "image/jpeg", big);
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode e = json.readTree(r.body()).path("error");
    assertThat(e.path("code").asInt()).isEqualTo(131053);
    assertThat(e.path("error_data").path("details").asText()).contains("5 MB");

    HttpResponse<String> sticker =
        upload(emulator.phoneNumberId(), token(), "image/webp", new byte[500 * 1024 + 1]);
    assertThat(json.readTree(sticker.body()).path("error").path("code").asInt()).isEqualTo(131053);

    HttpResponse<String> exe =
        upload(emulator.phoneNumberId(), token(), "application/x-msdownload", new byte[10]);
    assertThat(exe.statusCode()).isEqualTo(400);
    assertThat(json.readTree(exe.body()).path("error").path("code").asInt()).isEqualTo(131053);

    HttpResponse<String> vorbis =
        upload(emulator.phoneNumberId(), token(), "audio/ogg", "OggS not opus".getBytes());
    assertThat(json.readTree(vorbis.body()).path("error").path("code").asInt()).isEqualTo(131053);

    assertThat(upload(emulator.phoneNumberId(), "wrong", "image/png", new byte[10]).statusCode())
        .isEqualTo(401);
    EmulatorNumbers.Number second = emulator.addNumber();
    assertThat(upload(second.phoneNumberId(), token(), "image/png", new byte[10]).statusCode())
        .isEqualTo(401);

    assertThat(emulator.media().storedCount()).isZero();
    HttpResponse<String> ok =
        upload(emulator.phoneNumberId(), token(), "audio/ogg", emulator.media().voiceNote());
    assertThat(ok.statusCode()).isEqualTo(200);
    HttpResponse<String> pdf =
        upload(second.phoneNumberId(), second.accessToken(), "application/pdf", new byte[1000]);
    assertThat(pdf.statusCode()).isEqualTo(200);
    assertThat(emulator.media().storedCount()).isEqualTo(2);
  }

  @Test
  void multipartIsParsedByTheBook() {
    byte[] body =
        ("--b\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n"
                + "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\nline1\r\n--bnot\r\n--b--\r\n")
            .getBytes(StandardCharsets.UTF_8);
    var parts = EmulatorMultipart.parseMultipart(body, "b");
    assertThat(parts).containsKeys("messaging_product", "file");
    assertThat(parts.get("file").filename()).isEqualTo("a.txt");
    assertThat(parts.get("file").contentType()).isEqualTo("text/plain");
    assertThat(new String(parts.get("file").bytes(), StandardCharsets.UTF_8))
        .isEqualTo("line1\r\n--bnot");
    assertThat(EmulatorMultipart.parseMultipart("garbage".getBytes(), "b")).isNull();
    assertThat(EmulatorMultipart.boundary("multipart/form-data; boundary=\"xyz\""))
        .isEqualTo("xyz");
    assertThat(EmulatorMultipart.boundary("application/json")).isNull();
  }

  @Test
  void theVoiceNoteIsOggOpus() {
    byte[] ogg = emulator.media().voiceNote();
    assertThat(new String(ogg, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("OggS");
    assertThat(EmulatorMediaTypes.isOggOpus(ogg)).isTrue();
    assertThat(ogg.length).isBetween(500, 20_000);
  }

  @Test
  void mediaReplyShareOneMakesRepliesImagesAndVoiceNotes() throws Exception {
    BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.createContext(
        "/webhook",
        ex -> {
          byte[] body = EmulatorMultipart.readCapped(ex.getRequestBody(), 1024 * 1024);
          received.add(json.readTree(body));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    webhook.start();
    emulator.setWebhookUrl("http://127.0.0.1:" + webhook.getAddress().getPort() + "/webhook");
    emulator.setBehaviour(replying().withMediaReplyShare(1.0));
    String waId = "4915112345678";
    emulator.recipientWrote(waId);
    List<String> wamids = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> sent =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          emulator.baseUrl() + "/v21.0/" + emulator.phoneNumberId() + "/messages"))
                  .header("Authorization", "Bearer " + token())
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"messaging_product\":\"whatsapp\",\"to\":\"+"
                              + waId
                              + "\",\"type\":\"text\",\"text\":{\"body\":\"hello "
                              + i
                              + "\"}}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(sent.statusCode()).isEqualTo(200);
      wamids.add(json.readTree(sent.body()).path("messages").path(0).path("id").asText());
    }
    List<JsonNode> messages = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (messages.size() < 2 && System.nanoTime() < deadline) {
      JsonNode envelope = received.poll(200, TimeUnit.MILLISECONDS);
      if (envelope == null) {
        continue;
      }
      JsonNode value = envelope.path("entry").path(0).path("changes").path(0).path("value");
      if (value.has("messages")) {
        messages.add(value.path("messages").path(0));
      }
    }
    assertThat(messages).hasSize(2);
    JsonNode image =
        messages.stream().filter(m -> "image".equals(m.path("type").asText())).findFirst().get();
    JsonNode audio =
        messages.stream().filter(m -> "audio".equals(m.path("type").asText())).findFirst().get();
    for (JsonNode m : messages) {
      assertThat(m.path("from").asText()).isEqualTo(waId);
      assertThat(m.path("id").asText()).startsWith("wamid.IN");
      assertThat(m.path("timestamp").asText()).matches("[0-9]+");
      assertThat(m.path("context").path("id").asText()).isIn(wamids);
      assertThat(m.has("text")).isFalse();
    }
    assertThat(image.path("image").path("caption").asText()).isEqualTo("Thanks, noted");
    assertThat(image.path("image").path("mime_type").asText()).isEqualTo("image/png");
    String imageId = image.path("image").path("id").asText();
    byte[] png = emulator.media().bytes(imageId);
    assertThat(EmulatorMediaTypes.isPng(png)).isTrue();
    assertThat(image.path("image").path("sha256").asText()).isEqualTo(EmulatorMedia.sha256(png));

    assertThat(audio.path("audio").path("mime_type").asText()).isEqualTo("audio/ogg; codecs=opus");
    assertThat(audio.path("audio").path("voice").asBoolean()).isTrue();
    String audioId = audio.path("audio").path("id").asText();
    byte[] ogg = emulator.media().bytes(audioId);
    assertThat(EmulatorMediaTypes.isOggOpus(ogg)).isTrue();
    assertThat(audio.path("audio").path("sha256").asText()).isEqualTo(EmulatorMedia.sha256(ogg));

    // the media the webhook names can be fetched as the worker would
    JsonNode meta = json.readTree(get("/v21.0/" + audioId, token()).body());
    assertThat(download(meta.path("url").asText(), token()).body()).isEqualTo(ogg);
  }

  @Test
  void behaviourJsonWithoutMediaReplyShareStillReads() throws Exception {
    EmulatorBehaviour b = EmulatorBehaviour.defaults();
    String text = json.writeValueAsString(b);
    assertThat(text).contains("\"mediaReplyShare\":0.0");
    String old = text.replace(",\"mediaReplyShare\":0.0", "");
    assertThat(json.readValue(old, EmulatorBehaviour.class)).isEqualTo(b);
    assertThat(
            json.readValue(
                    text.replace("\"mediaReplyShare\":0.0", "\"mediaReplyShare\":0.5"),
                    EmulatorBehaviour.class)
                .mediaReplyShare())
        .isEqualTo(0.5);
  }

  private String token() {
    return emulator.accessToken();
  }

  private static EmulatorBehaviour ackOnly() {
    return new EmulatorBehaviour(
        EmulatorBehaviour.ACK_ONLY,
        1,
        0,
        0,
        0,
        0,
        10,
        10,
        10,
        10,
        List.of("x"),
        List.of("STOP"),
        1);
  }

  private static EmulatorBehaviour replying() {
    return new EmulatorBehaviour(
        EmulatorBehaviour.REALISTIC,
        1,
        1,
        1,
        0,
        0,
        10,
        10,
        10,
        50,
        List.of("Thanks, noted"),
        List.of("STOP"),
        7);
  }

  private HttpResponse<String> get(String path, String bearer) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(emulator.baseUrl() + path)).GET();
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<byte[]> download(String url, String bearer) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<String> upload(
      String phoneNumberId, String bearer, String type, byte[] bytes) throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(field("messaging_product", "whatsapp"));
    body.writeBytes(field("type", type));
    body.writeBytes(
        ("--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload.bin\"\r\n"
                + "Content-Type: "
                + type
                + "\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(bytes);
    body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return http.send(
        HttpRequest.newBuilder(
                URI.create(emulator.baseUrl() + "/v21.0/" + phoneNumberId + "/media"))
            .header("Authorization", "Bearer " + bearer)
            .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] field(String name, String value) {
    return ("--"
            + BOUNDARY
            + "\r\nContent-Disposition: form-data; name=\""
            + name
            + "\"\r\n\r\n"
            + value
            + "\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }
}
