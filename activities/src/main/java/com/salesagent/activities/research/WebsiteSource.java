package com.salesagent.activities.research;

import crawlercommons.robots.BaseRobotRules;
import crawlercommons.robots.SimpleRobotRulesParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.jsoup.Jsoup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lead's website, when enabled in configuration and reachable: robots.txt respected (crawler
 * commons), one page fetched with a size and a time limit, its visible text extracted with jsoup
 * (title, description, headings, paragraphs). Any failure yields nothing: research goes on with the
 * other sources.
 */
public class WebsiteSource implements ResearchSource {
  private static final Logger LOG = LoggerFactory.getLogger(WebsiteSource.class);
  static final String AGENT = "SalesAgentResearch";

  private final HttpClient http;
  private final Duration timeout;
  private final int maxBytes;

  public WebsiteSource(Duration timeout, int maxBytes) {
    this.timeout = timeout;
    this.maxBytes = maxBytes;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
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
      byte[] html = fetch(page);
      if (html == null) {
        return List.of();
      }
      String text = extract(new String(html, StandardCharsets.UTF_8), page.toString());
      return text.isBlank() ? List.of() : List.of(new SourceText("website", text));
    } catch (RuntimeException | IOException e) {
      LOG.info("website research skipped for {}: {}", website, e.getMessage());
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  private boolean allowed(URI page) throws IOException, InterruptedException {
    URI robots = page.resolve("/robots.txt");
    HttpResponse<byte[]> response = get(robots);
    if (response == null || response.statusCode() == 404 || response.statusCode() == 410) {
      return true;
    }
    if (response.statusCode() >= 400) {
      // Conservative: an unreadable robots.txt (401/403/5xx) counts as "do not crawl".
      return false;
    }
    BaseRobotRules rules =
        new SimpleRobotRulesParser()
            .parseContent(
                robots.toString(), response.body(), "text/plain", List.of(AGENT.toLowerCase()));
    return rules.isAllowed(page.toString());
  }

  private byte[] fetch(URI page) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = get(page);
    if (response == null || response.statusCode() != 200) {
      return null;
    }
    String type = response.headers().firstValue("Content-Type").orElse("text/html");
    return type.contains("html") ? response.body() : null;
  }

  /** GET with the time limit and at most maxBytes read. */
  private HttpResponse<byte[]> get(URI uri) throws IOException, InterruptedException {
    HttpResponse<InputStream> response =
        http.send(
            HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("User-Agent", AGENT + "/0.1")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    byte[] body;
    try (InputStream in = response.body()) {
      body = in.readNBytes(maxBytes);
    }
    byte[] limited = body;
    return new HttpResponse<>() {
      @Override
      public int statusCode() {
        return response.statusCode();
      }

      @Override
      public HttpRequest request() {
        return response.request();
      }

      @Override
      public java.util.Optional<HttpResponse<byte[]>> previousResponse() {
        return java.util.Optional.empty();
      }

      @Override
      public java.net.http.HttpHeaders headers() {
        return response.headers();
      }

      @Override
      public byte[] body() {
        return limited;
      }

      @Override
      public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
        return response.sslSession();
      }

      @Override
      public URI uri() {
        return response.uri();
      }

      @Override
      public HttpClient.Version version() {
        return response.version();
      }
    };
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
}
