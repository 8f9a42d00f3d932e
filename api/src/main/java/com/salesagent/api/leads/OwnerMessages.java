package com.salesagent.api.leads;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.knowledge.HeldDrafts;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.http.ApiException;
import com.salesagent.workflows.lead.OwnerReply;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.UUID;
import org.bson.Document;

/**
 * A person's message to a lead, checked and queued once per request ({@link LeadConversation} reads
 * the request): the refusals before anything is written ({@link ReplyRefusals}), the request's key
 * (derived for a request without {@code requestId}: {@link UnkeyedRequests}), the claim on the
 * lead's latest person's answer ({@link ReplyCollisions}), the message composed under its key (a
 * voice note made and stored only once it may go: {@link ReplyMedia}) and audited, the lead's held
 * drafts answered ({@link HeldDrafts}); then handed on to what sends it ({@link
 * OwnerMessageDelivery}).
 */
final class OwnerMessages {
  /**
   * A message queued: its key, whether the request was the same one again ({@code again}), when an
   * operator paused the lead's run (null: not paused), and the {@code requestId} derived for a
   * request that named none (null: it named one).
   */
  record Queued(String key, boolean again, Instant pausedAt, String derivedRequestId) {}

  /**
   * What the person sends: {@code text}, or the re-engagement {@code template}, or a voice note
   * ({@code media}, with its text); and the agent's draft it is from ({@code draftId}, null: none).
   */
  record Message(String text, boolean template, ReplyMedia media, String draftId) {}

  private final LeadStore store;
  private final ReplyRefusals refusals;
  private final Owners owners;
  private final Clock clock;
  private final ReplyCollisions collisions;
  private final HeldDrafts drafts;
  private final UnkeyedRequests unkeyed;
  private final OwnerMessageDelivery delivery;

  OwnerMessages(LeadStore store, Owners owners, OwnerMessageDelivery delivery, Clock clock) {
    this.store = store;
    this.refusals = new ReplyRefusals(new CustomerServiceWindow(store), store);
    this.owners = owners;
    this.clock = clock;
    this.collisions = new ReplyCollisions(store);
    this.drafts = new HeldDrafts(store.database());
    this.unkeyed = new UnkeyedRequests(store.database());
    this.delivery = delivery;
  }

  /**
   * Checks that a message can go to the lead now and queues it for the lead's workflow once per
   * {@code requestId}: {@code media} (a voice note) is made only when the message is new, after
   * every check passed, and stored only once its message may go. The message and the lead's
   * timeline name the owner who wrote it ({@link ActingOwner}); the audit log, the operator who
   * called. A new message is recorded on the contact as the lead's latest person's answer, refused
   * (409) when {@code seen} names a lead message a different person answered since ({@link
   * ReplyCollisions}); a retried request answers as the first did. {@code draftId}, the agent's
   * draft sent (null: none): 422 naming it when the lead has no such draft, 409 when it is no
   * longer held. A new message supersedes the lead's other drafts held by then.
   */
  Queued queue(
      String operator,
      String leadId,
      Message message,
      String ownerId,
      String requestedId,
      ReplyCollisions.Seen seen) {
    String text = message.text();
    boolean template = message.template();
    ReplyMedia media = message.media();
    String draftId = message.draftId();
    Document contact = store.contact(leadId);
    if (contact == null) {
      throw ApiException.notFound("lead " + leadId, "leadId");
    }
    ReplyRefusals.erasing(contact);
    boolean ended = ReplyRefusals.terminal(contact);
    if (ended && template) {
      ReplyRefusals.templateAfterTheEnd(contact);
    }
    if (template) {
      ReplyRefusals.templateBeforeInterest(contact);
    }
    ActingOwner actor = ActingOwner.of(owners, operator, ownerId, contact);
    ReplyRefusals.suppressed(contact);
    Instant now = clock.instant();
    if (!template && media == null) {
      refusals.outsideTheWindow(contact, ended, now);
    } else if (!template) {
      refusals.outsideTheWindow(contact, ended, now, "a voice note", media.field());
    }
    String content =
        template
            ? "template:" + OwnerReply.TEMPLATE
            : media == null ? "text:" + text : media.content();
    // Without a requestId a double submit must not be two messages: the same content from the same
    // person within UnkeyedRequests.WINDOW is the same request.
    boolean derived = requestedId == null && content != null;
    String requestId =
        requestedId != null
            ? requestedId
            : content == null
                ? UUID.randomUUID().toString()
                : unkeyed.requestId(
                    leadId,
                    actor.ownerId() != null
                        ? "owner:" + actor.ownerId()
                        : "operator:" + operator + ":" + actor.label(),
                    content,
                    now);
    String key = "lead-" + leadId + "-owner-" + digest(leadId + ":" + requestId);
    boolean again =
        template
            ? store
                    .database()
                    .getCollection(Collections.AUDIT_LOG)
                    .find(Filters.eq("detail", key))
                    .first()
                != null
            : store.messages().messageByKey(key) != null;
    if (ended && !again) {
      refusals.stoppedAndSilentSince(contact);
      refusals.besideALiveLead(contact);
    }
    if (draftId != null) {
      refusals.draftNoLongerHeld(leadId, draftId, key);
    }
    if (template && !again) {
      Document before = collisions.claim(leadId, seen, actor, key, now);
      if (before != null && key.equals(before.getString("key"))) {
        // The same request at the same moment (a double submit without requestId derives one
        // key): the claim is one write, and the one that found its own key there is the second.
        // It answers as a retry does; only the first is audited.
        again = true;
      } else {
        // The template is composed by the workflow under its own key: this request is audited,
        // and once the run was told, kept on the contact until the sweep sees the run take it.
        LeadAuditLog.record(store, operator, leadId, "owner_template_requested", key, now);
      }
    } else if (!again) {
      Document fields =
          new Document("leadId", leadId)
              .append("campaignId", contact.getString("campaignId"))
              .append("purpose", OwnerReply.TEXT)
              .append("composer", "person")
              .append("by", actor.label())
              .append("operator", operator)
              .append("ownerId", actor.ownerId())
              .append(
                  "approval",
                  new Document("status", "approve")
                      .append("by", actor.label())
                      .append("at", Date.from(now)))
              .append("status", "composed")
              .append("text", text)
              .append("createdAt", Date.from(now));
      if (media != null) {
        // Told before the voice note is made: one that cannot go is neither spoken nor stored.
        collisions.check(leadId, seen, actor);
        fields.append("media", media.make(contact, actor.label()));
      }
      if (ended) {
        fields.append(PendingPersonMessages.AFTER_END, true);
      } else {
        // The sweep's only once this request is answered (below): a failed one is sent again.
        fields.append(PendingPersonMessages.REQUEST_OPEN, true);
      }
      Document before = collisions.claim(leadId, seen, actor, key, now);
      if (media != null) {
        // Stored once the claim won: a voice note another rep's answer overtook is not kept.
        try {
          media.store();
        } catch (RuntimeException e) {
          collisions.release(leadId, key, before);
          throw e;
        }
      }
      // Of the same request at the same moment (one key), only the one that stores the message
      // queues it; the other answers as a retry does.
      if (store.messages().composeOnce(key, fields)) {
        LeadAuditLog.record(
            store, operator, leadId, media == null ? "owner_reply" : "owner_voice_note", key, now);
      } else {
        again = true;
      }
    }
    if (!again) {
      // The drafts held for the lead answer what this person has answered now.
      if (draftId != null) {
        drafts.use(draftId, leadId, key, actor.label(), now);
      }
      drafts.answered(leadId, now, actor.label(), actor.ownerId(), key, draftId);
    }
    delivery.deliver(leadId, contact, key, requestId, template, again, ended, actor, now);
    // A paused run sends nothing until it is resumed: the rep is told so, not only "queued".
    return new Queued(key, again, ended ? null : pausedAt(contact), derived ? requestId : null);
  }

  /**
   * When an operator paused the lead's live run, as the run recorded it (its stage {@code paused},
   * the timeline's latest {@code paused} event); {@link Instant#EPOCH} for a paused stage without
   * the event; null when the run is not paused. A pause the run has not taken yet reads as none.
   */
  private Instant pausedAt(Document contact) {
    if (!"paused".equals(contact.getString("stage"))) {
      return null;
    }
    Document paused =
        store
            .interactions()
            .collection()
            .find(
                Filters.and(
                    Filters.eq("meta.leadId", contact.getString("leadId")),
                    Filters.eq("type", "paused")))
            .sort(com.mongodb.client.model.Sorts.descending("ts"))
            .limit(1)
            .first();
    return paused == null || paused.getDate("ts") == null
        ? Instant.EPOCH
        : paused.getDate("ts").toInstant();
  }

  private static String digest(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 24);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
