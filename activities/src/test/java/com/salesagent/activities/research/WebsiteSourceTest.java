package com.salesagent.activities.research;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The website source against a local site: robots.txt, extraction, limits. */
class WebsiteSourceTest {
  private HttpServer server;
  private final Map<String, String> pages = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          String page = pages.get(ex.getRequestURI().getPath());
          byte[] out = (page == null ? "not found" : page).getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders()
              .add(
                  "Content-Type",
                  ex.getRequestURI().getPath().endsWith(".txt") ? "text/plain" : "text/html");
          ex.sendResponseHeaders(page == null ? 404 : 200, out.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(out);
          }
        });
    server.start();
    pages.put(
        "/about",
        "<html><head><title>Acme Retail</title><meta name=description content=\"Acme runs 40 stores"
            + " across Brazil.\"><script>track()</script></head><body><nav>Home Shop Contact</nav>"
            + "<h1>We are opening 12 new stores in 2027</h1><p>Our teams serve two million shoppers"
            + " a year.</p><footer>Copyright</footer></body></html>");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private List<ResearchSource.SourceText> collect(String path) {
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + path;
    return new WebsiteSource(Duration.ofSeconds(2), 64 * 1024)
        .collect(new Document("website", url));
  }

  @Test
  void extractsTheVisibleTextWithoutScriptsOrNavigation() {
    List<ResearchSource.SourceText> texts = collect("/about");

    assertThat(texts).hasSize(1);
    String text = texts.get(0).text();
    assertThat(texts.get(0).source()).isEqualTo("website");
    assertThat(text)
        .contains("Acme Retail.")
        .contains("40 stores across Brazil")
        .contains("opening 12 new stores")
        .contains("two million shoppers")
        .doesNotContain("track()")
        .doesNotContain("Home Shop Contact")
        .doesNotContain("Copyright");
  }

  @Test
  void robotsTxtIsRespected() {
    pages.put("/robots.txt", "User-agent: *\nDisallow: /about\n");

    assertThat(collect("/about")).isEmpty();
  }

  @Test
  void aRuleForOtherAgentsDoesNotBlockUs() {
    pages.put("/robots.txt", "User-agent: SomeOtherBot\nDisallow: /\n");

    assertThat(collect("/about")).hasSize(1);
  }

  @Test
  void anUnreachableOrMissingSiteYieldsNothing() {
    assertThat(collect("/missing")).isEmpty();
    assertThat(
            new WebsiteSource(Duration.ofMillis(500), 1024)
                .collect(new Document("website", "http://127.0.0.1:1/x")))
        .isEmpty();
    assertThat(new WebsiteSource(Duration.ofMillis(500), 1024).collect(new Document())).isEmpty();
  }

  @Test
  void theSizeLimitCutsLargePages() {
    pages.put("/big", "<html><body><p>" + "word ".repeat(50_000) + "</p></body></html>");

    List<ResearchSource.SourceText> texts =
        new WebsiteSource(Duration.ofSeconds(2), 10_000)
            .collect(
                new Document(
                    "website", "http://127.0.0.1:" + server.getAddress().getPort() + "/big"));

    assertThat(texts.get(0).text().length()).isLessThan(10_000);
  }
}
