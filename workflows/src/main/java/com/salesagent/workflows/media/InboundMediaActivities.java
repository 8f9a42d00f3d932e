package com.salesagent.workflows.media;

import io.temporal.activity.ActivityInterface;

/** Downloads a lead's media from the Cloud API into S3 and records it where the reply is. */
@ActivityInterface
public interface InboundMediaActivities {
  /** Error type of media that will never be kept (too large, a refused type): not retried. */
  String REFUSED = "MediaRefused";

  /**
   * Fetches the media's short-lived URL, downloads it (capped, with the token), checks type and
   * checksum, stores it under its content address (once: a duplicate finds it) and records {@code
   * media} on the message's feedback and a {@code media_received} interaction with its media_url.
   */
  StoredMedia store(InboundMedia media);

  /**
   * A stored voice note as text, through the configured transcriber: the transcript goes on the
   * message's feedback, which is triaged again from it. Null when there is no transcriber (offline:
   * the reply stays needs_review), for other media, or when the provider refused this one (the
   * feedback says why).
   */
  String transcribe(InboundMedia media, StoredMedia stored);

  /**
   * A stored image sent without a caption, described by the configured vision model: the
   * description goes on the message's feedback, which is triaged again from it. Null without a
   * vision model (offline: the reply stays needs_review), for other media or captioned images.
   */
  String describe(InboundMedia media, StoredMedia stored);

  /**
   * The triage of a voice note for each lead whose workflow waits for it (the inbox announced it as
   * awaiting_transcript): the transcript's, or needs_review when there is none (the provider
   * refused it, the download failed), with the snooze date of a "not now". Empty when no lead
   * waits.
   */
  java.util.List<LeadReply> replies(InboundMedia media);

  /** Records on the feedback that the media could not be kept, and why (shown to operators). */
  void markFailed(InboundMedia media, String status, String reason);
}
