package com.salesagent.activities.lead;

import com.salesagent.activities.whatsapp.WhatsAppClient;
import com.salesagent.workflows.lead.SendRequest;
import java.util.List;
import java.util.function.Supplier;
import org.bson.Document;

/**
 * The Cloud API call a send makes from its composed message, for {@link MessagingActivitiesImpl}.
 */
final class SendCalls {
  private SendCalls() {}

  /**
   * The Cloud API call the send makes, read from the message before anything is claimed: a message
   * it cannot be made from fails here ({@link IllegalStateException}).
   */
  static Supplier<WhatsAppClient.Accepted> call(
      WhatsAppClient whatsapp,
      SendRequest request,
      Document message,
      String phone,
      String mediaId) {
    String key = request.idempotencyKey();
    if (request.template()) {
      Document template = message.get("template", Document.class);
      if (template == null || template.getString("name") == null) {
        throw new IllegalStateException("send " + key + ": a template send without its template");
      }
      String name = template.getString("name");
      String language = template.getString("language");
      List<String> parameters = template.getList("parameters", String.class, List.of());
      return () -> whatsapp.sendTemplate(phone, name, language, parameters, key, mediaId);
    }
    String text = text(request, message);
    if (mediaId != null && isVoiceNote(message)) {
      return () -> whatsapp.sendVoiceNote(phone, mediaId, key);
    }
    return mediaId == null
        ? () -> whatsapp.sendText(phone, text, key)
        : () -> whatsapp.sendImage(phone, mediaId, text, key);
  }

  static boolean isVoiceNote(Document message) {
    Document media = message.get("media", Document.class);
    return media != null && "audio".equals(media.getString("kind"));
  }

  static String text(SendRequest request, Document message) {
    return request.useEditedText() && message.getString("editedText") != null
        ? message.getString("editedText")
        : message.getString("text");
  }
}
