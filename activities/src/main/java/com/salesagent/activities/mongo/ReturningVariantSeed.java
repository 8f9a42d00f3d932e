package com.salesagent.activities.mongo;

import com.mongodb.client.MongoDatabase;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/** The seeded returning-contact variant ({@code v-returning}, {@link Seeds}). */
final class ReturningVariantSeed {
  private ReturningVariantSeed() {}

  /**
   * The returning-contact variant ({@code v-returning}, {@code ReturningContacts}): the first
   * contact of a number whose earlier lead converted ({@code first_contact@relationship=customer})
   * or replied ({@code first_contact}: good to talk again), never the cold introduction, and
   * follow-ups in the same voice; English, Spanish and Brazilian Portuguese. Like every seeded
   * template these are samples: each name must be approved in WhatsApp Manager, in each language,
   * before it can go outside the 24 h window. Never a cold-bandit candidate (excluded by its id).
   * Inserted where missing, an operator's edits kept.
   */
  static void ensure(MongoDatabase db) {
    Document templates = new Document();
    Document translations = new Document();
    for (String code : List.of("en", "es", "pt_BR")) {
      Document t = new Document();
      RETURNING.forEach(
          (key, bodies) ->
              t.append(
                  key, SeededVariants.localized(RETURNING_NAMES.get(key), code, bodies.get(code))));
      if ("en".equals(code)) {
        templates = t;
      } else {
        translations.append(code, t);
      }
    }
    Seeds.upsert(
        db,
        Collections.PROMPT_VARIANTS,
        "variantId",
        "v-returning",
        new Document("segments", List.of("*"))
            .append("angle", "returning contact")
            .append("locale", "en")
            .append("enabled", true)
            .append("weight", 1)
            .append("templates", templates)
            .append("translations", translations));
  }

  /** The returning-contact variant's template names, by purpose (translations share them). */
  private static final Map<String, String> RETURNING_NAMES =
      Map.of(
          "first_contact", "welcome_back",
          "first_contact@relationship=customer", "welcome_back_customer",
          "follow_up_read", "welcome_back_followup",
          "follow_up_unread", "welcome_back_checkin",
          "re_engagement", "welcome_back_next_step");

  /** The returning-contact variant's bodies, by purpose and language code. */
  private static final Map<String, Map<String, String>> RETURNING =
      new java.util.TreeMap<>(
          Map.of(
              "first_contact",
              Map.of(
                  "en",
                  "Hi {{firstName}}, good to talk again! It's been a while since we last spoke"
                      + " about WhatsApp outreach for {{company}}. Is this a good moment to pick up"
                      + " where we left off?",
                  "es",
                  "Hola {{firstName}}, ¡qué gusto hablar con usted de nuevo! Ha pasado un tiempo"
                      + " desde nuestra última conversación sobre la prospección por WhatsApp para"
                      + " {{company}}. ¿Es un buen momento para retomarla donde la dejamos?",
                  "pt_BR",
                  "Olá {{firstName}}, que bom falar com você de novo! Faz um tempo desde a nossa"
                      + " última conversa sobre a prospecção pelo WhatsApp para a {{company}}. É um"
                      + " bom momento para retomarmos de onde paramos?"),
              "first_contact@relationship=customer",
              Map.of(
                  "en",
                  "Hi {{firstName}}, good to be in touch again, and thank you for being with us as"
                      + " a customer at {{company}}. How is everything going on your side? Happy to"
                      + " help with anything you need, or to show you what's new.",
                  "es",
                  "Hola {{firstName}}, qué gusto hablar con usted de nuevo, y gracias por confiar"
                      + " en nosotros como cliente en {{company}}. ¿Cómo va todo por su lado? Con"
                      + " gusto le ayudo con lo que necesite o le muestro las novedades.",
                  "pt_BR",
                  "Olá {{firstName}}, que bom falar com você de novo, e obrigado por confiar em nós"
                      + " como cliente na {{company}}. Como estão as coisas por aí? Posso ajudar"
                      + " com o que precisar ou mostrar as novidades."),
              "follow_up_read",
              Map.of(
                  "en",
                  "Hi {{firstName}}, just checking whether my last note reached you. Happy to pick"
                      + " things up whenever it suits {{company}}.",
                  "es",
                  "Hola {{firstName}}, solo para saber si le llegó mi último mensaje. Podemos"
                      + " retomarlo cuando le venga bien a {{company}}.",
                  "pt_BR",
                  "Olá {{firstName}}, só para saber se a minha última mensagem chegou. Podemos"
                      + " retomar quando for melhor para a {{company}}."),
              "follow_up_unread",
              Map.of(
                  "en",
                  "Hi {{firstName}}, a quick hello from our side: shall we catch up this week about"
                      + " {{company}}?",
                  "es",
                  "Hola {{firstName}}, un saludo rápido de nuestra parte: ¿hablamos esta semana"
                      + " sobre {{company}}?",
                  "pt_BR",
                  "Olá {{firstName}}, um oi rápido da nossa parte: vamos conversar esta semana"
                      + " sobre a {{company}}?"),
              "re_engagement",
              Map.of(
                  "en",
                  "Hi {{firstName}}, you mentioned you'd like to take things further for"
                      + " {{company}}. Shall we set up a 15-minute call this week?",
                  "es",
                  "Hola {{firstName}}, me comentó que quería avanzar con {{company}}. ¿Agendamos"
                      + " una llamada de 15 minutos esta semana?",
                  "pt_BR",
                  "Olá {{firstName}}, você comentou que queria avançar com a {{company}}. Vamos"
                      + " marcar uma conversa de 15 minutos esta semana?")));
}
