package com.salesagent.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** The system's headless Chromium through its chromedriver; nothing is downloaded. */
final class DashboardBrowser {
  static final List<String> BROWSERS = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");
  static final List<String> DRIVERS =
      List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

  private DashboardBrowser() {}

  record Session(WebDriver driver, Path userData) implements AutoCloseable {
    void screenshot(String name) throws Exception {
      Path dir = Path.of("target", "screenshots");
      Files.createDirectories(dir);
      Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(shot, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
      driver.quit();
    }
  }

  static Session open() throws Exception {
    String browser =
        BROWSERS.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
    String driver =
        DRIVERS.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
    if (browser == null || driver == null) {
      String missing = "no Chromium/chromedriver (apt-get install chromium chromium-driver)";
      if (System.getenv("REQUIRE_BROWSER") != null) {
        throw new AssertionError("REQUIRE_BROWSER is set but there is " + missing);
      }
      Assumptions.abort(missing + "; .ci/run installs them and requires this test");
    }
    Path userData = Files.createTempDirectory("dashboard-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--no-first-run",
        "--no-default-browser-check",
        "--window-size=1366,900",
        // A microphone for the voice-note recorder: Chromium's fake device (a beep), no prompt.
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        "--user-data-dir=" + userData);
    // The browser console, for the test to find errors in (driver.manage().logs()).
    org.openqa.selenium.logging.LoggingPreferences logs =
        new org.openqa.selenium.logging.LoggingPreferences();
    logs.enable(org.openqa.selenium.logging.LogType.BROWSER, java.util.logging.Level.ALL);
    options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(Path.of(driver).toFile()).build();
    return new Session(new ChromeDriver(service, options), userData);
  }
}
