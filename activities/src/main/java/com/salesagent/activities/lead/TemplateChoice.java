package com.salesagent.activities.lead;

import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.workflows.lead.ComposeRequest;
import com.salesagent.workflows.lead.OwnerReply;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bson.Document;

/** Which of the variant's templates a composition fills ({@link TemplateComposeActivities}). */
final class TemplateChoice {
  private final LeadStore store;

  TemplateChoice(LeadStore store) {
    this.store = store;
  }

  /**
   * The template for the purpose, in the wording for the lead's persona ({@link PersonaWording});
   * for a follow-up whose template this lead has already received, the other follow-up angle, so a
   * lead never gets the same text twice when another exists. Step 0 is the first contact, except
   * for a re-engagement: a rep's request for the template to a lead that replied to the first
   * contact goes at step 0 (no follow-up nor re-engagement before it) and is the re-engagement.
   */
  PersonaWording.Chosen chooseTemplate(
      ComposeRequest request, Document templates, Document persona) {
    if (request.step() == 0 && !OwnerReply.TEMPLATE.equals(request.purpose())) {
      return PersonaWording.choose(templates, "first_contact", persona);
    }
    Set<String> used = new HashSet<>();
    for (Document m : store.messages().messagesOf(request.leadId())) {
      Document t = m.get("template", Document.class);
      if (t != null && m.getString("wamid") != null) {
        used.add(t.getString("name"));
      }
    }
    // A re-engagement without its own template (a variant from before) takes a follow-up's.
    List<String> purposes =
        "follow_up_read".equals(request.purpose())
            ? List.of("follow_up_read", "follow_up_unread")
            : "re_engagement".equals(request.purpose())
                ? List.of("re_engagement", "follow_up_unread", "follow_up_read")
                : List.of(request.purpose(), "follow_up_read");
    for (String purpose : purposes) {
      PersonaWording.Chosen candidate = PersonaWording.choose(templates, purpose, persona);
      if (candidate.template() != null && !used.contains(candidate.template().getString("name"))) {
        return candidate;
      }
    }
    // Every candidate went already: one again, the purpose's own first. A variant with one
    // follow-up template sends it again (Document.get with a null default threw here, ten attempts,
    // and the lead ended FAILED at its second follow-up).
    List<String> again = new ArrayList<>(List.of(request.purpose(), "follow_up_read"));
    again.addAll(purposes);
    for (String purpose : again) {
      Document template = templates.get(purpose, Document.class);
      if (template != null) {
        return new PersonaWording.Chosen(template, null);
      }
    }
    return new PersonaWording.Chosen(null, null); // none at all: MissingTemplate, not retried
  }
}
