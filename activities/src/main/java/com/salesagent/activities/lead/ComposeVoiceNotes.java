package com.salesagent.activities.lead;

import com.salesagent.activities.media.VoiceNotes;
import com.salesagent.workflows.lead.ComposeRequest;
import org.bson.Document;

/**
 * The voice note a composed message goes with ({@link TemplateComposeActivities#withVoiceNotes}).
 */
final class ComposeVoiceNotes {
  private ComposeVoiceNotes() {}

  /**
   * The voice note of a {@value TemplateComposeActivities#VOICE_NOTE} variant's message, or why
   * there is none: a template (first contact, or outside the 24 h window) cannot carry audio, and
   * the offline voice speaks English only. Null fields for other modalities.
   */
  static Document[] voiceNote(
      VoiceNotes voiceNotes,
      ComposeRequest request,
      Document variant,
      String text,
      Document contact) {
    VoiceNotes notes = voiceNotes;
    if (notes == null
        || !TemplateComposeActivities.VOICE_NOTE.equals(variant.getString("modality"))) {
      return new Document[] {null, null};
    }
    if (request.template()) {
      return new Document[] {
        null,
        new Document("status", "not_made")
            .append(
                "why", "a template goes (outside the 24 h window): WhatsApp has no audio template")
      };
    }
    Document clip = variant.get("voiceNote", Document.class);
    if (clip != null && clip.getString("url") != null) {
      return new Document[] {
        new Document(clip).append("kind", "audio").append("voice", true), null
      };
    }
    try {
      return new Document[] {notes.speak(text, contact.getString("locale")), null};
    } catch (VoiceNotes.Refused e) {
      return new Document[] {
        null, new Document("status", "not_made").append("why", e.getMessage())
      };
    }
  }
}
