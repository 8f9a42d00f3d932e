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
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The website source against a local site: robots.txt, extraction, limits. */
class WebsiteSourceTest {
  private HttpServer server;
  private final Map<String, String> pages = new ConcurrentHashMap<>();
  private final Map<String, String> redirects = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          requests.incrementAndGet();
          String target = redirects.get(ex.getRequestURI().getPath());
          if (target != null) {
            ex.getResponseHeaders().add("Location", target);
            ex.sendResponseHeaders(302, -1);
            ex.close();
            return;
          }
          if (ex.getRequestURI().getPath().equals("/drip")) {
            drip(ex);
            return;
          }
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

  private static void drip(com.sun.net.httpserver.HttpExchange ex) throws java.io.IOException {
    ex.getResponseHeaders().add("Content-Type", "text/html");
    ex.sendResponseHeaders(200, 0);
    try (OutputStream o = ex.getResponseBody()) {
      for (int i = 0; i < 100; i++) {
        o.write("<p>slow</p>".getBytes(StandardCharsets.UTF_8));
        o.flush();
        Thread.sleep(100);
      }
    } catch (InterruptedException | java.io.IOException e) {
      // the client hung up: as it should
    }
  }

  private int port() {
    return server.getAddress().getPort();
  }

  /** Loopback is allowed here only through the explicit test switch. */
  private List<ResearchSource.SourceText> collect(String path) {
    return collectFrom(
        "http://127.0.0.1:" + port() + path, PublicAddresses.allowingLoopbackForTests());
  }

  private static List<ResearchSource.SourceText> collectFrom(String url, PublicAddresses policy) {
    return new WebsiteSource(policy, Duration.ofSeconds(2), 64 * 1024)
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
            new WebsiteSource(
                    PublicAddresses.allowingLoopbackForTests(), Duration.ofMillis(500), 1024)
                .collect(new Document("website", "http://127.0.0.1:1/x")))
        .isEmpty();
    assertThat(new WebsiteSource(Duration.ofMillis(500), 1024).collect(new Document())).isEmpty();
  }

  @Test
  void theSizeLimitCutsLargePages() {
    pages.put("/big", "<html><body><p>" + "word ".repeat(50_000) + "</p></body></html>");

    List<ResearchSource.SourceText> texts =
        new WebsiteSource(PublicAddresses.allowingLoopbackForTests(), Duration.ofSeconds(2), 10_000)
            .collect(new Document("website", "http://127.0.0.1:" + port() + "/big"));

    assertThat(texts.get(0).text().length()).isLessThan(10_000);
  }

  @Test
  void internalAddressesAreRefusedWithoutARequestHowEverTheyAreWritten() {
    for (String host :
        List.of(
            "127.0.0.1",
            "localhost",
            "[::1]",
            "[::ffff:127.0.0.1]",
            "2130706433",
            "0x7f.0.0.1",
            "0.0.0.0",
            "169.254.169.254",
            "10.0.0.1",
            "192.168.1.1",
            "[fd00::1]")) {
      assertThat(collectFrom("http://" + host + ":" + port() + "/about", PublicAddresses.only()))
          .as(host)
          .isEmpty();
    }
    assertThat(requests.get()).as("requests that reached the local server").isZero();
  }

  @Test
  void aRedirectToAnInternalHostIsRefusedAtThatHop() {
    redirects.put("/to-metadata", "http://169.254.169.254/latest/meta-data/");
    redirects.put("/to-private", "http://10.1.2.3/admin");
    redirects.put("/to-unspecified", "http://0.0.0.0:" + port() + "/about");
    redirects.put("/to-about", "/about");

    assertThat(collect("/to-metadata")).isEmpty();
    assertThat(collect("/to-private")).isEmpty();
    assertThat(collect("/to-unspecified")).isEmpty();
    assertThat(collect("/to-about")).as("a redirect within the site").hasSize(1);
  }

  @Test
  void atMostThreeRedirectsAreFollowed() {
    redirects.put("/r1", "/r2");
    redirects.put("/r2", "/r3");
    redirects.put("/r3", "/about");
    redirects.put("/r0", "/r1");

    assertThat(collect("/r1")).hasSize(1);
    assertThat(collect("/r0")).isEmpty();
  }

  @Test
  void onlyHtmlIsRead() {
    pages.put("/data.txt", "a plain text answer that is long enough to count as a paragraph");

    assertThat(collect("/data.txt")).isEmpty();
  }

  @Test
  void aServerThatDripsBytesIsCutOffAtTheDeadline() {
    long start = System.nanoTime();

    List<ResearchSource.SourceText> texts =
        new WebsiteSource(
                PublicAddresses.allowingLoopbackForTests(), Duration.ofSeconds(1), 1 << 20)
            .collect(new Document("website", "http://127.0.0.1:" + port() + "/drip"));

    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(texts).isEmpty();
    // robots.txt (404) and the page share nothing but each has the one-second deadline.
    assertThat(tookMillis).isLessThan(4_000);
  }

  @Test
  void publicAddressesAreTheOnlyOnesAllowed() throws Exception {
    PublicAddresses policy = PublicAddresses.only();
    for (String refused :
        List.of(
            "127.0.0.1",
            "0.0.0.0",
            "10.0.0.1",
            "172.16.0.1",
            "192.168.0.1",
            "169.254.169.254",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::1",
            "2001:db8::1",
            "198.18.0.1",
            "192.0.2.10")) {
      assertThat(policy.allowed(java.net.InetAddress.getByName(refused))).as(refused).isFalse();
    }
    for (String allowed : List.of("93.184.216.34", "8.8.8.8", "2606:4700:4700::1111")) {
      assertThat(policy.allowed(java.net.InetAddress.getByName(allowed))).as(allowed).isTrue();
    }
    assertThat(
            PublicAddresses.allowingLoopbackForTests()
                .allowed(java.net.InetAddress.getLoopbackAddress()))
        .isTrue();
  }
}
