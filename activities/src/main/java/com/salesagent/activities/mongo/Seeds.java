package com.salesagent.activities.mongo;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.salesagent.activities.persona.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * Default documents, inserted only where missing ($setOnInsert), so an operator's edits survive
 * restarts: the default follow-up policy, the default agent configuration, three prompt variants
 * for every segment (the cold openers) and the returning-contact variant.
 */
public final class Seeds {
  private Seeds() {}

  /** Follow-up timing and sending rules; durations are configuration so demos can shrink them. */
  public record Defaults(
      Duration readNoReplyDelay,
      Duration unreadDelay,
      int maxFollowUps,
      String quietHoursStart,
      String quietHoursEnd,
      String defaultTimezone,
      Duration customerServiceWindow,
      Duration rateLimitBackoff,
      int maxRateLimitRetries,
      Duration approvalSla,
      String approvalDefault,
      Duration unknownSendWindow,
      String unknownSendPolicy) {}

  public static void ensure(MongoDatabase db, Defaults d) {
    upsert(
        db,
        Collections.WORKFLOW_DEFINITIONS,
        "segment",
        "default",
        new Document("readNoReplyDelay", d.readNoReplyDelay().toString())
            .append("unreadDelay", d.unreadDelay().toString())
            .append("maxFollowUps", d.maxFollowUps())
            .append(
                "steps",
                List.of(
                    new Document("condition", "read_no_reply")
                        .append("delay", d.readNoReplyDelay().toString())
                        .append("angle", "same"),
                    new Document("condition", "unread")
                        .append("delay", d.unreadDelay().toString())
                        .append("angle", "another"))));
    upsert(
        db,
        Collections.AGENT_CONFIGURATIONS,
        "configId",
        "default",
        new Document("version", 1)
            .append(
                "quietHours",
                new Document("start", d.quietHoursStart()).append("end", d.quietHoursEnd()))
            .append("defaultTimezone", d.defaultTimezone())
            .append("customerServiceWindow", d.customerServiceWindow().toString())
            .append("rateLimitBackoff", d.rateLimitBackoff().toString())
            .append("maxRateLimitRetries", d.maxRateLimitRetries())
            .append("strategy", "round_robin")
            .append("thompson", new Document("burnIn", 30).append("floor", 0.01))
            .append(
                "autoDisable",
                new Document("enabled", false)
                    .append("minSamples", 200)
                    .append("maxProbabilityToBeBest", 0.02)
                    .append("consecutiveChecks", 3))
            .append(
                "approval",
                new Document("sla", d.approvalSla().toString())
                    .append("default", d.approvalDefault()))
            .append(
                "deliveryReconciliation",
                new Document("window", d.unknownSendWindow().toString())
                    .append("policy", d.unknownSendPolicy()))
            .append(
                "qualityGate",
                new Document("approveAt", 0.8)
                    .append("holdAt", 0.5)
                    .append(
                        "bannedPhrases",
                        List.of("guaranteed", "100% free", "act now", "risk-free", "click here")))
            .append("compose", new Document("fallbackLocale", "en")));
    variant(
        db,
        "v-scaling",
        "scaling challenges",
        "intro_scaling",
        "Hi {{firstName}}, I saw that {{fact}}. Scaling outreach usually means more people; we"
            + " help {{industry}} teams like {{company}} do it on WhatsApp without adding"
            + " headcount. Open to a 15-minute chat this week?",
        "followup_scaling",
        "Hi {{firstName}}, following up on my note: teams like {{company}} usually start with one"
            + " campaign and scale from there. Shall I send a two-line summary?",
        "followup_scaling_angle",
        "Hi {{firstName}}, a different thought for {{company}}: what slows your outreach most"
            + " today, people or tools? Happy to share what works for {{industry}} teams.");
    variant(
        db,
        "v-cost",
        "cost savings",
        "intro_cost",
        "Hi {{firstName}}, I saw that {{fact}}. Companies in {{industry}} like {{company}} cut"
            + " their cost per qualified lead by automating first contact on WhatsApp. Worth a"
            + " quick look?",
        "followup_cost",
        "Hi {{firstName}}, circling back: would a short cost comparison for {{company}} help?",
        "followup_cost_angle",
        "Hi {{firstName}}, another angle: how much time does your team spend on follow-ups each"
            + " week? We take that off their plate.");
    variant(
        db,
        "v-speed",
        "speed to value",
        "intro_speed",
        "Hi {{firstName}}, I saw that {{fact}}. {{company}} could have a personalised WhatsApp"
            + " campaign running this week. Want to see how {{industry}} teams do it?",
        "followup_speed",
        "Hi {{firstName}}, just checking in: shall I show you a live example?",
        "followup_speed_angle",
        "Hi {{firstName}}, quick question for you as {{jobTitle}}: is faster first contact on"
            + " your list this quarter?");
    translate(
        db,
        "v-scaling",
        "es",
        "Hola {{firstName}}, vi que {{fact}}. Escalar la prospección suele exigir más personas;"
            + " ayudamos a equipos de {{industry}} como {{company}} a hacerlo por WhatsApp sin"
            + " aumentar la plantilla. ¿Le parece una charla de 15 minutos esta semana?",
        "Hola {{firstName}}, retomo mi mensaje: equipos como el de {{company}} suelen empezar con"
            + " una campaña y crecer a partir de ahí. ¿Le envío un resumen de dos líneas?",
        "Hola {{firstName}}, otra idea para {{company}}: ¿qué frena más su prospección hoy, las"
            + " personas o las herramientas? Con gusto le cuento lo que funciona para equipos de"
            + " {{industry}}.");
    translate(
        db,
        "v-scaling",
        "pt_BR",
        "Olá {{firstName}}, vi que {{fact}}. Escalar a prospecção costuma exigir mais pessoas;"
            + " ajudamos equipes de {{industry}} como a {{company}} a fazer isso pelo WhatsApp sem"
            + " aumentar o time. Topa uma conversa de 15 minutos esta semana?",
        "Olá {{firstName}}, retomando minha mensagem: equipes como a da {{company}} costumam"
            + " começar com uma campanha e crescer a partir daí. Posso enviar um resumo de duas"
            + " linhas?",
        "Olá {{firstName}}, outra ideia para a {{company}}: o que mais atrasa a sua prospecção"
            + " hoje, pessoas ou ferramentas? Posso contar o que funciona para equipes de"
            + " {{industry}}.");
    translate(
        db,
        "v-cost",
        "es",
        "Hola {{firstName}}, vi que {{fact}}. Empresas de {{industry}} como {{company}} reducen su"
            + " costo por lead calificado automatizando el primer contacto por WhatsApp. ¿Vale la"
            + " pena echarle un vistazo?",
        "Hola {{firstName}}, retomo el tema: ¿le serviría una comparación de costos breve para"
            + " {{company}}?",
        "Hola {{firstName}}, otro ángulo: ¿cuánto tiempo dedica su equipo a los seguimientos cada"
            + " semana? Nosotros nos encargamos de eso.");
    translate(
        db,
        "v-cost",
        "pt_BR",
        "Olá {{firstName}}, vi que {{fact}}. Empresas de {{industry}} como a {{company}} reduzem o"
            + " custo por lead qualificado automatizando o primeiro contato pelo WhatsApp. Vale uma"
            + " olhada rápida?",
        "Olá {{firstName}}, retomando: uma comparação de custos rápida para a {{company}} ajudaria?",
        "Olá {{firstName}}, outro ângulo: quanto tempo a sua equipe gasta com follow-ups toda"
            + " semana? Nós cuidamos disso para vocês.");
    translate(
        db,
        "v-speed",
        "es",
        "Hola {{firstName}}, vi que {{fact}}. {{company}} podría tener una campaña personalizada"
            + " por WhatsApp funcionando esta semana. ¿Quiere ver cómo lo hacen los equipos de"
            + " {{industry}}?",
        "Hola {{firstName}}, solo para saber: ¿le muestro un ejemplo en vivo?",
        "Hola {{firstName}}, una pregunta para usted como {{jobTitle}}: ¿un primer contacto más"
            + " rápido está en su lista este trimestre?");
    translate(
        db,
        "v-speed",
        "pt_BR",
        "Olá {{firstName}}, vi que {{fact}}. A {{company}} poderia ter uma campanha personalizada"
            + " no WhatsApp rodando esta semana. Quer ver como as equipes de {{industry}} fazem"
            + " isso?",
        "Olá {{firstName}}, só para saber: posso mostrar um exemplo ao vivo?",
        "Olá {{firstName}}, uma pergunta para você como {{jobTitle}}: um primeiro contato mais"
            + " rápido está nos seus planos este trimestre?");
    for (String variantId : NAMES.keySet()) {
      addTemplate(
          db, variantId, "follow_up_read@intent=not_now", "followup_after_not_now", AFTER_NOT_NOW);
      addTemplate(db, variantId, "re_engagement", "reengage_interested", RE_ENGAGEMENT);
    }
    returning(db);
    Topics.seed(db);
    knowledge(db);
  }

  /**
   * The returning-contact variant ({@code v-returning}, {@code ReturningContacts}): the first
   * contact of a number whose earlier lead converted ({@code first_contact@relationship=customer})
   * or replied ({@code first_contact}: good to talk again), never the cold introduction, and
   * follow-ups in the same voice; English, Spanish and Brazilian Portuguese. Like every seeded
   * template these are samples: each name must be approved in WhatsApp Manager, in each language,
   * before it can go outside the 24 h window. Never a cold-bandit candidate (excluded by its id).
   * Inserted where missing, an operator's edits kept.
   */
  private static void returning(MongoDatabase db) {
    Document templates = new Document();
    Document translations = new Document();
    for (String code : List.of("en", "es", "pt_BR")) {
      Document t = new Document();
      RETURNING.forEach(
          (key, bodies) ->
              t.append(key, localized(RETURNING_NAMES.get(key), code, bodies.get(code))));
      if ("en".equals(code)) {
        templates = t;
      } else {
        translations.append(code, t);
      }
    }
    upsert(
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

  /**
   * Sample knowledge entries the agent drafts answers from, in the seeded variants' languages
   * (English; Spanish and Portuguese under ids ending {@code -es} and {@code -pt}), marked as
   * samples: operators replace them with their own through {@code PUT /api/knowledge/{entryId}}.
   * Each has keywords in its language (what the lexical check of Spanish and Portuguese matches,
   * beside the title) and each objection's answer the subtype it answers (cost, competitor,
   * timing). Never overwritten; added where missing (also on a database seeded before they
   * existed), and a sample still as seeded gets the keywords and subtype it was seeded without.
   */
  private static void knowledge(MongoDatabase db) {
    var kb = db.getCollection(com.salesagent.activities.knowledge.KnowledgeBase.COLLECTION);
    List<Document> samples = knowledgeSamples();
    for (Document d : samples) {
      kb.updateOne(
          Filters.eq("_id", d.get("_id")),
          new Document("$setOnInsert", d),
          new UpdateOptions().upsert(true));
      // A sample seeded before keywords and subtypes, still as seeded (an operator's PUT replaces
      // the entry without the sample mark): what the drafts' checks need, nothing else changed.
      Document added = new Document("keywords", d.get("keywords"));
      if (d.get("objection") != null) {
        added.append("objection", d.get("objection"));
      }
      kb.updateOne(
          Filters.and(
              Filters.eq("_id", d.get("_id")),
              Filters.eq("sample", true),
              Filters.exists("keywords", false)),
          new Document("$set", added));
    }
  }

  /** Where the sample knowledge entries are: data a team edits, not code. */
  static final String KNOWLEDGE_SAMPLES = "/seeds/knowledge-samples.json";

  /**
   * The sample knowledge entries ({@value #KNOWLEDGE_SAMPLES}: id, language, kind, title, text,
   * keywords; an objection's subtype), each marked {@code sample}.
   */
  static List<Document> knowledgeSamples() {
    try (java.io.InputStream in = Seeds.class.getResourceAsStream(KNOWLEDGE_SAMPLES)) {
      if (in == null) {
        throw new IllegalStateException(KNOWLEDGE_SAMPLES + " is missing from the classpath");
      }
      String json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      List<Document> out = new java.util.ArrayList<>();
      for (Object o :
          Document.parse("{\"entries\": " + json + "}").getList("entries", Object.class)) {
        Document d = (Document) o;
        for (String field : List.of("_id", "language", "kind", "title", "text")) {
          if (!(d.get(field) instanceof String s) || s.isBlank()) {
            throw new IllegalStateException(
                KNOWLEDGE_SAMPLES + ": entry " + d.get("_id") + " has no " + field);
          }
        }
        out.add(d.append("sample", true));
      }
      return out;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The agreed follow-up after a "not now" (PersonaWording), in each seeded language. */
  private static final Map<String, String> AFTER_NOT_NOW =
      Map.of(
          "en",
          "Hi {{firstName}}, when we last spoke it wasn't the right moment, so I'm checking back"
              + " in. Is now a better time to look at WhatsApp outreach for {{company}}?",
          "es",
          "Hola {{firstName}}, la última vez no era el momento, así que vuelvo a escribirle."
              + " ¿Es ahora un mejor momento para ver la prospección por WhatsApp para {{company}}?",
          "pt_BR",
          "Olá {{firstName}}, da última vez não era o momento, então volto a escrever. Agora é"
              + " um momento melhor para ver a prospecção pelo WhatsApp para a {{company}}?");

  /**
   * The re-engagement of an interested lead that has not converted (a template: days after its
   * reply, outside the 24 h window).
   */
  private static final Map<String, String> RE_ENGAGEMENT =
      Map.of(
          "en",
          "Hi {{firstName}}, you mentioned you were interested in WhatsApp outreach for"
              + " {{company}}. Shall we set up a 15-minute call this week to get you started?",
          "es",
          "Hola {{firstName}}, me comentó que le interesaba la prospección por WhatsApp para"
              + " {{company}}. ¿Agendamos una llamada de 15 minutos esta semana para empezar?",
          "pt_BR",
          "Olá {{firstName}}, você comentou que tinha interesse na prospecção pelo WhatsApp para a"
              + " {{company}}. Vamos marcar uma conversa de 15 minutos esta semana para começar?");

  /**
   * A seeded variant's template under {@code key} (a purpose or a persona's wording), in English
   * and in its translations, added where missing (also on a database seeded before it existed; an
   * operator's own template under that key is kept).
   */
  private static void addTemplate(
      MongoDatabase db, String variantId, String key, String name, Map<String, String> bodies) {
    var variants = db.getCollection(Collections.PROMPT_VARIANTS);
    variants.updateOne(
        Filters.and(Filters.eq("variantId", variantId), Filters.exists("templates." + key, false)),
        new Document(
            "$set", new Document("templates." + key, localized(name, "en", bodies.get("en")))));
    for (String code : List.of("es", "pt_BR")) {
      variants.updateOne(
          Filters.and(
              Filters.eq("variantId", variantId),
              Filters.exists("translations." + code, true),
              Filters.exists("translations." + code + "." + key, false)),
          new Document(
              "$set",
              new Document(
                  "translations." + code + "." + key, localized(name, code, bodies.get(code)))));
    }
  }

  /** The seeded template names of each variant, by purpose (translations share them). */
  private static final Map<String, List<String>> NAMES =
      Map.of(
          "v-scaling", List.of("intro_scaling", "followup_scaling", "followup_scaling_angle"),
          "v-cost", List.of("intro_cost", "followup_cost", "followup_cost_angle"),
          "v-speed", List.of("intro_speed", "followup_speed", "followup_speed_angle"));

  /**
   * A seeded variant's translation into {@code code} (the template's WhatsApp language code: one
   * template name, one approved translation per language), added where the variant has none in that
   * code yet, also on a database seeded before translations existed.
   */
  private static void translate(
      MongoDatabase db, String variantId, String code, String first, String follow, String angle) {
    List<String> names = NAMES.get(variantId);
    Document t =
        new Document("first_contact", localized(names.get(0), code, first))
            .append("follow_up_read", localized(names.get(1), code, follow))
            .append("follow_up_unread", localized(names.get(2), code, angle));
    db.getCollection(Collections.PROMPT_VARIANTS)
        .updateOne(
            Filters.and(
                Filters.eq("variantId", variantId), Filters.exists("translations." + code, false)),
            new Document("$set", new Document("translations." + code, t)));
  }

  private static Document localized(String name, String code, String body) {
    return new Document("name", name).append("language", code).append("body", body);
  }

  private static void variant(
      MongoDatabase db,
      String variantId,
      String angle,
      String firstName,
      String firstBody,
      String followName,
      String followBody,
      String angleName,
      String angleBody) {
    upsert(
        db,
        Collections.PROMPT_VARIANTS,
        "variantId",
        variantId,
        new Document("segments", List.of("*"))
            .append("angle", angle)
            .append("locale", "en")
            .append("enabled", true)
            .append("weight", 1)
            .append(
                "templates",
                new Document("first_contact", template(firstName, firstBody))
                    .append("follow_up_read", template(followName, followBody))
                    .append("follow_up_unread", template(angleName, angleBody))));
  }

  /**
   * An English template. Where "your industry" (the English fallback for a missing industry) would
   * not read well, the template names its own wording ("we help growing teams like Acme").
   */
  private static Document template(String name, String body) {
    Document t = new Document("name", name).append("language", "en").append("body", body);
    if (body.contains("{{industry}} teams")) {
      t.append("defaults", new Document("industry", "growing"));
    }
    return t;
  }

  private static void upsert(
      MongoDatabase db, String collection, String key, String value, Document fields) {
    db.getCollection(collection)
        .updateOne(
            Filters.eq(key, value),
            new Document("$setOnInsert", fields.append(key, value)),
            new UpdateOptions().upsert(true));
  }
}
