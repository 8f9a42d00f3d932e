package com.salesagent.api.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Image messages and template image headers, as Meta's Cloud API takes them: a stored media id or
 * an https link, a caption of at most 1,024 characters, unknown ids refused with 131053, and
 * images, like free text, only inside the recipient's 24 h window.
 */
class EmulatorImageMessageTest {
  private static final String BOUNDARY = "----emulator-image-test-boundary";
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final BlockingQueue<JsonNode> statuses = new LinkedBlockingQueue<>();
  private EmulatorRig rig;
  private WhatsAppEmulator emulator;

  @BeforeEach
  void start() throws IOException {
    rig = EmulatorRig.start(value -> value.path("statuses").forEach(statuses::add));
    emulator = rig.emulator;
  }

  @AfterEach
  void stop() {
    rig.close();
  }

  @Test
  void anUploadedImageInsideTheWindowIsAcceptedAndDelivered() throws Exception {
    String id = uploadPng();
    String waId = "4915112345001";
    emulator.recipientWrote(waId);

    HttpResponse<String> r = send(image(waId, id, null, "Our new model"));

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode answer = json.readTree(r.body());
    String wamid = answer.path("messages").path(0).path("id").asText();
    assertThat(wamid).startsWith("wamid.");
    assertThat(answer.path("contacts").path(0).path("wa_id").asText()).isEqualTo(waId);
    assertThat(emulator.lastMessageType(waId)).isEqualTo("image");
    assertThat(emulator.lastMediaId("+" + waId)).isEqualTo(id);
    assertThat(emulator.acceptedFor(waId)).isEqualTo(1);
    assertThat(statusesOf(wamid, 2)).containsExactlyInAnyOrder("sent", "delivered");

    // a text after it: the last message is text, with no media
    send(text(waId, "and the price?"));
    assertThat(emulator.lastMessageType(waId)).isEqualTo("text");
    assertThat(emulator.lastMediaId(waId)).isNull();
  }

  @Test
  void anImageByHttpsLinkIsAcceptedAndNotFetched() throws Exception {
    String waId = "4915112345002";
    emulator.recipientWrote(waId);
    assertThat(send(image(waId, null, "https://example.invalid/car.png", null)).statusCode())
        .isEqualTo(200);
    assertThat(emulator.lastMessageType(waId)).isEqualTo("image");
    assertThat(emulator.lastMediaId(waId)).isNull();

    HttpResponse<String> plain = send(image(waId, null, "http://example.invalid/car.png", null));
    assertThat(errorCode(plain)).isEqualTo(100);
  }

  @Test
  void anUnknownMediaIdIs131053() throws Exception {
    String waId = "4915112345003";
    emulator.recipientWrote(waId);
    HttpResponse<String> r = send(image(waId, "998877665544332", null, null));
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode error = json.readTree(r.body()).path("error");
    assertThat(error.path("code").asInt()).isEqualTo(131053);
    assertThat(error.path("error_data").path("details").asText()).contains("998877665544332");
    assertThat(emulator.acceptedFor(waId)).isZero();
    assertThat(emulator.lastMessageType(waId)).isNull();
  }

  @Test
  void aTooLongCaptionOrNoMediaIs100() throws Exception {
    String id = uploadPng();
    String waId = "4915112345004";
    emulator.recipientWrote(waId);

    HttpResponse<String> longCaption = send(image(waId, id, null, "x".repeat(1025)));
    assertThat(longCaption.statusCode()).isEqualTo(400);
    assertThat(errorCode(longCaption)).isEqualTo(100);
    assertThat(send(image(waId, id, null, "x".repeat(1024))).statusCode()).isEqualTo(200);

    HttpResponse<String> neither = send(image(waId, null, null, "no media"));
    assertThat(neither.statusCode()).isEqualTo(400);
    assertThat(errorCode(neither)).isEqualTo(100);

    ObjectNode noObject = json.createObjectNode();
    noObject.put("messaging_product", "whatsapp").put("to", waId).put("type", "image");
    assertThat(errorCode(send(noObject))).isEqualTo(100);
    assertThat(emulator.acceptedFor(waId)).isEqualTo(1);
  }

  /**
   * A text message's body (at most 4,096) and an image's caption (at most 1,024) count code points,
   * as the approval's edit and the send do ({@code WhatsAppLimits}): 4,096 emoji (8,192 UTF-16
   * chars) go, one code point more is 100 naming text['body'] (the emulator took any length); a
   * caption of 1,024 emoji goes (it was refused as 2,048), one more is 100.
   */
  @Test
  void aTextBodyAndACaptionAreCountedInCodePoints() throws Exception {
    String emoji = new String(Character.toChars(0x1F680));
    String id = uploadPng();
    String waId = "4915112345009";
    emulator.recipientWrote(waId);

    HttpResponse<String> atCap = send(text(waId, emoji.repeat(4096)));
    assertThat(atCap.statusCode()).as(atCap.body()).isEqualTo(200);
    assertThat(emulator.lastTextFor(waId)).isEqualTo(emoji.repeat(4096));
    HttpResponse<String> past = send(text(waId, emoji.repeat(4096) + "a"));
    assertThat(past.statusCode()).isEqualTo(400);
    assertThat(errorCode(past)).isEqualTo(100);
    assertThat(json.readTree(past.body()).at("/error/error_data/details").asText())
        .contains("text['body']");

    HttpResponse<String> caption = send(image(waId, id, null, emoji.repeat(1024)));
    assertThat(caption.statusCode()).as(caption.body()).isEqualTo(200);
    HttpResponse<String> longCaption = send(image(waId, id, null, emoji.repeat(1024) + "a"));
    assertThat(longCaption.statusCode()).isEqualTo(400);
    assertThat(errorCode(longCaption)).isEqualTo(100);
    assertThat(emulator.acceptedFor(waId)).isEqualTo(2);
  }

  @Test
  void anImageOutsideTheWindowFailsWith131047() throws Exception {
    String id = uploadPng();
    String waId = "4915112345005";

    HttpResponse<String> r = send(image(waId, id, null, "hello"));

    // accepted, then failed by status callback, exactly as free text is
    assertThat(r.statusCode()).isEqualTo(200);
    String wamid = json.readTree(r.body()).path("messages").path(0).path("id").asText();
    JsonNode failed = nextStatus(wamid);
    assertThat(failed.path("status").asText()).isEqualTo("failed");
    assertThat(failed.path("errors").path(0).path("code").asInt()).isEqualTo(131047);
  }

  /**
   * A message replayed from the recipient ({@code /emulator/replay}) is the recipient writing, as
   * Meta sees it: their 24 h window opens and an image reaches them (it failed with 131047, so the
   * hand-off and an owner's reply could not be tried with recorded payloads).
   */
  @Test
  void aReplayedMessageFromTheRecipientOpensTheirWindow() throws Exception {
    String id = uploadPng();
    String waId = "4915112345007";
    String recorded =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"w\",\"changes\":[{"
            + "\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\","
            + "\"metadata\":{\"phone_number_id\":\"1\"},\"messages\":[{\"from\":\""
            + waId
            + "\",\"id\":\"wamid.in-1\",\"timestamp\":\"1764064800\",\"type\":\"text\","
            + "\"text\":{\"body\":\"Tell me more\"}}]}}]}]}";
    HttpResponse<String> replayed =
        http.send(
            HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/emulator/replay"))
                .POST(HttpRequest.BodyPublishers.ofString(recorded))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(202);

    HttpResponse<String> r = send(image(waId, id, null, "hello"));

    String wamid = json.readTree(r.body()).path("messages").path(0).path("id").asText();
    assertThat(nextStatus(wamid).path("status").asText()).isIn("sent", "delivered");
  }

  @Test
  void aTemplateImageHeaderMustNameStoredMedia() throws Exception {
    String id = uploadPng();
    String waId = "4915112345006";

    HttpResponse<String> ok = send(template(waId, id));
    assertThat(ok.statusCode()).isEqualTo(200);
    JsonNode answer = json.readTree(ok.body());
    assertThat(answer.path("messages").path(0).path("message_status").asText())
        .isEqualTo("accepted");
    String wamid = answer.path("messages").path(0).path("id").asText();
    assertThat(emulator.lastMessageType(waId)).isEqualTo("template");
    assertThat(emulator.lastMediaId(waId)).isEqualTo(id);
    // a template opens the conversation: no window needed
    assertThat(nextStatus(wamid).path("status").asText()).isIn("sent", "delivered");

    HttpResponse<String> unknown = send(template(waId, "998877665544332"));
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(errorCode(unknown)).isEqualTo(131053);
    assertThat(emulator.acceptedFor(waId)).isEqualTo(1);

    // body parameters keep their own checks
    ObjectNode badBody = template(waId, id);
    ((ObjectNode) badBody.path("template").path("components").path(1).path("parameters").path(0))
        .put("text", "two\nlines");
    assertThat(errorCode(send(badBody))).isEqualTo(132018);
  }

  private ObjectNode image(String waId, String id, String link, String caption) {
    ObjectNode body = json.createObjectNode();
    body.put("messaging_product", "whatsapp").put("to", "+" + waId).put("type", "image");
    ObjectNode image = body.putObject("image");
    if (id != null) {
      image.put("id", id);
    }
    if (link != null) {
      image.put("link", link);
    }
    if (caption != null) {
      image.put("caption", caption);
    }
    return body;
  }

  private ObjectNode text(String waId, String text) {
    ObjectNode body = json.createObjectNode();
    body.put("messaging_product", "whatsapp").put("to", waId).put("type", "text");
    body.putObject("text").put("body", text);
    return body;
  }

  private ObjectNode template(String waId, String mediaId) {
    ObjectNode body = json.createObjectNode();
    body.put("messaging_product", "whatsapp").put("to", waId).put("type", "template");
    ObjectNode template = body.putObject("template").put("name", "new_model_launch");
    template.putObject("language").put("code", "en_US");
    var components = template.putArray("components");
    ObjectNode header = components.addObject().put("type", "header");
    header
        .putArray("parameters")
        .addObject()
        .put("type", "image")
        .putObject("image")
        .put("id", mediaId);
    ObjectNode bodyComponent = components.addObject().put("type", "body");
    bodyComponent.putArray("parameters").addObject().put("type", "text").put("text", "Ana");
    return body;
  }

  private HttpResponse<String> send(ObjectNode body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create(emulator.baseUrl() + "/v21.0/" + emulator.phoneNumberId() + "/messages"))
            .header("Authorization", "Bearer " + emulator.accessToken())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private int errorCode(HttpResponse<String> r) throws IOException {
    assertThat(r.statusCode()).isEqualTo(400);
    return json.readTree(r.body()).path("error").path("code").asInt();
  }

  private JsonNode nextStatus(String wamid) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      JsonNode s = statuses.poll(100, TimeUnit.MILLISECONDS);
      if (s != null && wamid.equals(s.path("id").asText())) {
        return s;
      }
    }
    throw new AssertionError("no status callback for " + wamid);
  }

  private List<String> statusesOf(String wamid, int n) throws InterruptedException {
    List<String> out = new ArrayList<>();
    while (out.size() < n) {
      out.add(nextStatus(wamid).path("status").asText());
    }
    return out;
  }

  private String uploadPng() throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(field("messaging_product", "whatsapp"));
    body.writeBytes(field("type", "image/png"));
    body.writeBytes(
        ("--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"car.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(EmulatorMedia.samplePng("car"));
    body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        emulator.baseUrl() + "/v21.0/" + emulator.phoneNumberId() + "/media"))
                .header("Authorization", "Bearer " + emulator.accessToken())
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return json.readTree(r.body()).path("id").asText();
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
