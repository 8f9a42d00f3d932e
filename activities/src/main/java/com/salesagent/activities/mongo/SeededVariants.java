package com.salesagent.activities.mongo;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * The seeded cold-opener variants ({@link Seeds}): their documents, translations and the templates
 * added to them later, inserted or added only where missing, so an operator's edits survive
 * restarts.
 */
final class SeededVariants {
  private SeededVariants() {}

  /**
   * The three cold openers (v-scaling, v-cost, v-speed) for every segment, their Spanish and
   * Brazilian Portuguese translations, and the templates added to them since (the follow-up after a
   * "not now", the re-engagement), each inserted where missing.
   */
  static void ensure(MongoDatabase db) {
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

  static Document localized(String name, String code, String body) {
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
    Seeds.upsert(
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
}
