package com.salesagent.activities.triage;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The phrase tables of {@link OptOutDetector}: {@link #PHRASES}, read wherever they stand in a
 * normalised text, {@link #CLAUSE_PHRASES}, each matched against one normalised clause, and {@link
 * #STOP_CALLING}, read as the last clause; "stop texting me" and its kin are {@link
 * OptOutStopUs}'s.
 */
final class OptOutPhrases {
  private OptOutPhrases() {}

  /** Someone saying they are not to be removed: "Please don't remove me, I'm interested". */
  static final String NOT_NEGATED = "(?<!(don't|dont|do not|never|not) )";

  private static final String STOP_US = OptOutStopUs.STOP_US;

  /**
   * What limits Portuguese "Não quero receber mensagens" to a time, a sender, a number or a kind:
   * "de áudio", "por e-mail", "no fim de semana", "de manhã", "depois das 18h", "do suporte
   * antigo", "no meu número pessoal", "com PDF"; not "de vocês".
   */
  private static final String PT_NOT_LIMITED =
      "(?! (de (audio|voz|manha|tarde|noite|madrugada)|(por|pelo|via) (e-mail|email|sms|telefone)"
          + "|no|na|nos|nas|do|da|dos|das|com|em|depois|antes|ate|durante|entre|aos|as|a noite"
          + "|a tarde|pela|pelo|por)\\b)";

  static final List<Pattern> PHRASES =
      List.of(
          Pattern.compile(
              ".*(" + STOP_US + ")" + OptOutStopUs.NOT_A_TIME + OptOutStopUs.NOT_HOW_OFTEN + ".*"),
          // how often, with a no or neither asked nor saying what is fine: still a stop
          Pattern.compile(
              "(?:"
                  + OptOutStopUs.A_NO
                  + "|"
                  + OptOutStopUs.NOT_ASKED_LESS
                  + ").*("
                  + STOP_US
                  + ")"
                  + OptOutStopUs.NOT_A_TIME
                  + ".*"),
          Pattern.compile(".*" + OptOutStopUs.NEVER_TEXT + ".*"),
          // with a no, a time after it limits nothing: "Don't text me at work or at home. Not
          // interested"
          Pattern.compile(
              OptOutStopUs.A_NO
                  + "(.*"
                  + OptOutStopUs.DONT_US
                  + "|.*\\b(do not|don'?t) (contact|message|text|email) me\\b).*"),
          // the carriers' REVOKE at the end of a message that says no: "Not interested. REVOKE"
          Pattern.compile(OptOutStopUs.A_NO + ".*\\brevoke( please| thanks| thank you)?"),
          // Russian: off the mailing list, named ("Удалите меня из рассылки")
          Pattern.compile(
              "(.* )?(удалите|удали|уберите|убери|исключите|исключи|отпишите|отпиши) (меня|мои"
                  + " номер|мои телефон)( пожалуиста)? (из|от) (вашеи |этои |всех |ваших )?"
                  + "(рассылки|рассылок|списка|списков|базы|списка рассылки)( .*)?"),
          Pattern.compile(
              // "remove me" and "take me off" are in CLAUSE_PHRASES ("remove me from the CC")
              ".*\\b(unsubscribe me|opt me out"
                  // not limited to a time: "Don't text me after 6pm" (as "stop texting me at
                  // night")
                  + "|(do not|don'?t) (contact|message|text|email) me"
                  + OptOutStopUs.DONT_TIME
                  + "|no more messages"
                  // the carriers' REVOKE said with what it revokes: "I revoke my consent"
                  + "|"
                  + NOT_NEGATED
                  + "revoke (my |our |all |the )?(consent|permission|opt-in|opt in)"
                  // "stop bothering / texting me" only as a clause of its own (CLAUSE_PHRASES):
                  // not "My kids won't stop texting me" or "I can't stop sending memes lol"
                  // "write", as escribir, escrever, schreiben and écrire are read; "don't write to
                  // me" only with again/anymore ("don't write to me in Spanish" is no opt-out)
                  + "|stop writing (to )?(me|us)"
                  + "|(do not|don'?t) write (to )?(me|us) (again|anymore|any more)"
                  + "|leave me alone|(this|that) is spam|(isso|isto) e spam|(esto|eso) es spam"
                  // Meta's "Stop promotions" quick reply on marketing templates, and its kin
                  + "|stop (the |all |your )?(promotions?|promos?|marketing|offers|ads|advertising)"
                  + "( messages)?|no more (promotions|promos|marketing|offers|ads)"
                  // from us, not from another vendor ("unsubscribe from HubSpot and move to you")
                  + "|unsubscribe( me| us)? from (this|these|your|you|here|all|everything|it|them"
                  + "|the (list|mailing list|messages|texts|promotions|marketing|campaign"
                  + "|newsletters?|updates)"
                  // what we send, by channel: "unsubscribe from WhatsApp marketing"; not "from
                  // marketing automation tools"
                  + "|((whatsapp|email|e-mail|sms|text) )?(marketing|promotions|promos|newsletters?"
                  + "|updates|messages|texts)(?! (automation|platform|tools?|software|suite|cloud"
                  + "|hub|apps?|provider|vendor|api)\\b))"
                  // leaving another tool for us: "unsubscribe from them and move to you"
                  + "(?!.*\\b(move|moving|switch|switching|migrate|migrating|come|coming)"
                  + " (over )?to (you|your|u)\\b)"
                  // a number deleted from a list, not "my number ending 1234 from the old account"
                  // not "Please don't delete my number from your list, I'm interested"
                  + "|"
                  + NOT_NEGATED
                  + "(delete|remove|erase) my (phone number|number|contact details|contact|details)"
                  + " from (your|the|this|all|every) (\\p{L}+ )?(list|lists|database|db|system"
                  + "|records|crm|contacts)"
                  + "|"
                  + NOT_NEGATED
                  + "(delete|remove|erase) my (phone number|number|contact details|contact|details)"
                  + " from (your|ur|this|these|all|all your) (\\p{L}+ )?(whatsapp|channel|channels"
                  + "|newsletter|newsletters|updates|marketing|promotions|messages)"
                  + "|(i )?(don'?t|do not) want (these|your|any more|any) (messages|texts))\\b.*"),
          Pattern.compile(
              ".*\\b(no me (escribas|escriba|escriban|contactes|contacte|contacten|mandes|mande"
                  + "|manden|envies|envie|envien) mas|no me escribas"
                  + "|(deja|dejen|dejad|deje) de (escribirme|contactarme|enviarme|mandarme"
                  + "|(mandar|enviar) mensajes(?! de (audio|voz)))"
                  // what they send, not "que me manden la factura por correo"
                  + "|no quiero que me (escriban|escribas|contacten|contactes|manden|mandes|envien"
                  // not another channel: "que me manden nada por correo, prefiero WhatsApp"
                  + "|envies) ((mas|nada)(?! (por|al|a mi) (correo|email|e-mail|mail|sms))"
                  + "|mensajes(?! de (audio|voz))|ningun mensaje|publicidad"
                  + "|promociones)"
                  + "|(quitame|quitenme|borrame|borrenme|sacame|saquenme|eliminame|eliminenme)"
                  + " de (la|su|tu|esta|vuestra) lista"
                  + "|no (quiero|deseo) (recibir )?mas mensajes|no mas mensajes"
                  + "|darme de baja|dar de baja|dame de baja|denme de baja"
                  + "|(detener|parar|cancelar) (las )?promociones"
                  + "|no (quiero|deseo) (recibir )?mas promociones|no mas promociones)\\b.*"),
          Pattern.compile(
              ".*\\b(nao me (mande|mandem|envie|enviem|escreva|escrevam|contate|contatem|chame)"
                  + " mais|(pare|parem|para) de me (enviar|mandar|escrever|contatar)"
                  // what they send, not "Pare de enviar áudio, prefiro texto"
                  + "|(pare|parem) de (enviar|mandar|escrever|chamar)(-me| me| pra mim| para mim"
                  + "|( mais| essas?| tantas?)? (mensage(m|ns)(?! de (audio|voz))|msgs?|isso|isto"
                  + "|nada|propagandas?|promocoes|spam))"
                  + "|para de (mandar|enviar) mensage(m|ns)(?! de (audio|voz))"
                  + "|nao me (mande|mandem|envie|enviem) mensage(m|ns)(?! de (audio|voz))"
                  // not "Não me tire da lista" or "Não remova meu número da lista"
                  + "|(?<!nao )(me )?(?<!nao me"
                  + " )(tire|tira|tirem|remova|remove|removam|exclua|exclui) (d[ae]ss?a|da|desta|da"
                  + " sua|de sua) lista"
                  // from a list, not "Remova meu número antigo, o novo é..."
                  + "|(?<!nao )(remova|remove|apague|apaga|exclua|exclui) (o )?meu (numero|contato"
                  + "|telefone) (da|de|desta|dessa|do|deste|desse|dos|das|nos|nas|na|no)"
                  + " (sua |seu |suas |seus |vossa |vossas )?(listas?|bases?|cadastros?"
                  + "|banco de dados|sistemas?|contatos|mailing)"
                  + "|nao (quero|desejo) (receber )?mais mensagens|nao quero mais receber"
                  // not audio, nor by e-mail: "Não quero receber mensagens de áudio"
                  + "|nao (quero|desejo) receber (mais )?(mensagens|msgs|promocoes|propagandas?)"
                  // nor limited to a time, a sender or a number: "... no fim de semana", "... de
                  // manha", "... depois das 18h", "... do suporte antigo", "... com PDF"
                  + PT_NOT_LIMITED
                  + "|me descadastr[ae]\\w*"
                  + "|(parar|interromper|cancelar) (as )?promocoes"
                  + "|nao (quero|desejo) (receber )?mais promocoes)\\b.*"),
          Pattern.compile(
              ".*\\b(keine (nachrichten|werbung|sms|mails|e-mails) mehr"
                  + "|nicht mehr (kontaktieren|anschreiben|schreiben)"
                  + "|(schreiben|kontaktieren|kontaktiere|schreib|schreibt) (sie )?(mir|mich|uns)"
                  + " (bitte )?nicht mehr|(melden|tragen) sie mich (ab|aus)"
                  + "|werbung (stoppen|beenden|abbestellen)"
                  + "|keine weiteren (nachrichten|werbung|sms|mails|e-mails)"
                  // "Hören Sie auf, mir Nachrichten zu schicken"; not "... mir die Rechnung ..."
                  + "|(horen|hort|hor) (sie |bitte )*auf (mir|mich|uns) (bitte )?((nachrichten|sms"
                  + "|werbung|e-mails|mails|whatsapps|spam) )?zu (schreiben|kontaktieren|schicken"
                  + "|senden|simsen|texten|nerven|belastigen)"
                  // from a list, not "Bitte entfernen Sie mich aus dem CC"
                  + "|(entfernen|loschen) sie (mich|meine (telefon)?nummer|meine daten) (bitte )?"
                  // a compound with a hyphen too: "aus der WhatsApp-Liste"
                  + "(aus|von) (\\p{L}+ )?([\\p{L}-]*liste|[\\p{L}-]*verteiler"
                  + "|[\\p{L}-]*datenbank|[\\p{L}-]*newsletter|kartei|system))\\b.*"),
          Pattern.compile(
              ".*\\b(ne (plus )?me (contactez|contacter|ecrivez|ecrire) plus|ne plus me (contacter"
                  + "|ecrire)"
                  // "me" elided before a vowel, as French writes it: "Ne m'écrivez plus"
                  + "|ne m'(ecrivez|ecris|envoyez|envoie) plus|ne plus m'(ecrire|envoyer)"
                  + "|(arretez|arrete|cessez) de (m'ecrire|m'envoyer|me contacter)"
                  + "|(retirez|supprimez|enlevez)-? ?moi de (votre|vos|la|cette) listes?"
                  + "|je ne veux plus (recevoir|de messages)|desabonnez-? ?moi"
                  + "|desinscrivez-? ?moi|(arreter|stopper) les (promotions|promos|offres))\\b.*"),
          Pattern.compile(
              // Italian: "non scrivermi più" but not "... più tardi delle 18", "... più di una
              // volta", "... più fino a lunedì" or "... più su email, usa WhatsApp"; none of them
              // with a call asked for ("Non scrivermi più, chiamami")
              "(?!.*\\b(?<!non )(chiamami|chiamatemi|telefonami|telefonatemi|mi chiami|mi chiamate"
                  + "|sentiamoci)\\b)"
                  + ".*\\b(non (scrivermi|scrivetemi|mi scrivete|mi scriva|mi scrivere|contattarmi"
                  + "|contattatemi|mi contattate|mi contatti|mandarmi messaggi|mandatemi messaggi"
                  + "|inviarmi messaggi) (mai )?piu"
                  + "(?! (tardi|presto|di|del|della|dello|dei|delle|degli|spesso|volte|che|fino"
                  + "|finche|prima)\\b)"
                  + "(?! (per|via|su|sulla|alla|a|al|tramite|con) (email|e-mail|mail|posta|sms"
                  + "|telefono)\\b)(?! (messaggi )?(vocali|audio)\\b)"
                  // not "Basta messaggi vocali, scrivimi pure"
                  + "|basta (con )?(i |questi |tutti questi )?messaggi(?! (vocali|audio))"
                  // "Non mandarmi più messaggi", "Smettetela di scrivermi", "Non voglio più
                  // messaggi"
                  + "|non (mandarmi|mandatemi|mandami|inviarmi|inviatemi|mi mandate|mi mandi"
                  + "|mi inviate|mi invii) (mai )?piu (messaggi|sms|niente|nulla|promozioni"
                  + "|pubblicita)(?! (vocali|audio)\\b)"
                  + "|(smettila|smettetela|smetti|smettete|la smetta) di (scrivermi|contattarmi"
                  + "|disturbarmi|importunarmi|(scrivermi|mandarmi|inviarmi|mandare|inviare)"
                  + " (messaggi|sms|promozioni|pubblicita))(?! (messaggi )?(vocali|audio)\\b)"
                  + "|non (voglio|desidero) (piu|mai piu) (messaggi|sms|promozioni|pubblicita)"
                  + "(?! (vocali|audio)\\b)"
                  + "|non (voglio|desidero) (piu )?ricevere (piu )?(messaggi|promozioni|pubblicita)"
                  + "|(cancellami|cancellatemi|toglimi|toglietemi|rimuovimi|rimuovetemi)"
                  + " (dalla|dalle|da questa|dalla vostra|dalla tua|dalla sua|dalle vostre)"
                  + " (lista|liste|mailing list|rubrica|newsletter|contatti))\\b.*"));

  /** What a clause may end with after a phrase of {@link #CLAUSE_PHRASES}. */
  static final String COURTESY =
      OptOutKeywords.again(
          "please|pls|plz|now|asap|already|thanks|thank you|thx|por favor|pfv|pf|agora|ja"
              + "|obrigad[oa]|gracias|ya|bitte|danke|sofort|merci");

  /**
   * A list or database a number is kept on: "your list", "this mailing list", "your WhatsApp list",
   * "your database", "your contacts"; not "the CC list", "the invoice" or "the 9am call".
   */
  static final String LIST_OBJECT =
      // the sender's own list, however they call it: "your leads list", "this prospect list"
      "(((your|ur|this|these|all|all your|all of your|every|any) )(\\p{L}+ )?"
          // "the" list only as a list of messages: not "the CC list"
          + "|((the|that|our) )?((mailing|whatsapp|contact|marketing|sms|text|texting|messaging"
          + "|message|broadcast|call|calling|sales|email|e-mail|promo|promotion|promotional"
          + "|newsletter|subscriber|subscription|distribution|spam) )?)"
          + "(list|lists|database|databases|db|system|records|crm|contacts)";

  /**
   * Phrases that say stop only as the end of a clause: "Delete my number" or "Remova meu número,
   * por favor" but not "Delete my number ending 1234 from the old account" or "Remova meu número
   * antigo, o novo é..."; "Bitte entfernen Sie mich" but not "... aus dem CC"; "Pare de enviar" but
   * not "Pare de enviar áudio"; "No quiero que me escriban" but not "... que me manden la factura".
   * Each is matched against one normalised clause.
   */
  static final List<Pattern> CLAUSE_PHRASES =
      List.of(
          // "stop texting me" said to us at a clause's start: "Hey, stop texting me I'm not
          // interested", "Who is this? Stop texting me about this"
          Pattern.compile(
              ".*(" + STOP_US + ")" + OptOutStopUs.NOT_A_TIME + OptOutStopUs.NOT_HOW_OFTEN + ".*"),
          // at the clause's start, maybe asked politely: not "Did you delete my number?" or
          // "Please don't delete my number"
          Pattern.compile(
              "^((.* )?(and|so|then|also|i said|(i )?(want|need|would like|'d like) you to) )?"
                  + NOT_NEGATED
                  + "(please |pls |plz |kindly |just |(can|could|would) you (please |pls |kindly"
                  + " )?)*(delete|remove|erase) my (phone number|number|contact details|contact"
                  + "|details)"
                  + COURTESY),
          // said to us as a clause of its own, maybe asked: "Please stop texting me", "Can you
          // stop texting me?", "I need you to stop messaging me", "stop sending me these
          // messages"; not "My kids won't stop texting me", "Please don't stop messaging me",
          // "Can you stop texting me at night?" or "Stop sending me the PDF, I have it"
          Pattern.compile(
              "^((.* )?(and|so|then|also|i said|(i )?(want|need|would like|'d like) you to) )?"
                  + "(please |pls |plz |kindly |just |(can|could|would|will) you (please |pls "
                  + "|plz |kindly |just )?)*"
                  + "stop (spamming|bothering|harassing|pestering|msging|messaging|texting"
                  + "|sending|contacting)( me| us)?"
                  + "( (these|those|the|your|all|all these|all those|all the|all your|any|more"
                  + "|any more|so many))?"
                  + "( (messages|message|msgs|texts|stuff|spam|promotions|promos|offers|ads))?"
                  + "( (again|anymore|any more))?"
                  + COURTESY),
          Pattern.compile(
              ".*\\b((?<!nao )(remova|remove|apague|apaga|exclua|exclui) (o )?meu (numero|contato"
                  + "|telefone)"
                  + "|(pare|parem) de (enviar|mandar|escrever|chamar))"
                  + COURTESY),
          Pattern.compile(
              ".*\\bno quiero que me (escriban|escribas|contacten|contactes|manden|mandes|envien"
                  + "|envies)"
                  + COURTESY),
          Pattern.compile(
              ".*\\b(entfernen|loschen) sie (mich|meine (telefon)?nummer|meine daten)" + COURTESY),
          // "I want to unsubscribe", "I'd like to opt out", "i wanna unsubscribe" as a clause of
          // its own: not "I want to unsubscribe from HubSpot and use you instead" or "If I want
          // to unsubscribe, how do I do it?"
          Pattern.compile(
              "^((hi|hello|hey|ok|okay|so|yes|yeah|please|pls|no thanks|not interested) )*"
                  + "((i|we) (really |just |now )?(want to|wanna|need to|wish to|would like to"
                  + "|would love to)|(i'd|id|we'd) (really )?(like|love) to)( please)?"
                  + " (unsubscribe|opt out|optout|opt-out|be unsubscribed)"
                  + COURTESY),
          // Russian "I want to unsubscribe", "unsubscribe me", "don't write to me (anymore)"; not
          // "Не пишите мне на почту" (by e-mail) or "Как отписаться от ...?"
          Pattern.compile(
              "^((я )?(хочу|хотел бы|хотела бы|прошу) |пожалуиста )*(отписаться|отпишите меня"
                  + "|отпиши меня)( (пожалуиста|спасибо|срочно))*"),
          // "Не пишите мне", "Больше не пишите", "Не присылайте мне больше сообщений", "Не
          // беспокойте меня": to us or for good, not "Не пишите, я за рулём" or "Не пишите сюда,
          // пишите на почту"
          Pattern.compile(
              "^(?=(.* )?(мне|меня|нам|нас|больше|никогда)( |$))(пожалуиста )?(больше |никогда )?не"
                  + " (пишите|пиши|присылаите|присылаи|шлите|шли|беспокоите|беспокои)( мне| меня|"
                  + " нам| нас)?( сюда)?( больше| никогда)?( сюда)?( ничего| сообщении| сообщения|"
                  + " смс| рекламу| рассылку| спам)?( (пожалуиста|спасибо))*"),
          // Chinese, written without spaces: "请退订", "我要取消订阅", "别再发了", "不要再给我发消息了";
          // not "报价单别再发了" (the quote) or "怎么退订" (a question)
          Pattern.compile("^(你|你们|请|请你|请你们|我要|我想|帮我|麻烦|麻烦你)*(退订|取消订阅)(吧|了|谢谢)*"),
          // "不要再给我发消息了", "别再发消息了", "不要再联系我": to me or our messages; "别再发了" alone is
          // LAST_CLAUSES' ("不要再发了，我已经收到了" is about a duplicate)
          Pattern.compile(
              "^(你|你们|请|请你|请你们)*(别|不要)再(给我(发|发送)(消息|信息|短信|广告)?|(发|发送)(消息|信息|短信|广告)"
                  + "|打扰我|骚扰我|联系我)(了|啦)?(谢谢)?"),
          // "停止发送" (stop sending), maybe our messages named; not "停止发送报价单" (the quote)
          Pattern.compile("^(请|请你|请你们|麻烦你?)?停止(发送|推送|发)(消息|信息|短信|广告)?(了|吧)?(谢谢)?"),
          // "Хватит мне писать", "Перестаньте присылать мне рекламу": to us, not "Хватит писать,
          // давайте созвонимся" (enough writing, let's call)
          Pattern.compile(
              "^(пожалуиста )?(хватит|перестаньте|перестань|прекратите|прекрати)"
                  // to us, or spamming (said of us whatever its object): "Хватит спамить"
                  + "(?=.* (мне|меня|нам|нас|спамить)( |$))(?=.* (писать|слать|присылать|спамить"
                  + "|беспокоить|доставать)( |$))( (мне|меня|нам|нас|уже|писать|слать|присылать"
                  + "|спамить|беспокоить|доставать|сообщения|смс|рекламу|спам|рассылку|сюда|больше"
                  + "|пожалуиста|спасибо))+"),
          // Italian "cancel / remove me", as a clause of its own: not "Cancellami l'appuntamento"
          Pattern.compile(
              "^(per favore |per piacere |ti prego )?(cancellami|cancellatemi|toglimi|toglietemi"
                  + "|rimuovimi|rimuovetemi|disiscrivimi|disiscrivetemi)( (subito|per favore"
                  + "|per piacere|grazie))*"),
          // "Please remove me", "Take me off", "remove me from here"; "remove me from your list",
          // "take me off of your mailing list and stop texting"; not "Remove me from the CC
          // please", "Take me off the 9am call" or "remove me from the invoice and add ..."
          Pattern.compile(
              ".*\\b"
                  + NOT_NEGATED
                  + "(remove me( (from|off|off of) (here|this|there))?"
                  + "|take me off( of)?( (here|this|there))?)"
                  + "( (too|also|as well|immediately|right now|right away|permanently|for good))*"
                  + COURTESY
                  + "( (too|also|as well|immediately|right now|right away|permanently|for good))*"),
          Pattern.compile(
              ".*\\b"
                  + NOT_NEGATED
                  + "(remove|take|get) me (off of|off|from|out of) "
                  + LIST_OBJECT
                  // then the clause's end or a word that starts no other noun ("your system
                  // integration call" is none)
                  + "( (and|or|of|i|i'm|im|i am|we|we're|as|because|since|cause|pls|plz|please"
                  + "|now|asap|immediately|forever|permanently|for good|right now|right away"
                  + "|too|also|already|thanks|thank you|thx)\\b.*)?"));

  /**
   * "Stop calling me" only as the last clause with words: not "Stop calling me, text me here
   * instead".
   */
  static final Pattern STOP_CALLING =
      Pattern.compile(
          "^(please |pls |plz |kindly |just )?stop calling (me|us)( again| anymore| any more"
              + "| every day| all the time)?"
              + COURTESY);

  /**
   * Phrases that say stop only as the last clause with words but thanks or a sign-off: "stop
   * calling me" (not "Stop calling me, text me here instead"), Chinese "别再发了" and "别发了" (not
   * "不要再发了，我已经收到了", a duplicate).
   */
  static final List<Pattern> LAST_CLAUSES =
      List.of(
          STOP_CALLING,
          // "别发了" without "again" only with its 了: not "不要发送" about something else
          Pattern.compile("^(你|你们|请|请你|请你们)*(别|不要)(再(发|发送)(了|啦)?|(发|发送)(了|啦))(谢谢)?"));

  /**
   * Spanish "No me escriban" as a clause of its own ({@link OptOutDetector}): not "No me escriban
   * por correo"; not with a call or another contact asked for ({@link #CALL_OR_OTHER}).
   */
  static final Pattern NO_ME_ESCRIBAN =
      Pattern.compile(
          "^((por favor|porfa|ya|hola|gracias|no gracias) )*no me (escriban|escribas|escriba"
              + "|contacten|contactes|contacte)( (mas|nunca mas))?"
              + COURTESY);

  /**
   * A call or another contact asked for, in Spanish: "No me escriba, mejor llámeme", "No me
   * contacte, contacte a mi socio Juan" (as Italian "Non scrivermi più, chiamami").
   */
  static final Pattern CALL_OR_OTHER =
      Pattern.compile(
          ".*\\b(llamame|llameme|llamenme|llamarme|marcame|marqueme|contacte a|contacta a"
              + "|contacten a|escribale a|escribele a|escribanle a)\\b.*");
}
