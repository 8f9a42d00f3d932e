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
 * restarts: the default follow-up policy, the default agent configuration and three prompt variants
 * for every segment.
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
    Topics.seed(db);
    knowledge(db);
  }

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
    List<Document> samples =
        List.of(
            entry(
                "pricing-plans",
                "en",
                "pricing",
                "How much does it cost? Pricing and plans",
                "Our plans are priced per active lead each month, and the first campaign of up to"
                    + " 100 leads is free to try. I can send you the price list for your volume.",
                List.of("price", "pricing", "cost", "plans", "how much", "per month", "fee")),
            objection(
                "objection-too-expensive",
                "en",
                "cost",
                "It is too expensive for us; no budget",
                "I understand. Most teams start with one small campaign and pay only for the leads"
                    + " that are active, so the cost grows only when it brings you conversations.",
                List.of("expensive", "too much", "budget", "afford", "cost")),
            objection(
                "objection-competitor",
                "en",
                "competitor",
                "We already use another tool or a competitor",
                "Makes sense: most teams we talk to already have a CRM and other tools. This does"
                    + " not replace them: each lead gets a personal WhatsApp message and timely"
                    + " follow-ups, and the replies come to your team beside the tools you use.",
                List.of(
                    "already use",
                    "another tool",
                    "competitor",
                    "another provider",
                    "vendor",
                    "crm",
                    "salesforce",
                    "hubspot")),
            objection(
                "objection-timing",
                "en",
                "timing",
                "Not a priority right now; no time; bad timing",
                "Understood, timing matters. We can start with one small campaign whenever it"
                    + " suits you, or I can check back later: just tell me when is better.",
                List.of("no time", "not a priority", "priority", "bad timing", "busy", "later")),
            entry(
                "faq-how-it-works",
                "en",
                "faq",
                "How does it work? Which tools does it need?",
                "Each lead gets a personal WhatsApp message based on public information about the"
                    + " company, then timely follow-ups; replies come to your team. It needs only"
                    + " a WhatsApp Business number.",
                List.of("how it works", "work", "tools", "need", "setup", "whatsapp")),
            entry(
                "booking-link",
                "en",
                "booking",
                "Book a call or a demo meeting",
                "If it suits you, pick a time for a 15 minute call here:"
                    + " https://example.com/book (sample link: replace it with yours).",
                List.of("call", "demo", "meeting", "book", "schedule", "talk")),
            entry(
                "pricing-plans-es",
                "es",
                "pricing",
                "¿Cuánto cuesta? Precios y planes",
                "Nuestros planes tienen un precio por lead activo al mes, y la primera campaña de"
                    + " hasta 100 leads es gratis para probar. Puedo enviarle la lista de precios"
                    + " para su volumen.",
                List.of(
                    "cuesta", "costo", "precio", "precios", "planes", "plan", "tarifa", "valor",
                    "mes", "mensual")),
            objection(
                "objection-too-expensive-es",
                "es",
                "cost",
                "Es demasiado caro para nosotros; no hay presupuesto",
                "Lo entiendo. La mayoría de los equipos empieza con una campaña pequeña y paga solo"
                    + " por los leads activos, así que el costo crece solo cuando le trae"
                    + " conversaciones.",
                List.of("caro", "demasiado caro", "presupuesto", "costoso", "precio alto")),
            objection(
                "objection-competitor-es",
                "es",
                "competitor",
                "Ya usamos otra herramienta o un competidor",
                "Tiene sentido: la mayoría de los equipos ya tiene un CRM y otras herramientas."
                    + " Esto no las reemplaza: cada lead recibe un mensaje personal por WhatsApp y"
                    + " seguimientos a tiempo, y las respuestas llegan a su equipo junto a las"
                    + " herramientas que ya usa.",
                List.of(
                    "ya usamos",
                    "usamos",
                    "utilizamos",
                    "otra herramienta",
                    "competidor",
                    "competencia",
                    "otro proveedor",
                    "proveedor",
                    "crm",
                    "hubspot",
                    "salesforce")),
            objection(
                "objection-timing-es",
                "es",
                "timing",
                "No es prioridad ahora; no tenemos tiempo",
                "Lo entiendo, el momento importa. Podemos empezar con una campaña pequeña cuando le"
                    + " convenga, o le escribo más adelante: dígame cuándo le viene mejor.",
                List.of(
                    "tiempo",
                    "sin tiempo",
                    "prioridad",
                    "momento",
                    "ocupados",
                    "más adelante",
                    "después")),
            entry(
                "faq-how-it-works-es",
                "es",
                "faq",
                "¿Cómo funciona? ¿Qué herramientas necesita?",
                "Cada lead recibe un mensaje personal por WhatsApp basado en información pública de"
                    + " la empresa, y luego seguimientos a tiempo; las respuestas llegan a su"
                    + " equipo. Solo necesita un número de WhatsApp Business.",
                List.of(
                    "funciona",
                    "funcionamiento",
                    "herramientas",
                    "necesita",
                    "necesito",
                    "necesitamos",
                    "requisitos",
                    "whatsapp",
                    "integración")),
            entry(
                "booking-link-es",
                "es",
                "booking",
                "Agendar una llamada o una demo",
                "Si le viene bien, elija un horario para una llamada de 15 minutos aquí:"
                    + " https://example.com/book (enlace de ejemplo: reemplácelo por el suyo).",
                List.of(
                    "llamada",
                    "llamar",
                    "demo",
                    "demostración",
                    "reunión",
                    "reunirnos",
                    "agendar",
                    "hablar",
                    "hablamos",
                    "horario",
                    "cita",
                    "lunes",
                    "martes",
                    "miércoles",
                    "jueves",
                    "viernes")),
            entry(
                "pricing-plans-pt",
                "pt",
                "pricing",
                "Quanto custa? Preços e planos",
                "Nossos planos têm um preço por lead ativo por mês, e a primeira campanha de até"
                    + " 100 leads é grátis para testar. Posso enviar a tabela de preços para o seu"
                    + " volume.",
                List.of(
                    "custa",
                    "custo",
                    "preço",
                    "preços",
                    "planos",
                    "plano",
                    "valor",
                    "mensalidade",
                    "mês",
                    "mensal",
                    "tabela")),
            objection(
                "objection-too-expensive-pt",
                "pt",
                "cost",
                "É caro demais para nós; não temos orçamento",
                "Entendo. A maioria das equipes começa com uma campanha pequena e paga só pelos"
                    + " leads ativos, então o custo só cresce quando traz conversas.",
                List.of("caro", "caro demais", "orçamento", "custo alto", "preço alto")),
            objection(
                "objection-competitor-pt",
                "pt",
                "competitor",
                "Já usamos outra ferramenta ou um concorrente",
                "Faz sentido: a maioria das equipes já tem um CRM e outras ferramentas. Isto não as"
                    + " substitui: cada lead recebe uma mensagem pessoal no WhatsApp e follow-ups"
                    + " no momento certo, e as respostas chegam à sua equipe junto das ferramentas"
                    + " que vocês já usam.",
                List.of(
                    "já usamos",
                    "usamos",
                    "utilizamos",
                    "outra ferramenta",
                    "concorrente",
                    "outro fornecedor",
                    "fornecedor",
                    "crm",
                    "rd station",
                    "hubspot",
                    "salesforce")),
            objection(
                "objection-timing-pt",
                "pt",
                "timing",
                "Não é prioridade agora; estamos sem tempo",
                "Entendo, o momento importa. Podemos começar com uma campanha pequena quando for"
                    + " bom para vocês, ou escrevo mais adiante: me diga quando é melhor.",
                List.of(
                    "tempo",
                    "sem tempo",
                    "prioridade",
                    "momento",
                    "ocupados",
                    "correria",
                    "mais adiante",
                    "depois")),
            entry(
                "faq-how-it-works-pt",
                "pt",
                "faq",
                "Como funciona? Quais ferramentas precisa?",
                "Cada lead recebe uma mensagem pessoal no WhatsApp com base em informações públicas"
                    + " da empresa, e depois follow-ups no momento certo; as respostas chegam à sua"
                    + " equipe. Só precisa de um número do WhatsApp Business.",
                List.of(
                    "funciona",
                    "funcionamento",
                    "ferramentas",
                    "ferramenta",
                    "precisa",
                    "preciso",
                    "precisamos",
                    "requisitos",
                    "whatsapp",
                    "integração")),
            entry(
                "booking-link-pt",
                "pt",
                "booking",
                "Marcar uma reunião ou uma demonstração",
                "Se for bom para você, escolha um horário para uma conversa de 15 minutos aqui:"
                    + " https://example.com/book (link de exemplo: troque pelo seu).",
                List.of(
                    "reunião",
                    "reuniões",
                    "demonstração",
                    "demo",
                    "ligação",
                    "ligar",
                    "chamada",
                    "marcar",
                    "agendar",
                    "falar",
                    "conversar",
                    "conversa",
                    "horário",
                    "agenda",
                    "segunda",
                    "terça",
                    "quarta",
                    "quinta",
                    "sexta")));
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

  private static Document entry(
      String id, String language, String kind, String title, String text, List<String> keywords) {
    return new Document("_id", id)
        .append("kind", kind)
        .append("title", title)
        .append("text", text)
        .append("language", language)
        .append("keywords", keywords)
        .append("sample", true);
  }

  /** An objection's answer, for the objection subtype it answers. */
  private static Document objection(
      String id,
      String language,
      String subtype,
      String title,
      String text,
      List<String> keywords) {
    return entry(id, language, "objection", title, text, keywords).append("objection", subtype);
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
