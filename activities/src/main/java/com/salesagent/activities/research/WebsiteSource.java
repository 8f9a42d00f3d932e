package com.salesagent.activities.research;

import crawlercommons.robots.BaseRobotRules;
import crawlercommons.robots.SimpleRobotRulesParser;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.jsoup.Jsoup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lead's website, when enabled in configuration and reachable: public addresses only (every hop
 * checked, see {@link PublicWebClient}), robots.txt respected (crawler commons), one HTML page
 * fetched within one deadline and a size limit, its visible text extracted with jsoup (title,
 * description, headings, paragraphs). Any failure yields nothing: research goes on with the other
 * sources.
 */
public class WebsiteSource implements ResearchSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebsiteSource.class);
  static final String AGENT = "SalesAgentResearch";

  private final PublicWebClient web;

  public WebsiteSource(Duration deadline, int maxBytes) {
    this(PublicAddresses.only(), deadline, maxBytes);
  }

  /** Tests pass {@link PublicAddresses#allowingLoopbackForTests()} to serve pages locally. */
  public WebsiteSource(PublicAddresses policy, Duration deadline, int maxBytes) {
    this.web = new PublicWebClient(policy, deadline, maxBytes, AGENT + "/0.1");
  }

  @Override
  public List<SourceText> collect(Document contact) {
    String website = contact.getString("website");
    if (website == null || website.isBlank()) {
      return List.of();
    }
    try {
      URI page = URI.create(website.trim());
      if (!allowed(page)) {
        LOG.info("robots.txt of {} disallows {}", page.getHost(), page.getPath());
        return List.of();
      }
      PublicWebClient.Page answer = web.get(page);
      if (answer.status() != 200 || !answer.html()) {
        LOG.info("website research skipped: HTTP {} {}", answer.status(), answer.contentType());
        return List.of();
      }
      String text =
          extract(new String(answer.body(), StandardCharsets.UTF_8), answer.uri().toString());
      return text.isBlank() ? List.of() : List.of(new SourceText(WEBSITE, text));
    } catch (RuntimeException | IOException e) {
      LOG.info("website research skipped: {}", e.getMessage());
      return List.of();
    }
  }

  private boolean allowed(URI page) throws IOException {
    URI robots = page.resolve("/robots.txt");
    // Unreachable, refused or too slow: the exception skips the site (conservative).
    PublicWebClient.Page response = web.get(robots);
    if (response.status() == 404 || response.status() == 410) {
      return true;
    }
    if (response.status() >= 400) {
      // Conservative: an unreadable robots.txt (401/403/5xx) counts as "do not crawl".
      return false;
    }
    BaseRobotRules rules =
        new SimpleRobotRulesParser()
            .parseContent(
                robots.toString(), response.body(), "text/plain", List.of(AGENT.toLowerCase()));
    return rules.isAllowed(page.toString());
  }

  static String extract(String html, String baseUri) {
    org.jsoup.nodes.Document doc = Jsoup.parse(html, baseUri);
    doc.select("script, style, nav, footer, header, noscript, form").remove();
    List<String> parts = new ArrayList<>();
    if (!doc.title().isBlank()) {
      parts.add(doc.title().strip() + ".");
    }
    String description = doc.select("meta[name=description]").attr("content");
    if (!description.isBlank()) {
      parts.add(description.strip());
    }
    for (var element : doc.select("h1, h2, h3, p, li")) {
      String t = element.text().strip();
      if (t.length() > 20) {
        parts.add(t);
      }
    }
    return String.join("\n\n", parts);
  }

  @Override
  public void close() throws IOException {
    web.close();
  }
}
